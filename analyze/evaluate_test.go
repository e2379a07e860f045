package analyze

import (
	"math"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
	"github.com/taskrnn/taskrnn/model"
	"gorgonia.org/tensor"
)

const tutorialKwargs = `{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}`

// tutorialConfigs returns the tutorial's task (dt 20 ms, stimulus 1000 ms,
// sigma 0.3), with kwargs overriding, and a 64-unit ReLU network for it.
func tutorialConfigs(t testing.TB, kwargs string) (model.Config, data.Task) {
	t.Helper()
	if kwargs == "" {
		kwargs = tutorialKwargs
	}
	tc, err := tasks.Make("PerceptualDecisionMaking-v0", []byte(kwargs), data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	mc := model.Config{NInput: tc.ObSpace().Dim, NHidden: 64, NOutput: tc.ActSpace().Dim,
		Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: model.ReLU}
	return mc, tc
}

// referenceForward runs the leaky RNN of one trial in plain float64 Go:
// h <- (1-a) h + a relu(Wx x + Wr h + b) + sqrt(2a) s noise, o = Wo h + bo,
// with noise (steps, H) taken from the batch noise array at column n.
func referenceForward(cfg model.Config, w *model.Weights, ob []float32, steps, n, N int, noise []float32) (hid, out []float64) {
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	f := func(t *tensor.Dense) []float32 { return t.Data().([]float32) }
	wx, wr, br, wo, bo := f(w.InputRec), f(w.RecRec), f(w.RecBias), f(w.RecOut), f(w.OutBias)
	a := cfg.Alpha()
	s := math.Sqrt(2*a) * cfg.NetworkNoise
	h := make([]float64, H)
	next := make([]float64, H)
	for t := 0; t < steps; t++ {
		for i := 0; i < H; i++ {
			pre := float64(br[i])
			for k := 0; k < I; k++ {
				pre += float64(wx[i*I+k]) * float64(ob[t*I+k])
			}
			for k := 0; k < H; k++ {
				pre += float64(wr[i*H+k]) * h[k]
			}
			next[i] = (1-a)*h[i] + a*math.Max(pre, 0) + s*float64(noise[(t*N+n)*H+i])
		}
		copy(h, next)
		hid = append(hid, h...)
		for o := 0; o < O; o++ {
			v := float64(bo[o])
			for k := 0; k < H; k++ {
				v += float64(wo[o*H+k]) * h[k]
			}
			out = append(out, v)
		}
	}
	return hid, out
}

// checkAgainstReference recomputes every trial of a independently (same
// trial stream, same noise stream: one (T, trials, H) block per chunk of
// EvalChunk trials) and compares.
func checkAgainstReference(t *testing.T, a *Activity, mc model.Config, w *model.Weights, kwargs string, seed int64) {
	t.Helper()
	_, env := tutorialConfigs(t, kwargs)
	env.Seed(data.StreamSeed(seed, data.TestTask, 0))
	stream := model.StreamNoise(seed, data.TestNoise, 0)
	var noise []float32
	chunkN := 0
	var maxErr float64
	for n := 0; n < a.N; n++ {
		if n%EvalChunk == 0 {
			chunkN = min(EvalChunk, a.N-n)
			noise = make([]float32, a.T*chunkN*a.H)
			stream.Fill(noise)
		}
		tr, _ := env.NewTrial(nil)
		if a.Steps[n] != tr.T || a.Vars[n].JSON() != tr.Vars.JSON() {
			t.Fatalf("trial %d: steps %d vars %s, want %d %s", n, a.Steps[n], a.Vars[n].JSON(), tr.T, tr.Vars.JSON())
		}
		for s := 0; s < a.T; s++ {
			want := int32(0)
			if s < tr.T {
				want = int32(tr.Gt[s])
			}
			if a.Target[n*a.T+s] != want {
				t.Fatalf("trial %d step %d: target %d, want %d", n, s, a.Target[n*a.T+s], want)
			}
		}
		hid, out := referenceForward(mc, w, tr.Ob, tr.T, n%EvalChunk, chunkN, noise)
		for k, v := range hid {
			maxErr = math.Max(maxErr, math.Abs(float64(a.Hidden[n*a.T*a.H+k])-v))
		}
		for k, v := range out {
			maxErr = math.Max(maxErr, math.Abs(float64(a.Outputs[n*a.T*a.O+k])-v))
		}
		// Padding is zero.
		for k := tr.T * a.H; k < a.T*a.H; k++ {
			if a.Hidden[n*a.T*a.H+k] != 0 {
				t.Fatalf("trial %d: padded hidden state not zero", n)
			}
		}
	}
	if maxErr > 1e-4 {
		t.Errorf("max |graph - reference| = %g, want <= 1e-4", maxErr)
	}
}

func TestEvaluateMatchesReferenceBeyond256Trials(t *testing.T) {
	mc, tc := tutorialConfigs(t, "")
	w := model.InitWeights(mc, 5, tensor.Float32)
	const seed = 11
	a, err := Evaluate(tc, mc, w, 300, seed)
	if err != nil {
		t.Fatal(err)
	}
	if a.N != 300 || a.T != 60 || a.I != 3 || a.H != 64 || a.O != 3 || a.Dt != 20 {
		t.Fatalf("sizes N %d T %d I %d H %d O %d dt %v", a.N, a.T, a.I, a.H, a.O, a.Dt)
	}
	checkAgainstReference(t, a, mc, w, "", seed)
	// Choice and Correct follow from the outputs at the last step.
	b := *a
	b.Choice, b.Correct = make([]int, a.N), make([]bool, a.N)
	if err := b.Decide(); err != nil {
		t.Fatal(err)
	}
	for n := range a.N {
		if a.Choice[n] != b.Choice[n] || a.Correct[n] != b.Correct[n] {
			t.Fatalf("trial %d: choice not the last-step argmax", n)
		}
	}
}

// TestEvaluateInChunks: a test of more than EvalChunk trials (variable
// lengths) matches the reference trial by trial.
func TestEvaluateInChunks(t *testing.T) {
	const kw = `{"dt": 20, "timing": {"stimulus": [300, 500, 700]}, "sigma": 0.3}`
	mc, tc := tutorialConfigs(t, kw)
	mc.NHidden = 8
	w := model.InitWeights(mc, 2, tensor.Float32)
	a, err := Evaluate(tc, mc, w, EvalChunk+37, 9)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstReference(t, a, mc, w, kw, 9)
}

func TestEvaluateVariableLengths(t *testing.T) {
	const kw = `{"dt": 20, "timing": {"stimulus": [300, 500, 700], "delay": ["uniform", [0, 200]]}, "sigma": 0.3}`
	mc, tc := tutorialConfigs(t, kw)
	w := model.InitWeights(mc, 6, tensor.Float32)
	a, err := Evaluate(tc, mc, w, 40, 3)
	if err != nil {
		t.Fatal(err)
	}
	lengths := map[int]bool{}
	for _, s := range a.Steps {
		lengths[s] = true
	}
	if len(lengths) < 3 {
		t.Fatalf("only %d distinct trial lengths; the test needs variety", len(lengths))
	}
	checkAgainstReference(t, a, mc, w, kw, 3)
}

func TestEvaluateDeterministic(t *testing.T) {
	mc, tc := tutorialConfigs(t, "")
	w := model.InitWeights(mc, 1, tensor.Float32)
	a, err := Evaluate(tc, mc, w, 20, 4)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Evaluate(tc, mc, w, 20, 4)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Evaluate(tc, mc, w, 20, 5)
	if err != nil {
		t.Fatal(err)
	}
	same := func(x, y []float32) bool {
		for k := range x {
			if x[k] != y[k] {
				return false
			}
		}
		return true
	}
	if !same(a.Hidden, b.Hidden) || !same(a.Inputs, b.Inputs) {
		t.Error("same seed gave different activity")
	}
	if same(a.Inputs, c.Inputs) {
		t.Error("different seeds gave the same trials")
	}
}

func TestEvaluateErrors(t *testing.T) {
	mc, tc := tutorialConfigs(t, "")
	w := model.InitWeights(mc, 1, tensor.Float32)
	if _, err := Evaluate(tc, mc, w, 0, 1); err == nil || !strings.Contains(err.Error(), "n_trials") {
		t.Errorf("0 trials: err = %v", err)
	}
	_, tc4 := tutorialConfigs(t, `{"dt": 20, "dim_ring": 4}`)
	if _, err := Evaluate(tc4, mc, w, 5, 1); err == nil || !strings.Contains(err.Error(), "needs 5 and 5") {
		t.Errorf("task/network mismatch: err = %v", err)
	}
	if _, err := Evaluate(tc, mc, nil, 5, 1); err == nil {
		t.Error("nil weights: no error")
	}
}

// BenchmarkEvaluate tests the tutorial's default network (64 ReLU units,
// dt 20 ms, 60 steps) on 200 trials, as cmd/analyze does by default.
func BenchmarkEvaluate(b *testing.B) {
	mc, tc := tutorialConfigs(b, "")
	w := model.InitWeights(mc, 0, tensor.Float32)
	for b.Loop() {
		if _, err := Evaluate(tc, mc, w, 200, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeAndWrite is everything after Evaluate for 200 trials of
// the default network: accuracy, psychometric fit, PCA, metrics.json,
// activity.npz and the five figures.
func BenchmarkAnalyzeAndWrite(b *testing.B) {
	mc, tc := tutorialConfigs(b, "")
	w := model.InitWeights(mc, 0, tensor.Float32)
	a, err := Evaluate(tc, mc, w, 200, 0)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		r, err := Analyze(a, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.WriteFiles(dir); err != nil {
			b.Fatal(err)
		}
	}
}
