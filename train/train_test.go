package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// smallConfig is a quick configuration for loop tests: the tutorial's task
// with a small network and batch, cut into windows of 20 steps (a tape's
// cost grows with its length, not with the sizes).
func smallConfig(n int) Config {
	c := DefaultConfig()
	c.NNeurons, c.BatchSize, c.SeqLen, c.NIteration = 16, 4, 20, n
	return c
}

func weightsData(w *model.Weights) [][]float32 {
	var out [][]float32
	for _, t := range w.Tensors() {
		out = append(out, append([]float32(nil), t.Data().([]float32)...))
	}
	return out
}

func equalWeights(a, b *model.Weights) bool {
	x, y := weightsData(a), weightsData(b)
	for i := range x {
		if !slices.Equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

func mustTrain(t testing.TB, cfg Config, opt Options) *Result {
	t.Helper()
	res, err := Train(context.Background(), cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTrainDeterministic: same seed, same loss curve and weights, whatever
// the goroutine scheduling (the second run stalls the loop at random so that
// the batch producer runs ahead by different amounts).
func TestTrainDeterministic(t *testing.T) {
	cfg := smallConfig(30)
	cfg.Seed = 7
	a := mustTrain(t, cfg, Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	b := mustTrain(t, cfg, Options{Progress: func(Iteration) {
		if rng.IntN(3) == 0 {
			time.Sleep(time.Duration(rng.IntN(500)) * time.Microsecond)
		}
	}})
	if a.Completed() != 30 || b.Completed() != 30 {
		t.Fatalf("completed %d and %d iterations, want 30", a.Completed(), b.Completed())
	}
	if !slices.Equal(a.Loss, b.Loss) || !slices.Equal(a.Accuracy, b.Accuracy) {
		t.Errorf("loss curves differ:\n%v\n%v", a.Loss, b.Loss)
	}
	if !equalWeights(a.Weights, b.Weights) {
		t.Error("weights differ between two runs with the same seed")
	}
	cfg.Seed = 8
	c := mustTrain(t, cfg, Options{})
	if slices.Equal(a.Loss, c.Loss) {
		t.Error("seeds 7 and 8 gave the same loss curve")
	}
}

// TestTrainUpdatesWeights: the solver's updates reach Result.Weights (the
// tensors saved to model.npz), and the loss goes down.
func TestTrainUpdatesWeights(t *testing.T) {
	cfg := smallConfig(40)
	res := mustTrain(t, cfg, Options{})
	init := model.InitWeights(cfg.Model(), cfg.Seed, tensor.Float32)
	x, y := weightsData(init), weightsData(res.Weights)
	for i, name := range model.StateDictNames {
		if slices.Equal(x[i], y[i]) {
			t.Errorf("%s unchanged by training", name)
		}
	}
	first, last := tailMean(res.Loss[:5], 5), tailMean(res.Loss, 5)
	if !(last < first) {
		t.Errorf("loss did not decrease: first 5 mean %g, last 5 mean %g", first, last)
	}
	for i, v := range res.Accuracy {
		if v < 0 || v > 100 || math.Mod(v*float64(cfg.BatchSize), 100) != 0 {
			t.Fatalf("accuracy[%d] = %g: want a multiple of 100/%d in [0, 100]", i, v, cfg.BatchSize)
		}
	}
	if res.TrainSeconds <= 0 || res.Stopped != "" {
		t.Errorf("TrainSeconds %g, Stopped %q", res.TrainSeconds, res.Stopped)
	}
}

// TestTrainNonFinite: a learning rate of 1e30 blows the network up; Train
// stops at the first non-finite loss, names the iteration, and keeps the
// weights that gave the last finite loss: those of a run stopped two
// iterations earlier.
func TestTrainNonFinite(t *testing.T) {
	cfg := smallConfig(50)
	cfg.Optimizer, cfg.LearningRate = "SGD", 1e30
	res, err := Train(context.Background(), cfg, Options{})
	var nf *NonFiniteLossError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v, want *NonFiniteLossError", err)
	}
	if res == nil || res.Completed() != nf.Iteration-1 {
		t.Fatalf("completed %d iterations, error at iteration %d", res.Completed(), nf.Iteration)
	}
	if res.Stopped == "" {
		t.Error("Stopped is empty")
	}
	for _, l := range res.Loss {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			t.Fatalf("non-finite loss kept in the log: %v", res.Loss)
		}
	}
	var want *model.Weights
	if k := nf.Iteration - 2; k > 0 {
		cfg.NIteration = k
		want = mustTrain(t, cfg, Options{}).Weights
	} else {
		want = model.InitWeights(cfg.Model(), cfg.Seed, tensor.Float32)
	}
	if !equalWeights(res.Weights, want) {
		t.Errorf("kept weights are not those of iteration %d", nf.Iteration-1)
	}
	t.Logf("diverged at iteration %d: %v", nf.Iteration, err)
}

// TestTrainNonFiniteWeights is the issue 8 repro -learning_rate 1e39
// -n_iteration 1: the step makes the float32 weights infinite. Train must
// not return them as if good: it keeps the weights that gave the finite
// loss (the initial ones) and says so.
func TestTrainNonFiniteWeights(t *testing.T) {
	for _, n := range []int{1, 5} {
		cfg := smallConfig(n)
		cfg.LearningRate = 1e39
		res, err := Train(context.Background(), cfg, Options{})
		var nf *NonFiniteWeightsError
		if !errors.As(err, &nf) || nf.Iteration != 1 {
			t.Fatalf("n_iteration %d: err = %v, want *NonFiniteWeightsError at iteration 1", n, err)
		}
		if res.Completed() != 1 || !strings.Contains(res.Stopped, "non-finite") {
			t.Errorf("completed %d, Stopped %q", res.Completed(), res.Stopped)
		}
		if !equalWeights(res.Weights, model.InitWeights(cfg.Model(), cfg.Seed, tensor.Float32)) {
			t.Error("the kept weights are not the initial ones")
		}
	}
}

// TestTrainCancel: cancelling the context stops after the current iteration
// and returns what exists.
func TestTrainCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Train(ctx, smallConfig(100), Options{Progress: func(it Iteration) {
		if it.Index == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || res.Completed() != 5 || res.Stopped == "" {
		t.Fatalf("result %+v", res)
	}
}

// TestTrainCheckpoint: with checkpoints due at every iteration, each one
// sees the run so far and writes a loadable run directory, a failing
// checkpoint stops the run, and checkpointing does not change training.
func TestTrainCheckpoint(t *testing.T) {
	cfg := smallConfig(12)
	plain := mustTrain(t, cfg, Options{})
	dir := t.TempDir()
	d, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var seen []int
	res := mustTrain(t, cfg, Options{CheckpointEvery: time.Nanosecond, Checkpoint: func(r *Result) error {
		seen = append(seen, r.Completed())
		if !strings.Contains(r.Stopped, "checkpoint after") || r.TrainSeconds <= 0 {
			t.Errorf("checkpoint %d: Stopped %q, TrainSeconds %g", r.Completed(), r.Stopped, r.TrainSeconds)
		}
		if r.Completed() != 5 {
			return nil
		}
		return WriteRun(d, r) // one real write: the figure takes a while
	}})
	// The last iteration is not checkpointed: the caller saves the result.
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}; !slices.Equal(seen, want) {
		t.Errorf("checkpoints after iterations %v, want %v", seen, want)
	}
	if res.Stopped != "" || !slices.Equal(res.Loss, plain.Loss) || !equalWeights(res.Weights, plain.Weights) {
		t.Errorf("checkpointing changed the run (Stopped %q)", res.Stopped)
	}
	got, _, err := LoadRun(dir)
	if err != nil || got.NIteration != cfg.NIteration {
		t.Errorf("LoadRun of the checkpoint: %+v, %v", got, err)
	}
	if sum, err := os.ReadFile(filepath.Join(dir, SummaryFile)); err != nil || !strings.Contains(string(sum), "checkpoint after 5 of 12") {
		t.Errorf("checkpoint summary.json does not say it is a checkpoint: %s %v", sum, err)
	}

	boom := errors.New("disk full")
	res, err = Train(context.Background(), cfg, Options{CheckpointEvery: time.Nanosecond, Checkpoint: func(r *Result) error {
		if r.Completed() == 3 {
			return boom
		}
		return nil
	}})
	if !errors.Is(err, boom) || res == nil || res.Completed() != 3 || res.Stopped == "" {
		t.Errorf("failing checkpoint: err %v, result %+v", err, res)
	}
}

func TestTrainInvalidConfig(t *testing.T) {
	cfg := smallConfig(10)
	cfg.Tau = 1
	if res, err := Train(context.Background(), cfg, Options{}); err == nil || res != nil {
		t.Errorf("Train with tau < dt: result %v, err %v", res, err)
	}
}

func TestLastStepAccuracy(t *testing.T) {
	// T=2, B=3, O=3; only the last step (t=1) counts.
	out := []float32{
		9, 0, 0, 9, 0, 0, 9, 0, 0, // t=0
		0, 1, 0, 0, 0, 1, 2, 2, 0, // t=1: argmax 1, 2, 0 (tie -> first)
	}
	targets := []int32{1, 1, 1, 1, 2, 1}
	if got := lastStepAccuracy(out, targets, nil, 2, 3, 3); math.Abs(got-200.0/3) > 1e-12 {
		t.Errorf("accuracy = %g, want 66.67", got)
	}
}

func TestFinalFigures(t *testing.T) {
	r := &Result{}
	for i := range 250 {
		r.Loss = append(r.Loss, float64(i))
		r.Accuracy = append(r.Accuracy, 1)
	}
	if got := r.FinalLoss(); got != 199.5 { // mean of 150..249
		t.Errorf("FinalLoss = %g, want 199.5", got)
	}
	r.Loss = r.Loss[:10]
	if got := r.FinalLoss(); got != 4.5 {
		t.Errorf("FinalLoss of 10 = %g, want 4.5", got)
	}
	if !math.IsNaN((&Result{}).FinalAccuracy()) {
		t.Error("FinalAccuracy of nothing is not NaN")
	}
}

// BenchmarkTrainIteration times one full training iteration of the default
// configuration (batch and noise generation, which overlap the graph on
// another goroutine, forward and backward pass, optimiser step) on the fast
// and the reference graph.
func BenchmarkTrainIteration(b *testing.B) {
	for _, graph := range []string{"fast", "reference"} {
		b.Run(graph, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.NIteration, cfg.Graph = b.N, graph
			tr, err := NewTrainer(cfg, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			b.ReportAllocs()
			b.ResetTimer()
			res, err := tr.Run(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(1000*res.SecondsPerIteration(), "ms/iter")
		})
	}
}

func TestPlainProgress(t *testing.T) {
	var b strings.Builder
	report, finish := newProgress(&b, false, 100)
	for k := 1; k <= 100; k++ {
		report(Iteration{Index: k, N: 100, Loss: 1, Accuracy: 50})
	}
	finish()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[9], "iteration 100/100  loss 1.0000  accuracy  50.0%") {
		t.Errorf("plain progress:\n%s", b.String())
	}
	b.Reset()
	report, finish = newProgress(&b, true, 100)
	report(Iteration{Index: 1, N: 100, Loss: 1, Accuracy: 50})
	finish()
	if !strings.Contains(b.String(), "loss 1.0000") {
		t.Errorf("progress bar output lacks the loss: %q", b.String())
	}
}

// TestMemoryFlat: the live heap does not grow with the number of iterations
// (no per-iteration leak in the loop, the graph, the solver or the producer).
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("400 iterations; skipped with -short")
	}
	heap := map[int]uint64{}
	cfg := smallConfig(400)
	_, err := Train(context.Background(), cfg, Options{Progress: func(it Iteration) {
		if it.Index == 100 || it.Index == 400 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap[it.Index] = ms.HeapAlloc
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	growth := int64(heap[400]) - int64(heap[100])
	t.Logf("live heap after 100 iterations %.2f MB, after 400 %.2f MB", float64(heap[100])/1e6, float64(heap[400])/1e6)
	if growth > 1<<20 {
		t.Errorf("live heap grew by %.2f MB over 300 iterations", float64(growth)/1e6)
	}
}

// TestMonitor: the monitor sees every MonitorEvery-th iteration with the
// live weights, and can end training early with a reason.
func TestMonitor(t *testing.T) {
	var seen []int
	var first *model.Weights
	opt := Options{MonitorEvery: 5, Monitor: func(k int, w *model.Weights) (bool, string, error) {
		seen = append(seen, k)
		if first == nil {
			first = w.Clone()
		}
		return k == 15, "reached the target at iteration 15", nil
	}}
	res := mustTrain(t, smallConfig(40), opt)
	if !slices.Equal(seen, []int{5, 10, 15}) || res.Completed() != 15 || res.Stopped != "reached the target at iteration 15" {
		t.Errorf("seen %v, completed %d, stopped %q", seen, res.Completed(), res.Stopped)
	}
	cfg := smallConfig(5)
	if want := mustTrain(t, cfg, Options{}).Weights; !equalWeights(first, want) {
		t.Error("the monitor did not see the weights after iteration 5")
	}
	opt.Monitor = func(int, *model.Weights) (bool, string, error) { return false, "", errors.New("boom") }
	if _, err := Train(context.Background(), smallConfig(10), opt); err == nil || !strings.Contains(err.Error(), "monitor: boom") {
		t.Errorf("monitor error: %v", err)
	}
}
