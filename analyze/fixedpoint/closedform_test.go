package fixedpoint

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
)

// affineNetwork returns a ReLU network whose fixed point under input x has
// every unit active: the bias is chosen so that hTarget (all > 0) solves
// h = W_r h + W_x x + b_r. There F(h) = (1-α)h + α(W_x x + W_r h + b_r) is
// affine, so the fixed point solves (I − W_r) h = W_x x + b_r and dF/dh =
// (1-α)I + αW_r.
func affineNetwork(t *testing.T, wr *mat.Dense, x []float64, r *rand.Rand) (model.Config, *model.Weights) {
	t.Helper()
	H, _ := wr.Dims()
	I := len(x)
	cfg := model.Config{NInput: I, NHidden: H, NOutput: 1, Dt: 20, Tau: 100, Activation: model.ReLU}
	wx := make([]float64, H*I)
	for i := range wx {
		wx[i] = r.NormFloat64()
	}
	target := make([]float64, H)
	for i := range target {
		target[i] = 0.5 + 1.5*r.Float64()
	}
	b := make([]float64, H)
	for i := range b {
		b[i] = target[i]
		for j := 0; j < H; j++ {
			b[i] -= wr.At(i, j) * target[j]
		}
		for j := 0; j < I; j++ {
			b[i] -= wx[i*I+j] * x[j]
		}
	}
	dense := func(v []float64, s ...int) *tensor.Dense {
		return tensor.New(tensor.WithShape(s...), tensor.WithBacking(v))
	}
	return cfg, &model.Weights{
		InputRec: dense(wx, H, I),
		RecRec:   dense(append([]float64(nil), wr.RawMatrix().Data...), H, H),
		RecBias:  dense(b, H),
		RecOut:   dense(make([]float64, H), 1, H),
		OutBias:  dense([]float64{0}, 1),
	}
}

// solveAffine returns the solution of (I − W_r) h = W_x x + b_r.
func solveAffine(t *testing.T, w *model.Weights, x []float64) []float64 {
	t.Helper()
	H := w.RecRec.Shape()[0]
	I := len(x)
	a := mat.NewDense(H, H, nil)
	a.Sub(eye(H), mat.NewDense(H, H, w.RecRec.Data().([]float64)))
	rhs := mat.NewVecDense(H, append([]float64(nil), w.RecBias.Data().([]float64)...))
	var drive mat.VecDense
	drive.MulVec(mat.NewDense(H, I, w.InputRec.Data().([]float64)), mat.NewVecDense(I, x))
	rhs.AddVec(rhs, &drive)
	var h mat.VecDense
	if err := h.SolveVec(a, rhs); err != nil {
		t.Fatal(err)
	}
	return h.RawVector().Data
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

// initsAround returns n initial states h + N(0, s²).
func initsAround(h []float64, n int, s float64, r *rand.Rand) *mat.Dense {
	m := mat.NewDense(n, len(h), nil)
	for i := 0; i < n; i++ {
		for j, v := range h {
			m.Set(i, j, v+s*r.NormFloat64())
		}
	}
	return m
}

// TestClosedFormStable: a ReLU network with ‖W_r‖ < 1 is a contraction with
// one fixed point; with every unit active there it solves a linear system.
// The finder reports exactly that point (to 1e-8), stable, with the
// eigenvalues 1−α+α·eig(W_r).
func TestClosedFormStable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const H = 12
	wr := mat.NewDense(H, H, nil)
	for i := 0; i < H; i++ {
		for j := 0; j < H; j++ {
			wr.Set(i, j, 0.5*r.NormFloat64()/math.Sqrt(H))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(wr, mat.SVDNone) || svd.Values(nil)[0] >= 1 {
		t.Fatalf("test set-up: ‖W_r‖₂ = %v, want < 1", svd.Values(nil))
	}
	x := []float64{1, 0.5, 0.5}
	cfg, w := affineNetwork(t, wr, x, r)
	dyn, err := model.NewDynamics(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	want := solveAffine(t, w, x)
	fp, err := FindFrom(dyn, x, initsAround(want, 40, 3, r), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(fp.Points) != 1 {
		t.Fatalf("found %d points, want the one fixed point of a contraction", len(fp.Points))
	}
	p := fp.Points[0]
	for i := range want {
		if d := math.Abs(p.Xstar[i] - want[i]); d > 1e-8 {
			t.Errorf("xstar[%d] = %v, closed form %v (off by %g)", i, p.Xstar[i], want[i], d)
		}
	}
	if p.Kind != Fixed || !p.IsStable || p.NUnstable != 0 {
		t.Errorf("kind %v, is_stable %v, n_unstable %d; want a stable fixed point", p.Kind, p.IsStable, p.NUnstable)
	}
	checkSpectrum(t, p.Eigval, wr, dyn.Alpha())
}

// TestClosedFormUnstable: with W_r = Q diag(d) Qᵀ and one d_i > 1, the
// affine fixed point is a saddle with one unstable mode (λ = 1−α+α·d_i > 1)
// that the finder still finds by minimising q, to 1e-8, with its unstable
// eigenvector along Q's column i.
func TestClosedFormUnstable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const H = 10
	g := mat.NewDense(H, H, nil)
	for i := 0; i < H; i++ {
		for j := 0; j < H; j++ {
			g.Set(i, j, r.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	d := []float64{1.6, 0.5, -0.4, 0.3, 0.2, 0.1, -0.1, -0.2, 0.05, 0.6}
	wr := mat.NewDense(H, H, nil)
	wr.Product(&q, mat.NewDiagDense(H, d), q.T())
	x := []float64{1, 0.5, 0.5}
	cfg, w := affineNetwork(t, wr, x, r)
	dyn, err := model.NewDynamics(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	want := solveAffine(t, w, x)
	fp, err := FindFrom(dyn, x, initsAround(want, 20, 0.05, r), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	k := -1
	for i := range fp.Points {
		if math.Sqrt(dist2(fp.Points[i].Xstar, want)) < 1e-6 {
			k = i
		}
	}
	if k < 0 {
		t.Fatalf("the closed-form saddle was not found among %d points", len(fp.Points))
	}
	p := fp.Points[k]
	for i := range want {
		if e := math.Abs(p.Xstar[i] - want[i]); e > 1e-8 {
			t.Errorf("xstar[%d] = %v, closed form %v (off by %g)", i, p.Xstar[i], want[i], e)
		}
	}
	if p.Kind != Fixed || p.IsStable || p.NUnstable != 1 {
		t.Errorf("kind %v, is_stable %v, n_unstable %d; want a fixed point with one unstable mode", p.Kind, p.IsStable, p.NUnstable)
	}
	checkSpectrum(t, p.Eigval, wr, dyn.Alpha())
	_, v := p.TopMode()
	if c := math.Abs(mat.Dot(mat.NewVecDense(H, v), q.ColView(0))); math.Abs(c-1) > 1e-9 {
		t.Errorf("top eigenvector · Q[:,0] = %v, want ±1", c)
	}
}

// checkSpectrum compares got (sorted by decreasing modulus) with
// 1−α+α·eig(W_r) sorted the same way.
func checkSpectrum(t *testing.T, got []complex128, wr *mat.Dense, alpha float64) {
	t.Helper()
	var e mat.Eigen
	if !e.Factorize(wr, mat.EigenNone) {
		t.Fatal("eigen-decomposition of W_r failed")
	}
	want := e.Values(nil)
	for i := range want {
		want[i] = complex(1-alpha, 0) + complex(alpha, 0)*want[i]
	}
	sort.Slice(want, func(a, b int) bool { return cmplx.Abs(want[a]) > cmplx.Abs(want[b]) })
	if len(got) != len(want) {
		t.Fatalf("%d eigenvalues, want %d", len(got), len(want))
	}
	if d := spectrumDistance(got, want); d > 1e-12 {
		t.Errorf("eigenvalues differ from the closed form by %g", d)
	}
	if d := cmplx.Abs(got[0]) - cmplx.Abs(want[0]); math.Abs(d) > 1e-12 {
		t.Errorf("largest |λ| = %v, closed form %v", cmplx.Abs(got[0]), cmplx.Abs(want[0]))
	}
}
