package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/cmplx"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/analyze/fixedpoint"
	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// fpOptions are the default fixed-point options with n initial states.
func fpOptions(n int) *FixedPointOptions {
	o := DefaultFixedPointOptions()
	o.Search.NInits = n
	return &o
}

// fpMetrics is the fixed-point part of metrics.json as a reader sees it.
type fpMetrics struct {
	FixedPoints *struct {
		Input struct {
			Values    []float64       `json:"values"`
			Channels  []string        `json:"channels"`
			Source    string          `json:"source"`
			Period    string          `json:"period"`
			Condition json.RawMessage `json:"condition"`
			SigmaZero bool            `json:"sigma_zero"`
		} `json:"input"`
		Seed    int64 `json:"seed"`
		Options struct {
			NInits int     `json:"n_inits"`
			TolQ   float64 `json:"tol_q"`
		} `json:"options"`
		Summary struct {
			NStable   int      `json:"n_stable_fixed_points"`
			NUnstable int      `json:"n_unstable_fixed_points"`
			NSlow     int      `json:"n_slow_points"`
			MaxAbs    *float64 `json:"max_abs_eigval"`
			Line      *float64 `json:"line_variance_share"`
		} `json:"summary"`
		EigenvalueFigure *struct {
			Point int    `json:"point"`
			Which string `json:"which"`
		} `json:"eigenvalue_figure"`
	} `json:"fixed_points"`
	Notes []string `json:"notes"`
}

func readFPMetrics(t *testing.T, dir string) fpMetrics {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m fpMetrics
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRunDirFixedPoints: a run's analysis with the search writes
// fixed_points.npz (fixed-point-finder's fields, read back with
// data/fileio and, when it is installed, NumPy), the eigenvalue figure of
// the point metrics.json names, the points on the PCA figures, and the
// summary with the input (PerceptualDecisionMaking's default, [1, 0.5,
// 0.5] with its channel names) in metrics.json, consistent with the
// archive.
func TestRunDirFixedPoints(t *testing.T) {
	dir, cfg, _ := smallRunDir(t, 16)
	out := openOut(t, filepath.Join(t.TempDir(), "out"))
	rep, files, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 40, FixedPoints: fpOptions(64)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FixedPoints == nil || len(rep.FixedPoints.Result.Points) == 0 {
		t.Fatal("no fixed point found on the untrained network (it has at least one)")
	}
	for _, f := range []string{FixedPointsFile, FixedPointsEigenFile} {
		if !slices.Contains(files, filepath.Join(out.Path(), f)) {
			t.Errorf("%s not written (files %v)", f, files)
		}
	}

	m := readFPMetrics(t, out.Path())
	fm := m.FixedPoints
	if fm == nil {
		t.Fatal("metrics.json has no fixed_points")
	}
	if !slices.Equal(fm.Input.Values, []float64{1, 0.5, 0.5}) || !slices.Equal(fm.Input.Channels, []string{"fixation", "stimulus[0]", "stimulus[1]"}) ||
		fm.Input.Source != "zero evidence" || fm.Input.Period != "stimulus" || compact(fm.Input.Condition) != `{"coh":0}` || !fm.Input.SigmaZero {
		t.Errorf("metrics input %+v", fm.Input)
	}
	if fm.Seed != cfg.Seed || fm.Options.NInits != 64 || fm.Options.TolQ != 1e-12 {
		t.Errorf("metrics seed %d, options %+v", fm.Seed, fm.Options)
	}

	z, err := fileio.OpenNPZ(filepath.Join(out.Path(), FixedPointsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	read := func(name string, d fileio.Dtype, shape ...int) fileio.Array {
		t.Helper()
		a, err := z.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		if a.Dtype != d || !slices.Equal(a.Shape, shape) {
			t.Fatalf("%s: %v %v, want %v %v", name, a.Dtype, a.Shape, d, shape)
		}
		return a
	}
	n, H := len(rep.FixedPoints.Result.Points), 16
	read("xstar", fileio.Float64, n, H)
	read("J_xstar", fileio.Float64, n, H, H)
	read("inputs", fileio.Float64, n, 3)
	read("qstar", fileio.Float64, n)
	eig := read("eigval_J_xstar", fileio.Complex128, n, H).Data.([]complex128)
	read("eigvec_J_xstar", fileio.Complex128, n, H, H)
	stable := read("is_stable", fileio.Bool, n).Data.([]bool)
	slow := read("is_slow", fileio.Bool, n).Data.([]bool)
	nUnst := read("n_unstable", fileio.Int64, n).Data.([]int64)
	read("all_qstar", fileio.Float64, 64)
	ja, err := z.Read("input_json")
	if err != nil || ja.Dtype != fileio.Uint8 {
		t.Fatalf("input_json: %v, %v", ja.Dtype, err)
	}
	js := ja.Data.([]uint8)
	var in fixedpoint.Input
	if err := json.Unmarshal(js, &in); err != nil || !slices.Equal(in.Values, fm.Input.Values) || !slices.Equal(in.Channels, fm.Input.Channels) {
		t.Errorf("input_json %s (%v), metrics input %+v", js, err, fm.Input)
	}
	var nStable, nUnstable, nSlow int
	maxAbs := 0.0
	for k := range n {
		switch {
		case slow[k]:
			nSlow++
		case stable[k]:
			nStable++
		default:
			nUnstable++
		}
		top := cmplx.Abs(eig[k*H])
		maxAbs = math.Max(maxAbs, top)
		if stable[k] != (top < 1) || (nUnst[k] == 0) != (top <= 1) {
			t.Errorf("point %d: is_stable %v, n_unstable %d, |λ1| %v", k, stable[k], nUnst[k], top)
		}
	}
	s := fm.Summary
	if s.NStable != nStable || s.NUnstable != nUnstable || s.NSlow != nSlow || s.MaxAbs == nil || *s.MaxAbs != maxAbs {
		t.Errorf("metrics summary %+v, archive %d stable, %d unstable, %d slow, max |λ| %v", s, nStable, nUnstable, nSlow, maxAbs)
	}
	if i, why := rep.FixedPoints.Result.Showcase(); fm.EigenvalueFigure == nil || fm.EigenvalueFigure.Point != i || fm.EigenvalueFigure.Which != why {
		t.Errorf("eigenvalue_figure %+v, want point %d (%s)", fm.EigenvalueFigure, i, why)
	}
	checkPNG(t, filepath.Join(out.Path(), FixedPointsEigenFile), 6, 6)

	// The PCA figures of the same test without the search differ only by
	// the points drawn on them.
	plain := openOut(t, filepath.Join(t.TempDir(), "plain"))
	if _, _, err := RunDir(context.Background(), dir, plain, RunOptions{NTrials: 40}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{PCA2DFile, PCA3DFile} {
		with, _ := os.ReadFile(filepath.Join(out.Path(), f))
		without, _ := os.ReadFile(filepath.Join(plain.Path(), f))
		checkPNG(t, filepath.Join(out.Path(), f), 9, 6.5)
		if bytes.Equal(with, without) {
			t.Errorf("%s: the same with and without the fixed points", f)
		}
	}
	a1, _ := os.ReadFile(filepath.Join(out.Path(), ActivityFile))
	a2, _ := os.ReadFile(filepath.Join(plain.Path(), ActivityFile))
	if !bytes.Equal(a1, a2) {
		t.Error("the search changed the test's activity.npz")
	}

	numpyCheck(t, filepath.Join(out.Path(), FixedPointsFile), n, H)
}

// numpyCheck loads fixed_points.npz with NumPy (skipped without it) and
// checks fixed-point-finder's fields, dtypes and shapes, and input_json.
func numpyCheck(t *testing.T, path string, n, H int) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Logf("no NumPy for %s (%v): NumPy check skipped", py, err)
		return
	}
	script := `
import json, sys, numpy as np
z = np.load(sys.argv[1], allow_pickle=False)
n, H = int(sys.argv[2]), int(sys.argv[3])
want = {"xstar": ("float64", (n, H)), "x_init": ("float64", (n, H)), "inputs": ("float64", (n, 3)),
        "F_xstar": ("float64", (n, H)), "qstar": ("float64", (n,)), "J_xstar": ("float64", (n, H, H)),
        "eigval_J_xstar": ("complex128", (n, H)), "eigvec_J_xstar": ("complex128", (n, H, H)),
        "is_stable": ("bool", (n,)), "n_unstable": ("int64", (n,))}
for k, (d, s) in want.items():
    assert str(z[k].dtype) == d and z[k].shape == s, (k, z[k].dtype, z[k].shape)
# the eigenvalues are those of J, by decreasing modulus
for i in range(n):
    ev = np.linalg.eigvals(z["J_xstar"][i])
    got = z["eigval_J_xstar"][i]
    assert np.allclose(np.sort(np.abs(ev))[::-1], np.abs(got), atol=1e-10), i
    assert z["is_stable"][i] == (np.abs(got).max() < 1)
inp = json.loads(bytes(z["input_json"]).decode())
assert inp["values"] == [1, 0.5, 0.5] and inp["channels"] == ["fixation", "stimulus[0]", "stimulus[1]"], inp
print("ok")
`
	out, err := exec.Command(py, "-c", script, path, strconv.Itoa(n), strconv.Itoa(H)).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("NumPy: %v\n%s", err, out)
	}
}

// TestRunDirFixedPointsAtomic: re-analysing a directory removes the
// fixed-point files of the earlier analysis in the same commit when the
// new one does not write them: all of them without the search, the
// eigenvalue figure when the search finds no point (a note says why).
func TestRunDirFixedPointsAtomic(t *testing.T) {
	dir, _, _ := smallRunDir(t, 8)
	out := openOut(t, filepath.Join(t.TempDir(), "out"))
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(out.Path(), name))
		return err == nil
	}
	if _, _, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 20, FixedPoints: fpOptions(16)}); err != nil {
		t.Fatal(err)
	}
	if !exists(FixedPointsFile) || !exists(FixedPointsEigenFile) {
		t.Fatal("the first analysis wrote no fixed-point files")
	}
	if _, _, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 20}); err != nil {
		t.Fatal(err)
	}
	if exists(FixedPointsFile) || exists(FixedPointsEigenFile) || readFPMetrics(t, out.Path()).FixedPoints != nil {
		t.Error("fixed-point files or metrics left from the earlier analysis")
	}

	if _, _, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 20, FixedPoints: fpOptions(16)}); err != nil {
		t.Fatal(err)
	}
	none := fpOptions(16)
	none.Search.MaxIters = 1 // one iteration from far away: no point within tol_q_slow
	none.Search.NoiseScale = 5
	rep, _, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 20, FixedPoints: none})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.FixedPoints.Result.Points) != 0 {
		t.Fatalf("%d points after one iteration", len(rep.FixedPoints.Result.Points))
	}
	m := readFPMetrics(t, out.Path())
	if !exists(FixedPointsFile) || exists(FixedPointsEigenFile) || m.FixedPoints == nil || m.FixedPoints.EigenvalueFigure != nil {
		t.Error("without a point: want fixed_points.npz, no eigenvalue figure, the summary without a figure")
	}
	if len(m.Notes) == 0 || !strings.Contains(m.Notes[len(m.Notes)-1], "no fixed or slow point found from 16 initial states") {
		t.Errorf("notes %q", m.Notes)
	}
}

// TestFixedPointsOtherTasks: the search runs with the default input on a
// yang19 task (a run directory, mean input over conditions) and on a task
// with a continuous (Box) action space (in memory: Evaluate, Analyze,
// AddFixedPoints and the commit).
func TestFixedPointsOtherTasks(t *testing.T) {
	cfg := rundir.DefaultConfig()
	cfg.Task, cfg.StimLen, cfg.StimNoise = rundir.TaskList{"yang19.dm1-v0"}, nil, nil
	cfg.NNeurons, cfg.Seed = 8, 2
	cfg = cfg.Canonical()
	task := mustTask(t, cfg)
	mc := cfg.ModelConfig(task.ObSpace().Dim, task.ActSpace().Dim)
	w := model.InitWeights(mc, cfg.Seed, tensor.Float32)
	dir := filepath.Join(t.TempDir(), "run")
	d := openOut(t, dir)
	if err := d.Commit([]rundir.File{{Name: rundir.ConfigFile, Write: rundir.ConfigJSON(cfg)}, {Name: rundir.ModelFile, Write: w.WriteNPZ}}, nil); err != nil {
		t.Fatal(err)
	}
	rep, _, err := RunDir(context.Background(), dir, d, RunOptions{NTrials: 20, FixedPoints: fpOptions(16)})
	if err != nil {
		t.Fatal(err)
	}
	if in := rep.FixedPoints.Input; len(in.Values) != 33 || in.Source != "mean over conditions" || in.Task != "yang19.dm1-v0" || !in.SigmaZero {
		t.Errorf("yang19.dm1-v0: input %+v", in)
	}
	if m := readFPMetrics(t, dir); m.FixedPoints == nil {
		t.Error("yang19.dm1-v0: no fixed_points in metrics.json")
	}

	box := rundir.DefaultConfig()
	box.Task, box.StimLen, box.StimNoise, box.Loss = rundir.TaskList{"ReachingDelayResponse-v0"}, nil, nil, ""
	box.NNeurons, box.Seed = 8, 2
	box = box.Canonical()
	task = mustTask(t, box)
	mc = box.ModelConfig(task.ObSpace().Dim, task.ActSpace().Dim)
	w = model.InitWeights(mc, box.Seed, tensor.Float32)
	in, err := FixedPointInput(box, fixedpoint.InputChoice{}, box.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Values) != 2 || in.Values[0] != 0 || in.Period != "stimulus" || in.SigmaZero {
		t.Errorf("ReachingDelayResponse-v0: input %+v", in)
	}
	a, err := Evaluate(task, mc, w, 20, box.Seed)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyze(a, box.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddFixedPoints(context.Background(), mc, w, in, fpOptions(16).Search, box.Seed); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := r.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
	m := readFPMetrics(t, out)
	if m.FixedPoints == nil || !slices.Equal(m.FixedPoints.Input.Channels, []string{"go", "stimulus"}) {
		t.Errorf("ReachingDelayResponse-v0: metrics %+v", m.FixedPoints)
	}
	if _, err := os.Stat(filepath.Join(out, FixedPointsFile)); err != nil {
		t.Error(err)
	}
}

// TestRunDirFixedPointsErrors: a bad input or option is an error before
// anything is written.
func TestRunDirFixedPointsErrors(t *testing.T) {
	dir, _, _ := smallRunDir(t, 8)
	for _, c := range []struct {
		edit func(*FixedPointOptions)
		want string
	}{
		{func(o *FixedPointOptions) { o.Input.Vector = []byte(`[1, 0.5]`) }, "input vector has 2 values, the task's observation has 3"},
		{func(o *FixedPointOptions) { o.Input.Period = "go" }, `input period "go"`},
		{func(o *FixedPointOptions) { o.Search.TolQ = 0 }, "tol_q = 0"},
		{func(o *FixedPointOptions) { o.Search.NInits = 0 }, "n_inits = 0"},
	} {
		o := fpOptions(8)
		c.edit(o)
		outDir := filepath.Join(t.TempDir(), "out")
		out := openOut(t, outDir)
		_, _, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 10, FixedPoints: o})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
		if _, err := os.Stat(filepath.Join(outDir, MetricsFile)); err == nil {
			t.Errorf("%s: metrics.json written", c.want)
		}
	}
}

// TestNoiseFreeConfig: the copy for the input sets sigma to 0 through
// stim_noise, also when task_kwargs gives sigma, and leaves a task without
// sigma alone.
func TestNoiseFreeConfig(t *testing.T) {
	cfg := rundir.DefaultConfig().Canonical()
	nf, ok := NoiseFreeConfig(cfg)
	if !ok || nf.StimNoise == nil || *nf.StimNoise != 0 || *cfg.StimNoise != 0.3 {
		t.Errorf("default: %v, stim_noise %v (original %v)", ok, nf.StimNoise, *cfg.StimNoise)
	}
	cfg.StimNoise = nil
	cfg.TaskKwargs = rundir.Kwargs(`{"sigma":0.7,"cohs":[0,50]}`)
	nf, ok = NoiseFreeConfig(cfg)
	if !ok || *nf.StimNoise != 0 || string(nf.TaskKwargs) != `{"cohs":[0,50]}` {
		t.Errorf("sigma in task_kwargs: %v, %s, stim_noise %v", ok, nf.TaskKwargs, nf.StimNoise)
	}
	if _, err := nf.MakeTask(data.IntSeed(0)); err != nil {
		t.Error(err)
	}
	g := rundir.DefaultConfig()
	g.Task, g.StimLen, g.StimNoise = rundir.TaskList{"GoNogo-v0"}, nil, nil
	if nf, ok := NoiseFreeConfig(g); ok || nf.StimNoise != nil {
		t.Errorf("GoNogo-v0 (no sigma): %v, %v", ok, nf.StimNoise)
	}
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}
