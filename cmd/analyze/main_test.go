package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
	"gorgonia.org/tensor"
)

// fakeRun writes a run directory with the default configuration and
// untrained weights (analysis does not care whether training happened).
func fakeRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := train.DefaultConfig()
	cfg.Seed = 3
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	w := model.InitWeights(cfg.Model(), cfg.Seed, tensor.Float32)
	if err := w.SaveNPZ(filepath.Join(dir, "model.npz")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunWritesEverything(t *testing.T) {
	dir := fakeRun(t)
	out := filepath.Join(t.TempDir(), "sub", "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-run", dir, "-n_trials", "50", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{"metrics.json", "activity.npz", "task_trial.png", "trial_output.png", "psychometric.png", "pca2d.png", "pca3d.png", "fixed_points.npz"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !strings.Contains(stdout.String(), "accuracy") || !strings.Contains(stdout.String(), out) {
		t.Errorf("stdout lacks the table or the output directory:\n%s", stdout.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Seed    int64 `json:"seed"`
		NTrials int   `json:"n_trials"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Seed != 3 || m.NTrials != 50 {
		t.Errorf("metrics seed %d n_trials %d, want the run's seed 3 and 50", m.Seed, m.NTrials)
	}
}

func TestRunErrors(t *testing.T) {
	good := fakeRun(t)
	corrupt := fakeRun(t)
	if err := os.WriteFile(filepath.Join(corrupt, "config.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	noWeights := fakeRun(t)
	os.Remove(filepath.Join(noWeights, "model.npz"))
	badWeights := fakeRun(t)
	if err := os.WriteFile(filepath.Join(badWeights, "model.npz"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no -run", nil, 2, "-run DIR is required"},
		{"missing dir", []string{"-run", filepath.Join(good, "nope")}, 1, "no such directory"},
		{"not a run dir", []string{"-run", t.TempDir()}, 1, "config.json not found"},
		{"corrupt config", []string{"-run", corrupt}, 1, "corrupt"},
		{"missing weights", []string{"-run", noWeights}, 1, "model.npz not found"},
		{"corrupt weights", []string{"-run", badWeights}, 1, "model.npz"},
		{"zero trials", []string{"-run", good, "-n_trials", "0"}, 2, "n_trials"},
		{"stray argument", []string{"-run", good, "extra"}, 2, "unexpected argument"},
		{"fp_input size", []string{"-run", good, "-fp_input", "[1, 0.5]"}, 2, "input vector has 2 values, the task's observation has 3 (fixation, stimulus[0], stimulus[1])"},
		{"fp_input channel", []string{"-run", good, "-fp_input", `{"fix": 1}`}, 2, `no observation channel "fix" (the task's: fixation, stimulus)`},
		{"fp_input and fp_condition", []string{"-run", good, "-fp_input", "[1, 0.5, 0.5]", "-fp_condition", `{"coh": 0}`}, 2, "do not combine it with -fp_condition"},
		{"fp_condition", []string{"-run", good, "-fp_condition", `{"ground_truth": 5}`}, 2, "trial variable ground_truth = 5: want a choice in [0, 2)"},
		{"fp_condition JSON", []string{"-run", good, "-fp_condition", `coh=0`}, 2, "input condition: trial variables"},
		{"fp_period", []string{"-run", good, "-fp_period", "stim"}, 2, `input period "stim": no step of it`},
		{"n_inits", []string{"-run", good, "-n_inits", "0"}, 2, "n_inits = 0, want >= 1"},
		{"tol_q", []string{"-run", good, "-tol_q", "0"}, 2, "tol_q = 0, want a finite value > 0"},
		{"tol_q_slow", []string{"-run", good, "-tol_q_slow", "1e-14"}, 2, "tol_q_slow = 1e-14, want a finite value >= tol_q"},
		{"tol_unique", []string{"-run", good, "-tol_unique", "-1"}, 2, "tol_unique = -1"},
		{"noise_scale", []string{"-run", good, "-noise_scale", "-0.5"}, 2, "noise_scale = -0.5"},
		{"search flags without the search", []string{"-run", good, "-fixed_points=false", "-n_inits", "10", "-tol_q", "1e-9"}, 2, "-n_inits, -tol_q set the fixed-point search, which -fixed_points=false skips"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", c.name, code, stderr.String(), c.code, c.want)
		}
	}
	if es, _ := os.ReadDir(good); len(es) != 2 {
		t.Errorf("the run directory holds %d entries after the bad flags, want config.json and model.npz", len(es))
	}
}

// TestRunFixedPointFlags: the fixed-point flags reach the analysis (the
// input of a forced condition over a period, n_inits, the tolerances and
// the seed, in metrics.json), -fixed_points=false writes no fixed-point
// file and removes the earlier ones.
func TestRunFixedPointFlags(t *testing.T) {
	dir := fakeRun(t)
	var stdout, stderr bytes.Buffer
	args := []string{"-run", dir, "-n_trials", "20", "-fp_condition", `{"coh": 51.2, "ground_truth": 1}`, "-fp_period", "stimulus",
		"-n_inits", "24", "-tol_q", "1e-10", "-tol_q_slow", "1e-5", "-tol_unique", "0.01", "-noise_scale", "0.2", "-fp_seed", "9"}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var m struct {
		FixedPoints struct {
			Input struct {
				Values []float64 `json:"values"`
				Source string    `json:"source"`
			} `json:"input"`
			Seed    int64 `json:"seed"`
			Options struct {
				NInits     int     `json:"n_inits"`
				NoiseScale float64 `json:"noise_scale"`
				TolQ       float64 `json:"tol_q"`
				TolQSlow   float64 `json:"tol_q_slow"`
				TolUnique  float64 `json:"tol_unique"`
			} `json:"options"`
		} `json:"fixed_points"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f := m.FixedPoints
	if f.Input.Source != "condition" || len(f.Input.Values) != 3 || f.Input.Values[2] <= f.Input.Values[1] || f.Seed != 9 ||
		f.Options.NInits != 24 || f.Options.NoiseScale != 0.2 || f.Options.TolQ != 1e-10 || f.Options.TolQSlow != 1e-5 || f.Options.TolUnique != 0.01 {
		t.Errorf("metrics fixed_points %+v", f)
	}
	if !strings.Contains(stdout.String(), "fixed points under x* = [fixation 1, stimulus[0] 0.244") {
		t.Errorf("stdout lacks the fixed points:\n%s", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "fixed_points.npz")); err != nil {
		t.Error(err)
	}
	stdout.Reset()
	if code := run([]string{"-run", dir, "-n_trials", "20", "-fixed_points=false"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, name := range []string{"fixed_points.npz", "fixed_points_eigenvalues.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s left after -fixed_points=false", name)
		}
	}
	if strings.Contains(stdout.String(), "fixed points") {
		t.Errorf("stdout mentions fixed points after -fixed_points=false:\n%s", stdout.String())
	}
}

// TestRunLockedOutput is the issue 8 repro of two cmd/analyze -out SAME at
// once: while one holds the output directory, the other is refused naming
// the holder, and writes nothing.
func TestRunLockedOutput(t *testing.T) {
	dir := fakeRun(t)
	out := filepath.Join(t.TempDir(), "out")
	d, err := rundir.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-run", dir, "-n_trials", "20", "-out", out}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "in use by another process (pid") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "metrics.json")); err == nil {
		t.Error("metrics.json written")
	}
}

// TestRunRefusesWhatDoesNotFit: an analysis whose estimate exceeds the
// memory the process may use (here a Go memory limit of 40 MiB) is refused
// before it starts, naming the fields, the estimate and the memory.
func TestRunRefusesWhatDoesNotFit(t *testing.T) {
	dir := fakeRun(t)
	old := debug.SetMemoryLimit(40 << 20)
	defer debug.SetMemoryLimit(old)
	var stdout, stderr bytes.Buffer
	code := run([]string{"-run", dir, "-n_trials", "100000"}, &stdout, &stderr)
	for _, want := range []string{"this analysis would need about", "GOMEMLIMIT", "n_trials = 100000, n_neurons = 64"} {
		if code != 1 || !strings.Contains(stderr.String(), want) {
			t.Errorf("exit %d, stderr %q lacks %q", code, stderr.String(), want)
		}
	}
}
