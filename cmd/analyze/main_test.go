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
	for _, f := range []string{"metrics.json", "activity.npz", "task_trial.png", "trial_output.png", "psychometric.png", "pca2d.png", "pca3d.png"} {
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
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", c.name, code, stderr.String(), c.code, c.want)
		}
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
