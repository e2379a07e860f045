package fixedpoint

import (
	"math"
	"math/cmplx"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// TestSampleStatesMatchesFPF: SampleStates draws the same initial states as
// fixed-point-finder's sample_states with the same random_seed, on a
// synthetic case with a valid mask and on the trained network's trajectories.
func TestSampleStatesMatchesFPF(t *testing.T) {
	f := openNPZ(t, fpfFixture)
	var traj []float32
	s := f.read("sample_traj", &traj)
	var valid []bool
	f.read("sample_valid", &valid)
	var n, seed []int64
	f.read("sample_n", &n)
	f.read("sample_seed", &seed)
	syn := Trajectories{NBatch: s[0], NTime: s[1], NStates: s[2], States: traj, Valid: valid}
	got, err := SampleStates(syn, int(n[0]), f.f64("sample_noise_scale")[0], data.IntSeed(uint32(seed[0])))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "synthetic sample_states", got, f.matrix("sample_states"), 1e-15)

	var rseed []int64
	f.read("random_seed", &rseed)
	got, err = SampleStates(fpfTrajectories(t), f.matrix("x_init").RawMatrix().Rows, f.f64("noise_scale")[0], data.IntSeed(uint32(rseed[0])))
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "x_init", got, f.matrix("x_init"), 1e-15)
}

// checkClose fails if got and want differ by more than tol relative to the
// largest |want|.
func checkClose(t *testing.T, what string, got, want mat.Matrix, tol float64) {
	t.Helper()
	r, c := want.Dims()
	if gr, gc := got.Dims(); gr != r || gc != c {
		t.Fatalf("%s: %d x %d, want %d x %d", what, gr, gc, r, c)
	}
	var diff, scale float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			diff = math.Max(diff, math.Abs(got.At(i, j)-want.At(i, j)))
			scale = math.Max(scale, math.Abs(want.At(i, j)))
		}
	}
	if diff > tol*scale {
		t.Errorf("%s: differs by %g (largest value %g)", what, diff, scale)
	}
}

// TestMatchesFixedPointFinder compares the finder with fixed-point-finder's
// PyTorch version on the default trained network, from the same initial
// states under the same input (testdata/compare_fpf.py).
//
// fixed-point-finder's Adam (5000 iterations, its defaults) ends at q of
// 1e-4 and more from every initial state on this network, so its unique
// points are not converged fixed points and cannot be compared with ours
// point by point. What is compared:
//
//   - the definitions: at fixed-point-finder's points, F (evaluated by the
//     torch module), the Jacobian's eigenvalues (sorted by modulus) and the
//     stability verdict agree with its values, and J with its J_xstar;
//   - the sampler: SampleStates gives fixed-point-finder's initial states
//     (TestSampleStatesMatchesFPF);
//   - the search: every point fixed-point-finder reports, continued by our
//     optimiser, ends at one of our points or is dropped (q > tol_q_slow),
//     so it found nothing we miss; and each of our points is where at least
//     one of its points leads, with the same eigenvalues as those of its
//     points that share the activation pattern (and so the Jacobian).
func TestMatchesFixedPointFinder(t *testing.T) {
	dyn := tutorialDynamics(t)
	f := openNPZ(t, fpfFixture)
	inputs := f.f64("inputs")
	opt := DefaultOptions()
	opt.TolQ = f.f64("tol_q")[0]
	opt.TolUnique = f.f64("tol_unique")[0]
	opt.OutlierDistanceScale = f.f64("outlier_distance_scale")[0]
	fx := f.matrix("xstar")
	fF := f.matrix("F_xstar_torch")
	fq := f.f64("qstar")
	var fEig []complex128
	f.read("eigval_J_xstar", &fEig)
	var fStable []bool
	f.read("is_stable", &fStable)
	n, H := fx.Dims()
	if n == 0 {
		t.Fatal("the fixture holds no fixed-point-finder points")
	}

	// the definitions, at fixed-point-finder's points
	goF := mat.NewDense(n, H, nil)
	for i := 0; i < n; i++ {
		dyn.Step(goF.RawRowView(i), fx.RawRowView(i), inputs)
	}
	checkClose(t, "F at fixed-point-finder's points", goF, fF, 1e-14)
	minQ := 0
	for i := 0; i < n; i++ {
		if fq[i] < fq[minQ] {
			minQ = i
		}
		vals, _ := eigen(dyn.JacobianH(nil, fx.RawRowView(i), inputs))
		want := fEig[i*H : (i+1)*H]
		// fixed-point-finder keeps eigenvalues in complex64 (its
		// dtype_complex default): agreement to float32 rounding
		if d := spectrumDistance(vals, want); d > 1e-7 {
			t.Errorf("point %d: eigenvalues differ from fixed-point-finder's by %g", i, d)
		}
		if stable := cmplx.Abs(vals[0]) < 1; stable != fStable[i] {
			t.Errorf("point %d: is_stable %v, fixed-point-finder %v", i, stable, fStable[i])
		}
	}
	// and in full precision at the point of smallest q: J, and its
	// eigenvalues from numpy (LAPACK) against gonum's
	J := dyn.JacobianH(nil, fx.RawRowView(minQ), inputs)
	checkClose(t, "J_xstar at the point of smallest q", J, f.matrix("J_xstar_min_q"), 1e-15)
	var ev []complex128
	f.read("eigval_J_xstar_min_q", &ev)
	vals, _ := eigen(J)
	if d := spectrumDistance(vals, ev); d > 1e-12 {
		t.Errorf("eigenvalues at the point of smallest q differ from numpy's by %g", d)
	}
	for k := 0; k < 3; k++ {
		if d := cmplx.Abs(vals[k] - ev[k]); d > 1e-13 {
			t.Errorf("eigenvalue %d at the point of smallest q: %v, numpy %v", k, vals[k], ev[k])
		}
	}

	// the search, from the same initial states
	got, err := FindFrom(dyn, inputs, f.matrix("x_init"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Points) == 0 {
		t.Fatal("no point found")
	}
	fAll := f.f64("all_qstar")
	fixed := 0
	for _, a := range got.All {
		if a.Qstar <= opt.TolQ {
			fixed++
		}
	}
	t.Logf("from %d initial states: %d reach q <= tol_q here, %d with fixed-point-finder (smallest q there %.3g)",
		len(got.All), fixed, countBelow(fAll, opt.TolQ), minOf(fAll))

	cont, err := FindFrom(dyn, inputs, fx, opt)
	if err != nil {
		t.Fatal(err)
	}
	reached, shared := make([]int, len(got.Points)), make([]int, len(got.Points))
	for i, a := range cont.All {
		if kindOf(a.Qstar, opt) == Dropped {
			continue
		}
		k := nearest(got.Points, a.Xstar)
		if d := math.Sqrt(dist2(got.Points[k].Xstar, a.Xstar)); d > opt.TolUnique {
			t.Errorf("fixed-point-finder's point %d leads to a point (q %.3g) %.3g from all of ours", i, a.Qstar, d)
			continue
		}
		reached[k]++
		if !samePattern(dyn, inputs, fx.RawRowView(i), got.Points[k].Xstar) {
			continue
		}
		shared[k]++
		if d := spectrumDistance(got.Points[k].Eigval, fEig[i*H:(i+1)*H]); d > 1e-7 {
			t.Errorf("point %d: same activation pattern as fixed-point-finder's point %d, eigenvalues differ by %g", k, i, d)
		}
	}
	for k, r := range reached {
		if r == 0 {
			t.Errorf("our point %d (q %.3g) is where none of fixed-point-finder's points leads", k, got.Points[k].Qstar)
		}
		if shared[k] == 0 {
			t.Errorf("our point %d: no fixed-point-finder point shares its activation pattern", k)
		}
	}
}

// spectrumDistance matches two eigenvalue lists greedily (each of a to the
// nearest unused one of b) and returns the largest distance.
func spectrumDistance(a, b []complex128) float64 {
	used := make([]bool, len(b))
	var worst float64
	for _, x := range a {
		best, bi := math.Inf(1), -1
		for j, y := range b {
			if d := cmplx.Abs(x - y); !used[j] && d < best {
				best, bi = d, j
			}
		}
		if bi < 0 {
			return math.Inf(1)
		}
		used[bi] = true
		worst = math.Max(worst, best)
	}
	return worst
}

// samePattern reports whether f'(u) is the same at h1 and h2 (for ReLU: the
// same active units, hence the same Jacobian).
func samePattern(dyn *model.Dynamics, x, h1, h2 []float64) bool {
	s1, s2 := make([]float64, len(h1)), make([]float64, len(h2))
	dyn.StepSlope(nil, s1, h1, x)
	dyn.StepSlope(nil, s2, h2, x)
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

func nearest(ps []Point, x []float64) int {
	best, bi := math.Inf(1), 0
	for k := range ps {
		if d := dist2(ps[k].Xstar, x); d < best {
			best, bi = d, k
		}
	}
	return bi
}

func countBelow(v []float64, tol float64) int {
	n := 0
	for _, x := range v {
		if x <= tol {
			n++
		}
	}
	return n
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}
