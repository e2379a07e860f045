package fixedpoint

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Summary is a search in a few numbers, for metrics.json. Values that do not
// exist (no point, or fewer than two points for the line) are null.
type Summary struct {
	NInits int `json:"n_inits"` // optimisations run

	NStableFixed   int `json:"n_stable_fixed_points"`   // fixed points with every |λ| < 1
	NUnstableFixed int `json:"n_unstable_fixed_points"` // fixed points with some |λ| >= 1
	NSlow          int `json:"n_slow_points"`           // slow points (tol_q < q <= tol_q_slow)

	// NDropped counts optimisations that ended with q > tol_q_slow and
	// NDistanceOutliers unique points dropped as too far from the initial
	// states; MinQstar is the smallest q any optimisation reached (when no
	// point is found, how slow the slowest place found is).
	NDropped          int      `json:"n_dropped"`
	NDistanceOutliers int      `json:"n_distance_outliers"`
	MinQstar          *float64 `json:"min_qstar"`

	// LineVarianceShare is the share of the points' variance (fixed and
	// slow points together) along their first principal axis, in [0, 1]:
	// near 1 when the points lie on a line (as along a line attractor).
	// LineLength is their extent along that axis (max − min of the
	// projections), in the units of h. Both need at least 2 points.
	LineVarianceShare *float64 `json:"line_variance_share"`
	LineLength        *float64 `json:"line_length"`

	// MaxAbsEigval is the largest eigenvalue modulus over all points, and
	// MaxAbsEigvalStable over the stable points only (its closeness to 1
	// measures how slow the slowest decaying mode is: a time constant of
	// −dt/ln|λ|).
	MaxAbsEigval       *float64 `json:"max_abs_eigval"`
	MaxAbsEigvalStable *float64 `json:"max_abs_eigval_stable"`
}

// Summary returns the counts, the line measure and the largest eigenvalue
// moduli of fp.
func (fp *FixedPoints) Summary() Summary {
	s := Summary{NInits: len(fp.All), NDistanceOutliers: fp.NOutliers}
	minQ := math.Inf(1)
	for _, a := range fp.All {
		if a.Qstar < minQ { // NaN (a diverging run) never is
			minQ = a.Qstar
		}
		if kindOf(a.Qstar, fp.Options) == Dropped {
			s.NDropped++
		}
	}
	s.MinQstar = finitePtr(minQ)
	maxAll, maxStable := math.Inf(-1), math.Inf(-1)
	for i := range fp.Points {
		p := &fp.Points[i]
		switch {
		case p.Kind == Slow:
			s.NSlow++
		case p.IsStable:
			s.NStableFixed++
		default:
			s.NUnstableFixed++
		}
		top := cmplx.Abs(p.Eigval[0])
		maxAll = math.Max(maxAll, top)
		if p.IsStable {
			maxStable = math.Max(maxStable, top)
		}
	}
	s.MaxAbsEigval = finitePtr(maxAll)
	s.MaxAbsEigvalStable = finitePtr(maxStable)
	if len(fp.Points) >= 2 {
		share, length := fp.line()
		s.LineVarianceShare, s.LineLength = finitePtr(share), finitePtr(length)
	}
	return s
}

// line returns the share of the points' variance on their first principal
// axis and their extent along it (gonum's stat.PC).
func (fp *FixedPoints) line() (share, length float64) {
	n, H := len(fp.Points), len(fp.Points[0].Xstar)
	x := mat.NewDense(n, H, nil)
	for i, p := range fp.Points {
		x.SetRow(i, p.Xstar)
	}
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		return math.NaN(), math.NaN()
	}
	vars := pc.VarsTo(nil)
	total := floats.Sum(vars)
	if total == 0 {
		return math.NaN(), 0 // all points coincide
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	var proj mat.Dense
	proj.Mul(x, vecs.Slice(0, H, 0, 1))
	col := mat.Col(nil, 0, &proj)
	return vars[0] / total, floats.Max(col) - floats.Min(col)
}

func finitePtr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Showcase returns the index of the point whose spectrum is most telling
// (the one the eigenvalue figure shows) and why it was chosen: the
// slowest stable fixed point (largest |λ| < 1: the slowest decaying mode,
// as along a line attractor); else the unstable fixed point with the
// fewest unstable modes (a saddle); else the slow point with the smallest
// q. Ties go to the first point. It returns -1 and "" if there is no point.
func (fp *FixedPoints) Showcase() (int, string) {
	// best returns the point of kind want with the largest score, and how
	// many points are of that kind.
	best := func(want func(p *Point) bool, score func(p *Point) float64) (int, int) {
		b, n := -1, 0
		for i := range fp.Points {
			p := &fp.Points[i]
			if !want(p) {
				continue
			}
			if n++; b < 0 || score(p) > score(&fp.Points[b]) {
				b = i
			}
		}
		return b, n
	}
	if i, n := best(func(p *Point) bool { return p.Kind == Fixed && p.IsStable },
		func(p *Point) float64 { return cmplx.Abs(p.Eigval[0]) }); n == 1 {
		return i, "the stable fixed point"
	} else if n > 1 {
		return i, "the slowest stable fixed point"
	}
	if i, n := best(func(p *Point) bool { return p.Kind == Fixed },
		func(p *Point) float64 { return -float64(p.NUnstable) }); n > 0 {
		return i, "the unstable fixed point with the fewest unstable modes"
	}
	if i, n := best(func(p *Point) bool { return true }, func(p *Point) float64 { return -p.Qstar }); n > 0 {
		return i, "the slow point with the smallest q"
	}
	return -1, ""
}
