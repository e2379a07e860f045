package train

import (
	"math"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
)

// BenchmarkConstrainedStep times one training iteration of the tutorial's
// network (fast graph, float32, TrainGraph.Run plus this package's Adam,
// fixed data) without constraints (plain) and with Dale's law (80%
// excitatory), a recurrent connection probability of 0.5 and the
// L2_firing_rate regulariser (constrained). The two alternate in blocks of
// blockIters iterations, so that other load on the machine hits both alike;
// it reports the mean time per iteration of each, and x-vs-plain, the
// ratio of their fastest blocks (the least disturbed; issue 11 asks for at
// most 1.25), beside x-vs-plain-mean, the ratio of the means.
//
//	go test ./train -run '^$' -bench ConstrainedStep -benchtime 200x
func BenchmarkConstrainedStep(b *testing.B) {
	const blockIters = 10
	plain := constrainedStep(b, model.Constraints{}, model.Regularization{})
	cons := constrainedStep(b, model.Constraints{Dale: true, ExcFraction: 0.8, RecConnectivity: 0.5}, model.Regularization{L2FiringRate: 0.01})
	for range 5 {
		plain()
		cons()
	}
	block := func(step func()) time.Duration {
		t0 := time.Now()
		for range blockIters {
			step()
		}
		return time.Since(t0)
	}
	var tp, tc time.Duration
	minP, minC := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	b.ResetTimer()
	for b.Loop() { // one b.N is one block of each
		p, c := block(plain), block(cons)
		tp, tc = tp+p, tc+c
		minP, minC = min(minP, p), min(minC, c)
	}
	n := float64(b.N * blockIters)
	b.ReportMetric(float64(tp.Microseconds())/1000/n, "plain-ms/iter")
	b.ReportMetric(float64(tc.Microseconds())/1000/n, "constrained-ms/iter")
	b.ReportMetric(float64(minC)/float64(minP), "x-vs-plain")
	b.ReportMetric(float64(tc)/float64(tp), "x-vs-plain-mean")
}

// constrainedStep returns one training iteration (Run + Adam) of the
// tutorial's network with the constraints and regularisers, on fixed
// random data.
func constrainedStep(tb testing.TB, cons model.Constraints, reg model.Regularization) func() {
	tb.Helper()
	const H, B, T = 64, 16, 60
	cfg := model.Config{NInput: 3, NHidden: H, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: model.ReLU, Reg: reg}
	w, err := model.InitConstrainedWeights(cfg, cons, 0, tensor.Float32)
	if err != nil {
		tb.Fatal(err)
	}
	g, err := model.NewTrainGraph(cfg, w, T, B, model.CrossEntropy, model.Fast)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { g.Close() })
	opt := NewAdam(0.01)
	inputs := make([]float32, T*B*3)
	class := make([]int32, T*B)
	for i := range inputs {
		inputs[i] = float32(i%7) / 7
	}
	for i := range class {
		class[i] = int32(i % 3)
	}
	noise := make([]float32, T*B*H)
	model.NewNoise(1).Fill(noise)
	params := g.Learnables()
	return func() {
		if _, err := g.Run(inputs, model.Targets{Class: class}, noise); err != nil {
			tb.Fatal(err)
		}
		if err := opt.Step(params); err != nil {
			tb.Fatal(err)
		}
	}
}
