package fixedpoint

import (
	"gonum.org/v1/gonum/optimize"

	"github.com/taskrnn/taskrnn/model"
)

// objective is q(h) = ½‖F(h, x*) − h‖² with its gradient
// ∇q = (J − I)ᵀ (F(h, x*) − h), J = dF/dh, for one worker. Gonum's methods
// ask for q and ∇q at the same point in turn; the gradient reuses the last
// evaluation when the point has not moved.
type objective struct {
	dyn               *model.Dynamics
	x                 []float64 // the constant input x* (I)
	f, slope, r, last []float64 // F(h), f'(u), F(h) − h and the h they belong to (H)
	fresh             bool      // f, slope and r belong to last
}

func newObjective(dyn *model.Dynamics, x []float64) *objective {
	H := dyn.NHidden()
	return &objective{dyn: dyn, x: x,
		f: make([]float64, H), slope: make([]float64, H), r: make([]float64, H), last: make([]float64, H)}
}

// q evaluates q(h) and keeps F(h), f'(u) and the residual for grad.
func (o *objective) q(h []float64) float64 {
	o.dyn.StepSlope(o.f, o.slope, h, o.x)
	var s float64
	for i, fi := range o.f {
		d := fi - h[i]
		o.r[i] = d
		s += d * d
	}
	copy(o.last, h)
	o.fresh = true
	return s / 2
}

// grad writes ∇q(h) = Jᵀr − r into g.
func (o *objective) grad(g, h []float64) {
	if !o.fresh || !same(h, o.last) {
		o.q(h)
	}
	o.dyn.MulJacobianHT(g, o.slope, o.r)
	for i, ri := range o.r {
		g[i] -= ri
	}
}

func same(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// minimize runs gonum's L-BFGS (More-Thuente line search) on q from h0 and
// returns the final point, its q and the number of major iterations. A run
// ends when ‖∇q‖∞ < gradientThreshold, when q has not decreased by a
// relative 1e-6 (plus an absolute 1e-6 tol_q) over stallIterations
// iterations (a point stuck on a kink of a ReLU network's q), after max_iters
// iterations or 10·max_iters evaluations, or when the line search can make
// no more progress (at such a kink or at the floating-point floor). The best
// point is kept in every case: the tolerances decide what it is.
func (o *objective) minimize(h0 []float64, opt Options) (xstar []float64, q float64, iters int) {
	p := optimize.Problem{Func: o.q, Grad: o.grad}
	settings := &optimize.Settings{
		MajorIterations: opt.MaxIters,
		// a line search can cycle on a kink without finishing an iteration
		FuncEvaluations: evaluationsPerIteration * opt.MaxIters,
		Converger:       &optimize.FunctionConverge{Absolute: opt.TolQ * 1e-6, Relative: 1e-6, Iterations: stallIterations},
	}
	method := &optimize.LBFGS{Linesearcher: &optimize.MoreThuente{}, GradStopThreshold: gradientThreshold}
	res, err := optimize.Minimize(p, h0, settings, method)
	if res == nil { // only for invalid settings, which cannot happen here
		panic(err)
	}
	return res.X, res.F, res.Stats.MajorIterations
}

const (
	// gradientThreshold ends a run when every component of ∇q is below it;
	// at a true fixed point q is then far below any sensible tol_q (about
	// 1e-23 on the tutorial's network).
	gradientThreshold = 1e-12
	// stallIterations is the window of the stall test.
	stallIterations = 20
	// evaluationsPerIteration bounds a run's evaluations of q to this many
	// times max_iters (More-Thuente takes one to three per iteration).
	evaluationsPerIteration = 10
)
