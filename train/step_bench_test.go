package train

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
)

// gridHidden, gridBatch and gridSeqLen are the sizes of the speed grid
// (README "Speed"; model/testdata/speed_grid.sh runs it beside PyTorch).
var (
	gridHidden = []int{32, 64, 128, 256, 512, 1024}
	gridBatch  = []int{16, 64}
	gridSeqLen = []int{60, 200}
)

// stepFLOPs returns the floating-point operations of the matrix products of
// one training step (forward and backward) of an RNN with I inputs, H units
// and O outputs over T steps and B trials: the recurrent products
// (h_{t-1} W_rᵀ forward, P_t W_r and Σ P_tᵀ h_{t-1} backward, each
// 2(T-1)BH²), the input projection and its gradient (2TBIH each) and the
// output projection and its two gradients (2TBOH each).
func stepFLOPs(I, H, O, T, B int) float64 {
	return 6*float64(T-1)*float64(B)*float64(H)*float64(H) + 4*float64(T*B*I*H) + 6*float64(T*B*O*H)
}

// BenchmarkStepGrid times what torch_step_bench.py times, at every size of
// the speed grid: one training step of the tutorial's network (3 inputs,
// ReLU, 3 outputs, CrossEntropy, Adam lr 0.01) on fixed random data, with
// the network noise drawn in the step (model.Noise.Fill, as the script's
// torch.randn), the forward and backward pass (fast graph, float32) and the
// optimiser step, all on the calling goroutine. It reports ms/iter, the
// GFLOP/s of the matrix products (stepFLOPs) and the process's CPU time per
// iteration (run it with GOMAXPROCS=1 to compare with PyTorch on one core).
//
//	go test ./train -run '^$' -bench 'StepGrid/H=64/B=16/T=60$' -benchtime 200x
func BenchmarkStepGrid(b *testing.B) {
	for _, H := range gridHidden {
		for _, B := range gridBatch {
			for _, T := range gridSeqLen {
				b.Run(fmt.Sprintf("H=%d/B=%d/T=%d", H, B, T), func(b *testing.B) {
					step := gridStep(b, H, B, T)
					step() // warm-up: first-run allocations
					b.ReportAllocs()
					b.ResetTimer()
					cpu0 := processCPU()
					for b.Loop() {
						step()
					}
					s := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(1000*s, "ms/iter")
					b.ReportMetric(stepFLOPs(3, H, 3, T, B)/s/1e9, "GFLOP/s")
					if cpu0 >= 0 {
						// CPU time of the process (all threads, GC included):
						// less disturbed than wall time by other processes
						c := (processCPU() - cpu0).Seconds() / float64(b.N)
						b.ReportMetric(1000*c, "cpu-ms/iter")
					}
				})
			}
		}
	}
}

// gridStep builds the tutorial's network with H units for T steps and B
// trials and returns one training step on fixed random data.
func gridStep(tb testing.TB, H, B, T int) func() {
	tb.Helper()
	cfg := model.Config{NInput: 3, NHidden: H, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: model.ReLU}
	w := model.InitWeights(cfg, 0, tensor.Float32)
	g, err := model.NewTrainGraph(cfg, w, T, B, model.CrossEntropy, model.Fast)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { g.Close() })
	opt, err := NewSolver("Adam", 0.01)
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	inputs := make([]float32, T*B*3)
	for i := range inputs {
		inputs[i] = r.Float32()
	}
	class := make([]int32, T*B)
	for i := range class {
		class[i] = int32(r.IntN(3))
	}
	noise := make([]float32, T*B*H)
	nz := model.NewNoise(1)
	params := g.Learnables()
	return func() {
		nz.Fill(noise)
		if _, err := g.Run(inputs, model.Targets{Class: class}, noise); err != nil {
			tb.Fatal(err)
		}
		if err := opt.Step(params); err != nil {
			tb.Fatal(err)
		}
	}
}
