package train

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// regressionSeed is the run seed of TestAccuracyRegression: the default
// seed, fixed before looking at any result (no seed search).
const regressionSeed = 0

// TestAccuracyRegression is the CI regression on what training achieves: the
// default (tutorial) configuration trained with a fixed seed for 1000
// iterations must choose correctly on at least 85% of 1000 fresh test trials
// and on at least 97% of those with coherence >= 12.8%. The PyTorch tutorial
// reaches a median of 86.8% on 200 trials (88.7% on 2000) over seeds; the
// ideal observer's ceiling is 90% (coherence 0 is a coin flip).
//
// Seed 0 gives 87.4% here (100% at coherence >= 12.8). The test pins one
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
	cfg := DefaultConfig()
	cfg.Seed = regressionSeed
	res := mustTrain(t, cfg, Options{})
	t.Logf("seed %d: final training loss %.4f, accuracy %.1f%%, loop %.2f s",
		cfg.Seed, res.FinalLoss(), res.FinalAccuracy(), res.TrainSeconds)
	ev := evaluate(t, cfg, res.Weights, 1000)
	t.Log(ev)
	if ev.overall() < 85 {
		t.Errorf("test accuracy %.1f%% < 85%%", ev.overall())
	}
	if hi := ev.above(12.8); hi < 97 {
		t.Errorf("test accuracy at coherence >= 12.8: %.1f%% < 97%%", hi)
	}
}

// evaluation counts correct choices per coherence.
type evaluation struct {
	correct, total map[float64]int
}

func (e evaluation) overall() float64 { return e.above(-1) }

// above returns the percent correct over trials with coherence >= c.
func (e evaluation) above(c float64) float64 {
	n, k := 0, 0
	for coh, tot := range e.total {
		if coh >= c {
			n += tot
			k += e.correct[coh]
		}
	}
	return 100 * float64(k) / float64(n)
}

func (e evaluation) String() string {
	var cohs []float64
	for c := range e.total {
		cohs = append(cohs, c)
	}
	sort.Float64s(cohs)
	var b strings.Builder
	fmt.Fprintf(&b, "test accuracy %.1f%% (coherence >= 12.8: %.1f%%); by coherence:", e.overall(), e.above(12.8))
	for _, c := range cohs {
		fmt.Fprintf(&b, " %g: %.1f%% (%d)", c, 100*float64(e.correct[c])/float64(e.total[c]), e.total[c])
	}
	return b.String()
}

// evaluate tests w on n fresh trials of the test environment
// (DeriveSeed(seed, "test-task", 0)) with network noise on
// (DeriveSeed(seed, "test-noise", 0)), in batches through a ForwardGraph:
// the choice is the output argmax at a trial's last step, correct if it
// equals the target there.
func evaluate(t testing.TB, cfg Config, w *model.Weights, n int) evaluation {
	t.Helper()
	task := cfg.TaskConfig()
	mcfg := cfg.ModelConfig(task.ObsDim(), task.ActDim())
	env, err := data.NewPerceptualDecisionMaking(task, data.DeriveSeed(cfg.Seed, "test-task", 0))
	if err != nil {
		t.Fatal(err)
	}
	noise := model.NewNoise(data.DeriveSeed(cfg.Seed, "test-noise", 0))
	trials := make([]*data.Trial, n)
	for i := range trials {
		trials[i] = env.NewTrial()
		if trials[i].T != trials[0].T {
			t.Fatalf("trials of different lengths (%d, %d): evaluate handles fixed-length trials only", trials[0].T, trials[i].T)
		}
	}
	const B = 200
	T, I, H, O := trials[0].T, mcfg.NInput, mcfg.NHidden, mcfg.NOutput
	fg, err := model.NewForwardGraph(mcfg, w, T, B)
	if err != nil {
		t.Fatal(err)
	}
	defer fg.Close()
	ev := evaluation{correct: map[float64]int{}, total: map[float64]int{}}
	inputs := make([]float32, T*B*I)
	nz := make([]float32, T*B*H)
	for start := 0; start < n; start += B {
		batch := trials[start:min(start+B, n)]
		clear(inputs)
		for b, tr := range batch {
			for s := range T {
				copy(inputs[(s*B+b)*I:(s*B+b+1)*I], tr.Ob[s*I:(s+1)*I])
			}
		}
		noise.Fill(nz)
		_, out, err := fg.Run(inputs, nz)
		if err != nil {
			t.Fatal(err)
		}
		for b, tr := range batch {
			row := out[((T-1)*B+b)*O : ((T-1)*B+b+1)*O]
			ev.total[tr.Coh]++
			if argmax32(row) == tr.Gt[T-1] {
				ev.correct[tr.Coh]++
			}
		}
	}
	return ev
}
