package fixedpoint

import (
	"errors"
	"fmt"
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// Options are the finder's settings. The names in parentheses are
// fixed-point-finder's (Golub & Sussillo 2018) hyperparameter names where it
// has one, and the JSON keys.
type Options struct {
	// NInits (n_inits) is the number of initial states Find samples from
	// the trajectories; >= 1. Default 1024 (fixed-point-finder's example).
	NInits int `json:"n_inits"`
	// NoiseScale (noise_scale) is the standard deviation of the Gaussian
	// noise added to every coordinate of each sampled state; >= 0.
	// Default 0.5 (fixed-point-finder's example).
	NoiseScale float64 `json:"noise_scale"`

	// TolQ (tol_q) is the largest q = ½‖F(h, x*) − h‖² of a fixed point;
	// > 0. Default 1e-12 (fixed-point-finder's default).
	TolQ float64 `json:"tol_q"`
	// TolQSlow (tol_q_slow) is the largest q of a slow point: points with
	// TolQ < q <= TolQSlow are kept and reported as slow points, points with
	// larger q are dropped; >= TolQ. Default 1e-6 (a speed ‖F(h) − h‖ of
	// 1.4e-3 per step). Set it to TolQ to keep fixed points only.
	TolQSlow float64 `json:"tol_q_slow"`
	// TolUnique (tol_unique) is the distance ‖h₁ − h₂‖ (2-norm) within which
	// two points are the same; the one with the smaller q is kept. > 0.
	// Default 1e-3 (fixed-point-finder's default).
	TolUnique float64 `json:"tol_unique"`
	// MaxIters (max_iters) is the largest number of optimiser iterations
	// (BFGS major iterations) from one initial state; >= 1. Default 5000
	// (fixed-point-finder's default).
	MaxIters int `json:"max_iters"`
	// OutlierDistanceScale (outlier_distance_scale) drops points farther
	// from the centroid of the initial states than this many times the
	// initial states' mean distance to it, as fixed-point-finder's
	// do_exclude_distance_outliers does; > 0, +Inf keeps every point.
	// Default 10 (fixed-point-finder's default).
	OutlierDistanceScale float64 `json:"outlier_distance_scale"`

	// Seed seeds the sampling of initial states. fixed-point-finder's
	// random_seed r is data.IntSeed(r) (its sample_states draws from
	// numpy.random.RandomState(r), and Find draws the same values); a run's
	// analysis uses its keyed stream data.StreamSeed(seed,
	// data.FixedPoints, 0). The zero value is IntSeed(0),
	// fixed-point-finder's default.
	Seed data.Seed `json:"-"`
	// Workers is the number of goroutines that run optimisations and
	// decompositions; 0 means GOMAXPROCS. Results do not depend on it.
	Workers int `json:"-"`
}

// DefaultOptions returns the defaults documented on each field of Options.
func DefaultOptions() Options {
	return Options{
		NInits:               1024,
		NoiseScale:           0.5,
		TolQ:                 1e-12,
		TolQSlow:             1e-6,
		TolUnique:            1e-3,
		MaxIters:             5000,
		OutlierDistanceScale: 10,
	}
}

// Validate returns an error naming every invalid option (by its JSON key)
// with the allowed values, or nil.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if o.NInits < 1 {
		bad("n_inits = %d, want >= 1", o.NInits)
	}
	if !(o.NoiseScale >= 0) || !finite(o.NoiseScale) {
		bad("noise_scale = %v, want a finite value >= 0", o.NoiseScale)
	}
	if !(o.TolQ > 0) || !finite(o.TolQ) {
		bad("tol_q = %v, want a finite value > 0", o.TolQ)
	}
	if !(o.TolQSlow >= o.TolQ) || !finite(o.TolQSlow) {
		bad("tol_q_slow = %v, want a finite value >= tol_q (%v)", o.TolQSlow, o.TolQ)
	}
	if !(o.TolUnique > 0) || !finite(o.TolUnique) {
		bad("tol_unique = %v, want a finite value > 0", o.TolUnique)
	}
	if o.MaxIters < 1 {
		bad("max_iters = %d, want >= 1", o.MaxIters)
	}
	if !(o.OutlierDistanceScale > 0) {
		bad("outlier_distance_scale = %v, want > 0 (+Inf keeps every point)", o.OutlierDistanceScale)
	}
	if o.Workers < 0 {
		bad("workers = %d, want >= 0 (0: GOMAXPROCS)", o.Workers)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("fixed points: %w", errors.Join(errs...))
}
