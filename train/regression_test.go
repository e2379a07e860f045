package train_test

import (
	"context"
	"testing"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/train"
)

// regressionSeed is the run seed of TestAccuracyRegression: the default
// seed, fixed before looking at any result (no seed search).
const regressionSeed = 0

// TestAccuracyRegression is the CI regression on what training achieves: the
// default (tutorial) configuration trained with a fixed seed for 1000
// iterations must choose correctly on at least 85% of 1000 fresh test trials
// and on at least 97% of those with coherence >= 12.8%. The test trials go
// through analyze.Evaluate, the code path of cmd/analyze (an external test
// package, since analyze imports train). The PyTorch tutorial
// reaches a median of 86.8% on 200 trials (88.7% on 2000) over seeds; the
// ideal observer's ceiling is 90% (coherence 0 is a coin flip).
//
// Seed 0 gives 89.4% here (100% at coherence >= 12.8). The test pins one
// seed, and seeds differ as much as in PyTorch: with the fast graph and the
// AVX2/FMA kernel, seeds 0-9 tested on 2000 trials by cmd/analyze gave 88.7,
// 85.8, 89.8, 88.2, 86.3, 80.8, 85.0, 87.2, 86.7, 89.3% (median 87.0; PyTorch's
// seeds 0-9: median 88.7, range 81.0-89.5). A given seed's result also moves
// with any change of float32 rounding (fast vs reference graph, another BLAS
// kernel or CPU architecture), as training amplifies it: if this test fails
// after such a change, look at several seeds before concluding.
func TestAccuracyRegression(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the default configuration for 1000 iterations; skipped with -short")
	}
	cfg := train.DefaultConfig()
	cfg.Seed = regressionSeed
	res, err := train.Train(context.Background(), cfg, train.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: final training loss %.4f, accuracy %.1f%%, loop %.2f s",
		cfg.Seed, res.FinalLoss(), res.FinalAccuracy(), res.TrainSeconds)

	task, err := cfg.MakeTask(data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	act, err := analyze.Evaluate(task, cfg.ModelConfig(task.ObSpace().Dim, task.ActSpace().Dim), res.Weights, 1000, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := act.Accuracy()
	if err != nil {
		t.Fatal(err)
	}
	hiN, hiCorrect := 0, 0
	if acc.ByCondition[0].Var != "coh" {
		t.Fatalf("first condition %q, want coh", acc.ByCondition[0].Var)
	}
	for _, c := range acc.ByCondition[0].Levels {
		t.Logf("coherence %4g%%: %5.1f%% of %d", c.X, c.Percent(), c.N)
		if c.X >= 12.8 {
			hiN += c.N
			hiCorrect += c.Correct
		}
	}
	hi := 100 * float64(hiCorrect) / float64(hiN)
	t.Logf("test accuracy %.1f%% (coherence >= 12.8: %.1f%%)", acc.Percent(), hi)
	if acc.Percent() < 85 {
		t.Errorf("test accuracy %.1f%% < 85%%", acc.Percent())
	}
	if hiN == 0 || hi < 97 {
		t.Errorf("test accuracy at coherence >= 12.8: %.1f%% of %d trials < 97%%", hi, hiN)
	}
}
