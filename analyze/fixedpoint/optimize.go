package fixedpoint

import (
	"math"

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
// returns the final point, its q and the number of major iterations (the
// starting point counts as the first, as in gonum's Stats). A run ends when
// ‖∇q‖∞ < gradientThreshold, when q has not decreased by a relative 1e-6
// (plus an absolute 1e-6 tol_q) over stallIterations iterations (a point
// stuck on a kink of a ReLU network's q), after max_iters iterations or
// 10·max_iters evaluations, when one line search takes more than
// linesearchEvaluations evaluations (it cycles on such a kink), or when the
// line search can make no more progress (at such a kink or at the
// floating-point floor). The last major
// iteration's point is kept in every case: the tolerances decide what it
// is.
//
// The loop drives gonum's optimize.LinesearchMethod (with LBFGS as its
// NextDirectioner, the method optimize.LBFGS runs itself) through its
// exported Init and Iterate, and applies the stopping rules that
// optimize.Minimize would (optimize.FunctionConverge, the iteration and
// evaluation limits, the gradient threshold), in the same order, so that it
// takes the same steps. It is synchronous: optimize.Minimize runs the
// method, a distributor, a worker and a statistics loop in four goroutines
// that hand every evaluation over channels, which at 64 units cost about as
// much as the evaluation itself (a third of the search's CPU time in
// profiles).
func (o *objective) minimize(h0 []float64, opt Options) (xstar []float64, q float64, iters int) {
	H := len(h0)
	loc := &optimize.Location{X: append([]float64(nil), h0...), Gradient: make([]float64, H)}
	loc.F = o.q(loc.X)
	o.grad(loc.Gradient, loc.X)
	evals := 1
	best := append([]float64(nil), loc.X...)
	bestF := loc.F
	iters = 1
	conv := &optimize.FunctionConverge{Absolute: opt.TolQ * 1e-6, Relative: 1e-6, Iterations: stallIterations}
	conv.Init(H)
	if math.IsNaN(loc.F) || math.IsInf(loc.F, 0) || converged(loc.Gradient) || conv.Converged(loc) != optimize.NotTerminated || iters >= opt.MaxIters {
		return best, bestF, iters
	}
	ls := &optimize.LinesearchMethod{
		NextDirectioner: &optimize.LBFGS{Store: lbfgsStore},
		Linesearcher:    &optimize.MoreThuente{},
	}
	op, err := ls.Init(loc)
	maxEvals := evaluationsPerIteration * opt.MaxIters
	lineEvals := 0 // evaluations of the current line search
	for err == nil {
		switch {
		case op == optimize.MajorIteration:
			copy(best, loc.X)
			bestF = loc.F
			iters++
			lineEvals = 0
			if conv.Converged(loc) != optimize.NotTerminated || iters >= opt.MaxIters || converged(loc.Gradient) {
				return best, bestF, iters
			}
		case op&(optimize.FuncEvaluation|optimize.GradEvaluation) != 0 && op&^(optimize.FuncEvaluation|optimize.GradEvaluation) == 0:
			if op&optimize.FuncEvaluation != 0 {
				loc.F = o.q(loc.X)
				evals++
				lineEvals++
			}
			if op&optimize.GradEvaluation != 0 {
				o.grad(loc.Gradient, loc.X)
			}
			if evals >= maxEvals || lineEvals > linesearchEvaluations {
				return best, bestF, iters
			}
		default:
			return best, bestF, iters
		}
		op, err = ls.Iterate(loc)
	}
	return best, bestF, iters // the line search made no more progress
}

// converged reports whether every component of g is below gradientThreshold.
func converged(g []float64) bool {
	for _, v := range g {
		if !(math.Abs(v) < gradientThreshold) {
			return false
		}
	}
	return true
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
	// linesearchEvaluations ends a run whose current line search has taken
	// more evaluations of q than this: More-Thuente takes one to three on a
	// smooth stretch of q, and on the default network runs that exceed 50
	// were cycling at a kink of q until the evaluation limit (50000
	// evaluations, 0.1 s each) without another major iteration, so the
	// result is the same.
	linesearchEvaluations = 50
	// lbfgsStore is the number of L-BFGS correction pairs (gonum's default).
	lbfgsStore = 15
)
