package fixedpoint

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/model"
)

// Optimum is the outcome of the optimisation from one initial state (an
// entry of fixed-point-finder's all_fps).
type Optimum struct {
	XInit  []float64 // x_init: the initial state (H)
	Xstar  []float64 // xstar: where the optimiser stopped (H)
	Qstar  float64   // qstar: q at Xstar
	NIters int       // n_iters: optimiser (BFGS major) iterations
}

// Kind says what an Optimum is, by its q.
type Kind int

// The kinds of optimum.
const (
	Fixed   Kind = iota // q <= tol_q
	Slow                // tol_q < q <= tol_q_slow
	Dropped             // q > tol_q_slow
)

// String returns "fixed", "slow" or "dropped".
func (k Kind) String() string {
	switch k {
	case Fixed:
		return "fixed"
	case Slow:
		return "slow"
	case Dropped:
		return "dropped"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// kindOf classifies q by the options' tolerances.
func kindOf(q float64, opt Options) Kind {
	switch {
	case q <= opt.TolQ:
		return Fixed
	case q <= opt.TolQSlow:
		return Slow
	}
	return Dropped
}

// FixedPoints is the result of a search: the unique fixed and slow points of
// F(·, x*) with their linearisations, and every optimisation's outcome.
type FixedPoints struct {
	// Inputs is the constant input x* (I).
	Inputs []float64
	// Options are the settings of the search.
	Options Options
	// Points are the unique fixed and slow points that are not distance
	// outliers, in the order of the first initial state that reached each
	// (fixed-point-finder's get_unique order).
	Points []Point
	// All holds the outcome of every optimisation, one per initial state,
	// in the order of the initial states.
	All []Optimum
	// NDuplicates is the number of optimisations that reached a point
	// already found (within tol_unique), and NOutliers the number of unique
	// points dropped as distance outliers.
	NDuplicates, NOutliers int
}

// Find samples opt.NInits initial states from the trajectories tr
// (SampleStates with opt.NoiseScale and opt.Seed) and runs FindFrom
// from them. Its errors are SampleStates' and FindFrom's, and an error if
// tr's hidden size is not the network's.
func Find(dyn *model.Dynamics, inputs []float64, tr Trajectories, opt Options) (*FixedPoints, error) {
	return FindContext(context.Background(), dyn, inputs, tr, opt)
}

// FindContext is Find that stops early, with an error wrapping ctx.Err(),
// if ctx is cancelled (checked before each optimisation).
func FindContext(ctx context.Context, dyn *model.Dynamics, inputs []float64, tr Trajectories, opt Options) (*FixedPoints, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if dyn == nil {
		return nil, fmt.Errorf("fixed points: the network's dynamics are nil")
	}
	if tr.NStates != dyn.NHidden() {
		return nil, fmt.Errorf("fixed points: trajectories have %d hidden units, the network %d", tr.NStates, dyn.NHidden())
	}
	x0, err := SampleStates(tr, opt.NInits, opt.NoiseScale, opt.Seed)
	if err != nil {
		return nil, err
	}
	return FindFromContext(ctx, dyn, inputs, x0, opt)
}

// FindFrom searches for the fixed points of h ↦ F(h, x*) for the constant
// input x* = inputs (I) of the network dyn, by minimising q(h) =
// ½‖F(h, x*) − h‖² with gonum's L-BFGS (analytic gradient (J − I)ᵀ(F − h))
// from every row of xInit (n_inits, H). This is Sussillo & Barak's (2013)
// method as fixed-point-finder implements it (find_fixed_points), with a
// quasi-Newton optimiser in float64 instead of Adam:
//
//  1. one optimisation per initial state, in parallel over opt.Workers;
//  2. outcomes with q <= tol_q are fixed points, with q <= tol_q_slow slow
//     points; the rest are dropped;
//  3. duplicates within tol_unique are merged, keeping the smaller q
//     (fixed-point-finder's get_unique);
//  4. points farther than outlier_distance_scale times the initial states'
//     mean distance from their centroid are dropped
//     (do_exclude_distance_outliers);
//  5. each point is linearised: J = dF/dh, dF/dx and the eigen-decomposition
//     of J (Point).
//
// The result does not depend on opt.Workers. It returns an error if opt is
// invalid, inputs does not have the network's input size, or xInit has the
// wrong number of columns, no rows or a non-finite value; opt.NInits,
// opt.NoiseScale and opt.Seed are not used (xInit gives the states).
func FindFrom(dyn *model.Dynamics, inputs []float64, xInit mat.Matrix, opt Options) (*FixedPoints, error) {
	return FindFromContext(context.Background(), dyn, inputs, xInit, opt)
}

// FindFromContext is FindFrom that stops early, with an error wrapping
// ctx.Err(), if ctx is cancelled (checked before each optimisation).
func FindFromContext(ctx context.Context, dyn *model.Dynamics, inputs []float64, xInit mat.Matrix, opt Options) (*FixedPoints, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if dyn == nil {
		return nil, fmt.Errorf("fixed points: the network's dynamics are nil")
	}
	H, I := dyn.NHidden(), dyn.NInput()
	if len(inputs) != I {
		return nil, fmt.Errorf("fixed points: inputs has %d values, want %d (the network's input size)", len(inputs), I)
	}
	for i, v := range inputs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("fixed points: inputs[%d] = %v, want finite values", i, v)
		}
	}
	n, c := xInit.Dims()
	if n < 1 || c != H {
		return nil, fmt.Errorf("fixed points: initial states are %d x %d, want n_inits >= 1 rows of %d (the network's hidden size)", n, c, H)
	}
	fp := &FixedPoints{Inputs: append([]float64(nil), inputs...), Options: opt, All: make([]Optimum, n)}
	for i := range fp.All {
		row := mat.Row(nil, i, xInit)
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("fixed points: initial state %d holds %v at unit %d, want finite values", i, v, j)
			}
		}
		fp.All[i].XInit = row
	}

	parallel(ctx, n, opt.Workers, func() func(int) {
		o := newObjective(dyn, fp.Inputs)
		return func(i int) {
			a := &fp.All[i]
			a.Xstar, a.Qstar, a.NIters = o.minimize(a.XInit, opt)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fixed points: search interrupted: %w", err)
	}

	keep := fp.unique()
	keep = fp.excludeDistanceOutliers(keep)
	fp.Points = make([]Point, len(keep))
	parallel(ctx, len(keep), opt.Workers, func() func(int) {
		return func(k int) {
			fp.Points[k] = linearize(dyn, fp.Inputs, keep[k], &fp.All[keep[k]], opt)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fixed points: search interrupted: %w", err)
	}
	return fp, nil
}

// unique returns the indices into All of the unique fixed and slow points:
// fixed-point-finder's get_unique over the kept outcomes in order. For each
// outcome not yet matched, all unmatched outcomes within tol_unique of it
// (itself included) form a group, the one with the smallest q (the first on
// a tie) represents it, and all of them are marked matched.
func (fp *FixedPoints) unique() []int {
	var cand []int
	for i, a := range fp.All {
		if kindOf(a.Qstar, fp.Options) != Dropped {
			cand = append(cand, i)
		}
	}
	tol2 := fp.Options.TolUnique * fp.Options.TolUnique
	matched := make([]bool, len(cand))
	var keep []int
	for a := range cand {
		if matched[a] {
			continue
		}
		best := cand[a]
		xa := fp.All[cand[a]].Xstar
		for b := a; b < len(cand); b++ {
			if matched[b] {
				continue
			}
			if b == a || dist2(xa, fp.All[cand[b]].Xstar) <= tol2 {
				matched[b] = true
				if fp.All[cand[b]].Qstar < fp.All[best].Qstar {
					best = cand[b]
				}
			}
		}
		keep = append(keep, best)
	}
	fp.NDuplicates = len(cand) - len(keep)
	return keep
}

// excludeDistanceOutliers drops from keep the points whose distance to the
// centroid of the initial states exceeds outlier_distance_scale times the
// initial states' mean distance to it (fixed-point-finder's
// identify_distance_non_outliers).
func (fp *FixedPoints) excludeDistanceOutliers(keep []int) []int {
	if math.IsInf(fp.Options.OutlierDistanceScale, 1) || len(keep) == 0 {
		return keep
	}
	H := len(fp.All[0].XInit)
	centroid := make([]float64, H)
	for _, a := range fp.All {
		floats.Add(centroid, a.XInit)
	}
	floats.Scale(1/float64(len(fp.All)), centroid)
	var mean float64
	for _, a := range fp.All {
		mean += math.Sqrt(dist2(a.XInit, centroid))
	}
	mean /= float64(len(fp.All))
	var out []int
	for _, i := range keep {
		if math.Sqrt(dist2(fp.All[i].Xstar, centroid)) < fp.Options.OutlierDistanceScale*mean {
			out = append(out, i)
		}
	}
	fp.NOutliers = len(keep) - len(out)
	return out
}

func dist2(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// parallel calls the function made by newWorker for every index in [0, n),
// with up to workers goroutines (0: GOMAXPROCS), each with its own function
// (and so its own buffers). Each index is handled exactly once; results
// written by index do not depend on the number of workers. Once ctx is
// cancelled no further index is started.
func parallel(ctx context.Context, n, workers int, newWorker func() func(int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		if n > 0 {
			f := newWorker()
			for i := 0; i < n && ctx.Err() == nil; i++ {
				f(i)
			}
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		f := newWorker()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
