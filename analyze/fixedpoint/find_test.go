package fixedpoint

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// checkInvariants asserts what must hold of any search result, whatever the
// network: kinds match q and the tolerances, F, q and the Jacobians are
// consistent with the dynamics, stability and n_unstable match the
// eigenvalues, eigenpairs are eigenpairs sorted by modulus, points are
// unique, and every optimisation is accounted for.
func checkInvariants(t *testing.T, dyn *model.Dynamics, fp *FixedPoints) {
	t.Helper()
	opt := fp.Options
	for k := range fp.Points {
		p := &fp.Points[k]
		switch p.Kind {
		case Fixed:
			if !(p.Qstar <= opt.TolQ) {
				t.Errorf("point %d: fixed with q %g > tol_q %g", k, p.Qstar, opt.TolQ)
			}
		case Slow:
			if !(p.Qstar > opt.TolQ && p.Qstar <= opt.TolQSlow) {
				t.Errorf("point %d: slow with q %g outside (tol_q, tol_q_slow] = (%g, %g]", k, p.Qstar, opt.TolQ, opt.TolQSlow)
			}
		default:
			t.Errorf("point %d: kind %v", k, p.Kind)
		}
		a := fp.All[p.Init]
		if !same(a.Xstar, p.Xstar) || !same(a.XInit, p.XInit) || a.Qstar != p.Qstar {
			t.Errorf("point %d does not match optimisation %d", k, p.Init)
		}
		f := dyn.Step(nil, p.Xstar, fp.Inputs)
		if !same(f, p.FXstar) {
			t.Errorf("point %d: F_xstar is not F(xstar)", k)
		}
		if q := dist2(f, p.Xstar) / 2; math.Abs(q-p.Qstar) > 1e-12*q+1e-300 {
			t.Errorf("point %d: qstar %g, ½‖F − x‖² = %g", k, p.Qstar, q)
		}
		if !mat.Equal(p.J, dyn.JacobianH(nil, p.Xstar, fp.Inputs)) || !mat.Equal(p.DFdu, dyn.JacobianX(nil, p.Xstar, fp.Inputs)) {
			t.Errorf("point %d: J_xstar or dFdu is not the Jacobian at xstar", k)
		}
		unstable, allInside := 0, true
		for i, l := range p.Eigval {
			m := cmplx.Abs(l)
			if m > 1 {
				unstable++
			}
			allInside = allInside && m < 1
			if i > 0 && m > cmplx.Abs(p.Eigval[i-1]) {
				t.Errorf("point %d: |λ_%d| = %v > |λ_%d| = %v, want decreasing moduli", k, i, m, i-1, cmplx.Abs(p.Eigval[i-1]))
			}
			// J v = λ v with ‖v‖ = 1
			H := len(p.Xstar)
			var res, norm float64
			for r := 0; r < H; r++ {
				var jv complex128
				for c := 0; c < H; c++ {
					jv += complex(p.J.At(r, c), 0) * p.Eigvec.At(c, i)
				}
				res = math.Max(res, cmplx.Abs(jv-l*p.Eigvec.At(r, i)))
				norm += real(p.Eigvec.At(r, i) * cmplx.Conj(p.Eigvec.At(r, i)))
			}
			if res > 1e-10 || math.Abs(norm-1) > 1e-10 {
				t.Errorf("point %d, mode %d: ‖Jv − λv‖ = %g, ‖v‖² = %v", k, i, res, norm)
			}
		}
		if p.IsStable != allInside {
			t.Errorf("point %d: is_stable %v, but every |λ| < 1 is %v", k, p.IsStable, allInside)
		}
		if p.NUnstable != unstable {
			t.Errorf("point %d: n_unstable %d, %d eigenvalues with |λ| > 1", k, p.NUnstable, unstable)
		}
		for j := 0; j < k; j++ {
			if d := math.Sqrt(dist2(p.Xstar, fp.Points[j].Xstar)); d <= opt.TolUnique {
				t.Errorf("points %d and %d are %g apart, within tol_unique", j, k, d)
			}
		}
	}
	dropped := 0
	for _, a := range fp.All {
		if kindOf(a.Qstar, opt) == Dropped {
			dropped++
		}
	}
	if n := len(fp.Points) + fp.NOutliers + fp.NDuplicates + dropped; n != len(fp.All) {
		t.Errorf("%d points + %d outliers + %d duplicates + %d dropped = %d, want the %d optimisations",
			len(fp.Points), fp.NOutliers, fp.NDuplicates, dropped, n, len(fp.All))
	}
}

// TestInvariantsTrainedNetwork runs the finder on the default trained
// network from the fixture's initial states, with the default tolerances
// and with a slow-point tolerance wide enough to keep slow and unstable
// points, and checks the invariants.
func TestInvariantsTrainedNetwork(t *testing.T) {
	dyn := tutorialDynamics(t)
	f := openNPZ(t, fpfFixture)
	x0 := f.matrix("x_init")
	wide := DefaultOptions()
	wide.TolQSlow = 1e-2
	sawSlow, sawUnstable := false, false
	for _, opt := range []Options{DefaultOptions(), wide} {
		fp, err := FindFrom(dyn, f.f64("inputs"), x0, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(fp.Points) == 0 {
			t.Fatalf("tol_q_slow %g: no point found", opt.TolQSlow)
		}
		checkInvariants(t, dyn, fp)
		for _, p := range fp.Points {
			sawSlow = sawSlow || p.Kind == Slow
			sawUnstable = sawUnstable || !p.IsStable
		}
	}
	if !sawSlow || !sawUnstable {
		t.Errorf("slow points seen %v, unstable points seen %v: the invariants were not exercised on both", sawSlow, sawUnstable)
	}
}

// TestInvariantsSigmoid: the invariants hold for a smooth network too.
func TestInvariantsSigmoid(t *testing.T) {
	cfg := model.Config{NInput: 2, NHidden: 16, NOutput: 1, Dt: 10, Tau: 50, Activation: model.Sigmoid}
	w := model.InitWeights(cfg, 3, tensor.Float64)
	for i, v := range w.RecRec.Data().([]float64) {
		w.RecRec.Data().([]float64)[i] = 8 * v // strong recurrence: several fixed points
	}
	dyn, err := model.NewDynamics(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	x0 := initsAround(make([]float64, 16), 64, 1, r)
	fp, err := FindFrom(dyn, []float64{0.3, -0.2}, x0, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(fp.Points) == 0 {
		t.Fatal("no point found")
	}
	checkInvariants(t, dyn, fp)
}

// TestDeterministicAcrossWorkers: the result does not depend on the number
// of workers.
func TestDeterministicAcrossWorkers(t *testing.T) {
	dyn := tutorialDynamics(t)
	tr := fpfTrajectories(t)
	opt := DefaultOptions()
	opt.NInits = 96
	var ref *FixedPoints
	for _, workers := range []int{1, 2, 5} {
		opt.Workers = workers
		fp, err := Find(dyn, []float64{1, 0.5, 0.5}, tr, opt)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = fp
			continue
		}
		if len(fp.Points) != len(ref.Points) || fp.NDuplicates != ref.NDuplicates || fp.NOutliers != ref.NOutliers {
			t.Fatalf("workers %d: %d points, want %d", workers, len(fp.Points), len(ref.Points))
		}
		for i, a := range fp.All {
			if b := ref.All[i]; !same(a.Xstar, b.Xstar) || a.Qstar != b.Qstar || a.NIters != b.NIters {
				t.Errorf("workers %d: optimisation %d differs", workers, i)
			}
		}
		for k, p := range fp.Points {
			q := ref.Points[k]
			if p.Init != q.Init || !mat.Equal(p.J, q.J) {
				t.Errorf("workers %d: point %d differs", workers, k)
			}
			for i := range p.Eigval {
				if p.Eigval[i] != q.Eigval[i] {
					t.Errorf("workers %d: point %d eigenvalue %d differs", workers, k, i)
				}
			}
		}
	}
}

// TestUniqueKeepsSmallestQ: duplicates within tol_unique are merged into
// the one with the smallest q, in fixed-point-finder's order, and dropped
// outcomes never count.
func TestUniqueKeepsSmallestQ(t *testing.T) {
	opt := DefaultOptions()
	fp := &FixedPoints{Options: opt, All: []Optimum{
		{Xstar: []float64{0, 0}, Qstar: 1e-14},
		{Xstar: []float64{5, 0}, Qstar: 1e-8},         // slow
		{Xstar: []float64{0, 0.0005}, Qstar: 1e-20},   // duplicate of 0, smaller q
		{Xstar: []float64{5, 0.0009}, Qstar: 1e-13},   // duplicate of 1, smaller q
		{Xstar: []float64{0, 0.0002}, Qstar: 1},       // dropped
		{Xstar: []float64{9, 9}, Qstar: 1e-15},        // unique
		{Xstar: []float64{0, 0.00099}, Qstar: 1e-300}, // joins 0's group with the smallest q
	}}
	got := fp.unique()
	want := []int{6, 3, 5}
	if len(got) != len(want) {
		t.Fatalf("unique %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("unique %v, want %v", got, want)
		}
	}
	if fp.NDuplicates != 3 {
		t.Errorf("NDuplicates %d, want 3", fp.NDuplicates)
	}
}

// TestExcludeDistanceOutliers: fixed-point-finder's rule, a point farther
// from the initial states' centroid than outlier_distance_scale times their
// mean distance to it is dropped; +Inf keeps all.
func TestExcludeDistanceOutliers(t *testing.T) {
	opt := DefaultOptions()
	opt.OutlierDistanceScale = 2
	// initial states at ±1 around 0: centroid 0, mean distance 1
	fp := &FixedPoints{Options: opt, All: []Optimum{
		{XInit: []float64{1, 0}, Xstar: []float64{1.9, 0}},
		{XInit: []float64{-1, 0}, Xstar: []float64{0, 2.1}},
		{XInit: []float64{0, 1}, Xstar: []float64{0, 0}},
		{XInit: []float64{0, -1}, Xstar: []float64{-3, 0}},
	}}
	got := fp.excludeDistanceOutliers([]int{0, 1, 2, 3})
	if len(got) != 2 || got[0] != 0 || got[1] != 2 || fp.NOutliers != 2 {
		t.Errorf("kept %v (%d outliers), want [0 2] (2 outliers)", got, fp.NOutliers)
	}
	fp.Options.OutlierDistanceScale = math.Inf(1)
	if got := fp.excludeDistanceOutliers([]int{0, 1, 2, 3}); len(got) != 4 {
		t.Errorf("outlier_distance_scale +Inf kept %v, want all", got)
	}
}

// TestBadInput: every bad option and argument is an error that names it.
func TestBadInput(t *testing.T) {
	dyn := tutorialDynamics(t)
	x := []float64{1, 0.5, 0.5}
	x0 := mat.NewDense(2, 64, nil)
	for _, c := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"n_inits", func(o *Options) { o.NInits = 0 }, "n_inits = 0, want >= 1"},
		{"noise_scale", func(o *Options) { o.NoiseScale = -1 }, "noise_scale = -1"},
		{"noise_scale NaN", func(o *Options) { o.NoiseScale = math.NaN() }, "noise_scale = NaN"},
		{"tol_q", func(o *Options) { o.TolQ = 0 }, "tol_q = 0, want a finite value > 0"},
		{"tol_q negative", func(o *Options) { o.TolQ = -1e-12 }, "tol_q = -1e-12"},
		{"tol_q_slow", func(o *Options) { o.TolQSlow = 1e-13 }, "tol_q_slow = 1e-13, want a finite value >= tol_q (1e-12)"},
		{"tol_unique", func(o *Options) { o.TolUnique = 0 }, "tol_unique = 0"},
		{"max_iters", func(o *Options) { o.MaxIters = 0 }, "max_iters = 0"},
		{"outlier_distance_scale", func(o *Options) { o.OutlierDistanceScale = 0 }, "outlier_distance_scale = 0"},
		{"workers", func(o *Options) { o.Workers = -1 }, "workers = -1"},
	} {
		opt := DefaultOptions()
		c.edit(&opt)
		_, err := FindFrom(dyn, x, x0, opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	opt := DefaultOptions()
	opt.TolQ, opt.MaxIters = 0, -3
	if err := opt.Validate(); err == nil || !strings.Contains(err.Error(), "tol_q = 0") || !strings.Contains(err.Error(), "max_iters = -3") {
		t.Errorf("two bad options: error %v, want both named", err)
	}

	nan := mat.NewDense(2, 64, nil)
	nan.Set(1, 7, math.NaN())
	tr := fpfTrajectories(t)
	short := tr
	short.States = tr.States[:10]
	noneValid := tr
	noneValid.Valid = make([]bool, tr.NBatch*tr.NTime)
	wrongH := tr
	wrongH.NStates, wrongH.NTime = 32, 2*tr.NTime
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"inputs too short", func() error { _, err := FindFrom(dyn, x[:2], x0, DefaultOptions()); return err }, "inputs has 2 values, want 3 (the network's input size)"},
		{"inputs NaN", func() error { _, err := FindFrom(dyn, []float64{1, math.NaN(), 0}, x0, DefaultOptions()); return err }, "inputs[1] = NaN"},
		{"x_init columns", func() error { _, err := FindFrom(dyn, x, mat.NewDense(3, 60, nil), DefaultOptions()); return err }, "initial states are 3 x 60, want n_inits >= 1 rows of 64"},
		{"x_init NaN", func() error { _, err := FindFrom(dyn, x, nan, DefaultOptions()); return err }, "initial state 1 holds NaN at unit 7"},
		{"nil dynamics", func() error { _, err := FindFrom(nil, x, x0, DefaultOptions()); return err }, "dynamics are nil"},
		{"trajectories length", func() error { _, err := Find(dyn, x, short, DefaultOptions()); return err }, "trajectories hold 10 values"},
		{"no valid step", func() error { _, err := Find(dyn, x, noneValid, DefaultOptions()); return err }, "valid mask marks no step"},
		{"trajectories hidden size", func() error { _, err := Find(dyn, x, wrongH, DefaultOptions()); return err }, "trajectories have 32 hidden units, the network 64"},
		{"valid mask length", func() error {
			bad := tr
			bad.Valid = make([]bool, 3)
			_, err := SampleStates(bad, 4, 0.5, data.IntSeed(0))
			return err
		}, "valid mask has 3 entries"},
		{"sample n", func() error { _, err := SampleStates(tr, 0, 0.5, data.IntSeed(0)); return err }, "n_inits = 0"},
		{"sample noise", func() error { _, err := SampleStates(tr, 4, math.Inf(1), data.IntSeed(0)); return err }, "noise_scale = +Inf"},
	} {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
