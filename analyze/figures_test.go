package analyze

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// checkPNG decodes path and checks its pixel size against the figure size
// in inches at FigureDPI.
func checkPNG(t *testing.T, path string, wIn, hIn float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w != int(wIn*FigureDPI+0.5) || h != int(hIn*FigureDPI+0.5) {
		t.Errorf("%s: %d x %d px, want %.0f x %.0f", filepath.Base(path), w, h, wIn*FigureDPI, hIn*FigureDPI)
	}
	// A blank or nearly blank image means nothing was drawn.
	if len(b) < 20_000 {
		t.Errorf("%s: only %d bytes", filepath.Base(path), len(b))
	}
}

func TestFigures(t *testing.T) {
	a := syntheticActivity(t, 120, 1)
	dir := t.TempDir()
	if os.Getenv("ANALYZE_FIG_DIR") != "" {
		dir = os.Getenv("ANALYZE_FIG_DIR")
	}
	ps, err := a.Psychometric()
	if err != nil {
		t.Fatal(err)
	}
	p, err := FitPCA(a.HiddenMatrix())
	if err != nil {
		t.Fatal(err)
	}
	figs := []struct {
		name string
		w, h float64
		fn   func(string) error
	}{
		{"task_trial.png", 8, 6, func(path string) error { return PlotTaskTrial(path, a, 0) }},
		{"trial_output.png", 8, 6, func(path string) error { return PlotTrialOutput(path, a, 0) }},
		{"psychometric.png", 7, 5, func(path string) error { return PlotPsychometric(path, ps) }},
		{"pca2d.png", 9, 6.5, func(path string) error { return PlotPCA2D(path, a, p) }},
		{"pca3d.png", 9, 6.5, func(path string) error { return PlotPCA3D(path, a, p) }},
	}
	for _, f := range figs {
		path := filepath.Join(dir, f.name)
		if err := f.fn(path); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		checkPNG(t, path, f.w, f.h)
	}
}

func TestFigureErrors(t *testing.T) {
	a := syntheticActivity(t, 10, 2)
	dir := t.TempDir()
	if err := PlotTaskTrial(filepath.Join(dir, "x.png"), a, 10); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("trial out of range: err = %v", err)
	}
	a.Outputs[5] = float32(nanF())
	if err := PlotTrialOutput(filepath.Join(dir, "x.png"), a, 0); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("NaN output: err = %v", err)
	}
	if err := PlotPsychometric(filepath.Join(dir, "x.png"), &Psychometric{}); err == nil {
		t.Error("empty psychometric: no error")
	}
	p, err := FitPCA(a.HiddenMatrix())
	if err != nil {
		t.Fatal(err)
	}
	b := syntheticActivity(t, 10, 3)
	b.H = 8
	b.Hidden = b.Hidden[:b.N*b.T*8]
	if err := PlotPCA2D(filepath.Join(dir, "x.png"), b, p); err == nil || !strings.Contains(err.Error(), "hidden units") {
		t.Errorf("PCA of another size: err = %v", err)
	}
	if err := PlotPCA3D(filepath.Join(dir, "no", "dir", "x.png"), a, p); err == nil {
		t.Error("missing directory: no error")
	}
}

func nanF() float64 { return nan() }

// TestFiguresSurviveNonFinite: every figure function, given NaN and ±Inf
// anywhere in its input (issue 8: a NaN reached a palette and panicked),
// returns a PNG or an error, never panics.
func TestFiguresSurviveNonFinite(t *testing.T) {
	nanv, inf := nanF(), math.Inf(1)
	poison := []float64{nanv, inf, -inf}
	dir := t.TempDir()
	clean := syntheticActivity(t, 30, 4)
	pca, err := FitPCA(clean.HiddenMatrix())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := clean.Psychometric()
	if err != nil {
		t.Fatal(err)
	}
	try := func(name string, fn func() error) {
		t.Helper()
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%s: panic: %v", name, r)
			}
		}()
		fn()
	}
	for k, v := range poison {
		a := syntheticActivity(t, 30, 4)
		for i := k; i < len(a.Inputs); i += 7 {
			a.Inputs[i] = float32(v)
		}
		for i := k; i < len(a.Outputs); i += 5 {
			a.Outputs[i] = float32(v)
		}
		for i := k; i < len(a.Hidden); i += 11 {
			a.Hidden[i] = float32(v)
		}
		a.Vars[1].SetFloat("coh", v)
		p := filepath.Join(dir, "x.png")
		try(fmt.Sprintf("task trial %v", v), func() error { return PlotTaskTrial(p, a, 0) })
		try(fmt.Sprintf("trial output %v", v), func() error { return PlotTrialOutput(p, a, 0) })
		try(fmt.Sprintf("pca2d %v", v), func() error { return PlotPCA2D(p, a, pca) })
		try(fmt.Sprintf("pca3d %v", v), func() error { return PlotPCA3D(p, a, pca) })
		bad := *ps
		bad.Points = append([]PsychPoint(nil), ps.Points...)
		bad.Points[0].X = v
		bad.Fit.Bias, bad.Fit.Slope, bad.Fit.BiasSE = v, v, v
		try(fmt.Sprintf("psychometric %v", v), func() error { return PlotPsychometric(p, &bad) })
		badPCA := *pca
		badPCA.Vars = append([]float64{v}, pca.Vars[1:]...)
		var vec mat.Dense
		vec.CloneFrom(pca.Vectors)
		vec.Set(0, 0, v)
		badPCA.Vectors = &vec
		try(fmt.Sprintf("pca2d with bad PCA %v", v), func() error { return PlotPCA2D(p, clean, &badPCA) })
		try(fmt.Sprintf("pca3d with bad PCA %v", v), func() error { return PlotPCA3D(p, clean, &badPCA) })
	}
}
