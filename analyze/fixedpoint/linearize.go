package fixedpoint

import (
	"math"
	"math/cmplx"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/model"
)

// Point is one unique fixed or slow point x* of h ↦ F(h, x*) with the
// linearisation of the map there, under fixed-point-finder's field names.
// For a discrete-time map a mode with |λ| < 1 decays and one with |λ| > 1
// grows; |λ| ≈ 1 marks a slow direction (a line attractor has one λ ≈ 1
// along the line).
type Point struct {
	Init   int       // index of the initial state it was found from (into FixedPoints.All)
	Kind   Kind      // Fixed or Slow
	Xstar  []float64 // xstar: the point (H)
	XInit  []float64 // x_init: the initial state it was found from (H)
	FXstar []float64 // F_xstar: F(xstar, x*) (H)
	Qstar  float64   // qstar: ½‖F_xstar − xstar‖²
	NIters int       // n_iters: optimiser iterations

	J    *mat.Dense // J_xstar: dF/dh at xstar (H, H)
	DFdu *mat.Dense // dFdu: dF/dx at xstar, the input Jacobian (H, I)

	// Eigval (eigval_J_xstar) are J's eigenvalues by decreasing modulus
	// (H); of a complex-conjugate pair the one with positive imaginary part
	// comes first. Eigvec (eigvec_J_xstar) holds the matching unit-length
	// right eigenvectors as columns (H, H), as numpy.linalg.eig returns them.
	Eigval []complex128
	Eigvec *mat.CDense

	IsStable  bool // is_stable: every |λ| < 1
	NUnstable int  // n_unstable: the number of eigenvalues with |λ| > 1
}

// TopMode returns the eigenvalue of largest modulus and its eigenvector
// (H): the real part of the complex eigenvector, scaled to unit length (for
// a complex pair, one direction of the rotating plane).
func (p *Point) TopMode() (complex128, []float64) {
	H := len(p.Xstar)
	v := make([]float64, H)
	var s float64
	for i := range v {
		v[i] = real(p.Eigvec.At(i, 0))
		s += v[i] * v[i]
	}
	if s > 0 {
		for i := range v {
			v[i] /= math.Sqrt(s)
		}
	}
	return p.Eigval[0], v
}

// linearize builds the Point of outcome a (index i): F, both Jacobians and
// the sorted eigen-decomposition of J.
func linearize(dyn *model.Dynamics, x []float64, i int, a *Optimum, opt Options) Point {
	H := dyn.NHidden()
	slope := make([]float64, H)
	p := Point{
		Init:   i,
		Kind:   kindOf(a.Qstar, opt),
		Xstar:  a.Xstar,
		XInit:  a.XInit,
		FXstar: dyn.StepSlope(nil, slope, a.Xstar, x),
		Qstar:  a.Qstar,
		NIters: a.NIters,
	}
	p.J = dyn.JacobianHSlope(nil, slope)
	p.DFdu = dyn.JacobianXSlope(nil, slope)
	p.Eigval, p.Eigvec = eigen(p.J)
	for _, l := range p.Eigval {
		if cmplx.Abs(l) > 1 {
			p.NUnstable++
		}
	}
	p.IsStable = cmplx.Abs(p.Eigval[0]) < 1
	return p
}

// eigen returns the eigenvalues of J sorted by decreasing modulus (ties:
// larger imaginary part first, then larger real part) and the right
// eigenvectors as matching columns. If the decomposition fails (it does not
// for finite J) the eigenvalues are NaN.
func eigen(J *mat.Dense) ([]complex128, *mat.CDense) {
	H, _ := J.Dims()
	var e mat.Eigen
	vecs := mat.NewCDense(H, H, nil)
	if !e.Factorize(J, mat.EigenRight) {
		vals := make([]complex128, H)
		for i := range vals {
			vals[i] = cmplx.NaN()
			for j := 0; j < H; j++ {
				vecs.Set(i, j, cmplx.NaN())
			}
		}
		return vals, vecs
	}
	raw := e.Values(nil)
	var rawVecs mat.CDense
	e.VectorsTo(&rawVecs)
	order := make([]int, H)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		la, lb := raw[order[a]], raw[order[b]]
		if ma, mb := cmplx.Abs(la), cmplx.Abs(lb); ma != mb {
			return ma > mb
		}
		if imag(la) != imag(lb) {
			return imag(la) > imag(lb)
		}
		return real(la) > real(lb)
	})
	vals := make([]complex128, H)
	for k, o := range order {
		vals[k] = raw[o]
		for r := 0; r < H; r++ {
			vecs.Set(r, k, rawVecs.At(r, o))
		}
	}
	return vals, vecs
}
