package analyze

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/taskrnn/taskrnn/analyze/fixedpoint"
	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// File names of the fixed-point analysis.
const (
	FixedPointsFile      = "fixed_points.npz"
	FixedPointsEigenFile = "fixed_points_eigenvalues.png"
)

// DefaultFixedPointInits is the number of initial states of the search in
// a run's analysis: on the default network (64 units) the search from 256
// states takes about a tenth of the training loop's time (README, "Fixed
// points and slow points"). fixed-point-finder's example uses 1024.
const DefaultFixedPointInits = 256

// FixedPointOptions say how a run's analysis searches for fixed points.
type FixedPointOptions struct {
	// Input chooses the constant input x* (default: the task's input during
	// the stimulus with zero evidence; see fixedpoint.InputChoice).
	Input fixedpoint.InputChoice
	// Search holds n_inits, noise_scale and the tolerances
	// (fixedpoint.Options). Its Seed is replaced by the keyed stream below.
	Search fixedpoint.Options
	// Seed is the seed of the search's random streams: the initial states
	// come from data.StreamSeed(Seed, data.FixedPoints, 0) and the trials
	// averaged for the input from data.StreamSeed(Seed, data.FixedPoints,
	// 1). When SeedSet is false the analysis seed is used (the run's seed
	// unless the test seed is set).
	Seed    int64
	SeedSet bool
}

// isDefaultInput reports whether c is the default choice (InputChoice's zero value).
func isDefaultInput(c fixedpoint.InputChoice) bool {
	return len(c.Vector) == 0 && len(c.Condition) == 0 && c.Period == "" && c.NTrials == 0
}

// DefaultFixedPointOptions returns fixedpoint.DefaultOptions with
// DefaultFixedPointInits initial states and the default input.
func DefaultFixedPointOptions() FixedPointOptions {
	s := fixedpoint.DefaultOptions()
	s.NInits = DefaultFixedPointInits
	return FixedPointOptions{Search: s}
}

// FixedPoints is a fixed-point search added to a Report.
type FixedPoints struct {
	// Result is the search: the points, their linearisations and every
	// optimisation's outcome.
	Result *fixedpoint.FixedPoints
	// Input is the constant input searched under, with its channel names
	// and where it comes from.
	Input *fixedpoint.Input
	// Seed is the seed of the search's streams (FixedPointOptions.Seed).
	Seed int64
	// NTrajectories is the number of test trials whose hidden states the
	// initial states were sampled from, and Dt their step in ms.
	NTrajectories int
	Dt            float64
	// Showcase is the index of the point the eigenvalue figure shows (-1:
	// none) and Why says which it is (fixedpoint.FixedPoints.Showcase).
	Showcase int
	Why      string
}

// NoiseFreeConfig returns cfg with the stimulus noise of its task turned
// off (the task keyword sigma set to 0, through stim_noise) and true, if
// every task of cfg declares sigma; otherwise cfg unchanged and false.
func NoiseFreeConfig(cfg rundir.Config) (rundir.Config, bool) {
	for _, id := range cfg.Task {
		d, err := tasks.Describe(id)
		if err != nil || !d.HasKwarg("sigma") {
			return cfg, false
		}
	}
	if len(cfg.TaskKwargs) > 0 {
		var m map[string]json.RawMessage
		if json.Unmarshal(cfg.TaskKwargs, &m) != nil {
			return cfg, false
		}
		if _, ok := m["sigma"]; ok {
			delete(m, "sigma")
			b, err := json.Marshal(m)
			if err != nil {
				return cfg, false
			}
			cfg.TaskKwargs = b
		}
	}
	zero := 0.0
	cfg.StimNoise = &zero
	return cfg, true
}

// FixedPointInput returns the input x* that opt chooses for the run
// configuration cfg (canonical, as rundir.LoadRun returns it): its trials
// come from a noise-free copy of the task where the task has a sigma
// keyword (NoiseFreeConfig), drawn from data.StreamSeed(seed,
// data.FixedPoints, 1). Errors are fixedpoint.TaskInput's.
func FixedPointInput(cfg rundir.Config, opt fixedpoint.InputChoice, seed int64) (*fixedpoint.Input, error) {
	nf, sigmaZero := NoiseFreeConfig(cfg)
	task, err := nf.MakeTask(data.IntSeed(0))
	if err != nil {
		return nil, fmt.Errorf("analyze: fixed points: %w", err)
	}
	in, err := fixedpoint.TaskInput(task, opt, data.StreamSeed(seed, data.FixedPoints, 1))
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	in.SigmaZero = sigmaZero && in.Source != "vector"
	return in, nil
}

// AddFixedPoints searches for the fixed and slow points of the network
// (cfg, w) under the constant input in, from opt.NInits initial states
// sampled from the hidden states of r's kept trials (Report.Activity) plus
// noise, with the initial states drawn from data.StreamSeed(seed,
// data.FixedPoints, 0) (opt.Seed is replaced), and adds the result to r:
// fixed_points.npz, the eigenvalue figure, the points on the PCA figures
// and the summary in metrics.json. When no point is found, a note says so
// and the eigenvalue figure is left out. It returns an error if the
// network's dynamics cannot be built, in does not fit the network, opt is
// invalid, or ctx is cancelled during the search.
func (r *Report) AddFixedPoints(ctx context.Context, cfg model.Config, w *model.Weights, in *fixedpoint.Input, opt fixedpoint.Options, seed int64) error {
	dyn, err := model.NewDynamics(cfg, w)
	if err != nil {
		return fmt.Errorf("analyze: fixed points: %w", err)
	}
	a := r.Activity
	tr := fixedpoint.Trajectories{NBatch: a.N, NTime: a.T, NStates: a.H, States: a.Hidden, Valid: make([]bool, a.N*a.T)}
	for n := 0; n < a.N; n++ {
		for t := 0; t < a.Steps[n]; t++ {
			tr.Valid[n*a.T+t] = true
		}
	}
	opt.Seed = data.StreamSeed(seed, data.FixedPoints, 0)
	res, err := fixedpoint.FindContext(ctx, dyn, in.Values, tr, opt)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	f := &FixedPoints{Result: res, Input: in, Seed: seed, NTrajectories: a.N, Dt: a.Dt}
	f.Showcase, f.Why = res.Showcase()
	r.FixedPoints = f
	if len(res.Points) == 0 {
		s := res.Summary()
		minQ := "none"
		if s.MinQstar != nil {
			minQ = fmt.Sprintf("%.3g", *s.MinQstar)
		}
		r.Notes = append(r.Notes, fmt.Sprintf("no fixed or slow point found from %d initial states (smallest q %s > tol_q_slow %g): no eigenvalue figure; fixed_points.npz holds every optimisation's q", s.NInits, minQ, opt.TolQSlow))
	}
	return nil
}

// FixedPointsJSON is the fixed-point part of metrics.json: the input, the
// options, the summary (fixedpoint.Summary's counts, line measure and
// largest eigenvalue moduli) and which point the eigenvalue figure shows.
type FixedPointsJSON struct {
	Input *fixedpoint.Input `json:"input"`
	// Seed seeds the initial states (stream "fixed-points", index 0, of
	// this seed) and the input's trials (index 1).
	Seed          int64                 `json:"seed"`
	NTrajectories int                   `json:"n_trajectories"`
	Options       FixedPointOptionsJSON `json:"options"`
	Summary       fixedpoint.Summary    `json:"summary"`
	// EigenvalueFigure is the point of fixed_points_eigenvalues.png (its
	// row in fixed_points.npz) and why; absent without a point.
	EigenvalueFigure *EigenvalueFigureJSON `json:"eigenvalue_figure,omitempty"`
}

// FixedPointOptionsJSON are the search's options in metrics.json, under
// fixed-point-finder's names.
type FixedPointOptionsJSON struct {
	NInits     int     `json:"n_inits"`
	NoiseScale float64 `json:"noise_scale"`
	TolQ       float64 `json:"tol_q"`
	TolQSlow   float64 `json:"tol_q_slow"`
	TolUnique  float64 `json:"tol_unique"`
	MaxIters   int     `json:"max_iters"`
	// OutlierDistanceScale is null for +Inf (no outlier is dropped).
	OutlierDistanceScale *float64 `json:"outlier_distance_scale"`
}

// EigenvalueFigureJSON says which point fixed_points_eigenvalues.png shows:
// its row in fixed_points.npz and why it was chosen.
type EigenvalueFigureJSON struct {
	Point int    `json:"point"`
	Which string `json:"which"`
}

// json returns f's part of metrics.json.
func (f *FixedPoints) json() *FixedPointsJSON {
	o := f.Result.Options
	j := &FixedPointsJSON{
		Input: f.Input, Seed: f.Seed, NTrajectories: f.NTrajectories,
		Options: FixedPointOptionsJSON{NInits: len(f.Result.All), NoiseScale: o.NoiseScale, TolQ: o.TolQ, TolQSlow: o.TolQSlow,
			TolUnique: o.TolUnique, MaxIters: o.MaxIters, OutlierDistanceScale: finite(o.OutlierDistanceScale)},
		Summary: f.Result.Summary(),
	}
	if f.Showcase >= 0 {
		j.EigenvalueFigure = &EigenvalueFigureJSON{Point: f.Showcase, Which: f.Why}
	}
	return j
}

// writeNPZ writes fixed_points.npz (fixedpoint.FixedPoints.WriteNPZ).
func (f *FixedPoints) writeNPZ(w io.Writer) error { return f.Result.WriteNPZ(w, f.Input) }

// writeEigenvalues writes fixed_points_eigenvalues.png: the spectrum of
// the showcased point.
func (f *FixedPoints) writeEigenvalues(w io.Writer) error {
	return fixedpoint.WriteEigenvalues(w, &f.Result.Points[f.Showcase], f.Why)
}

// summaryLines returns the search in a few lines for WriteSummary.
func (f *FixedPoints) summaryLines() []string {
	s := f.Result.Summary()
	lines := []string{
		fmt.Sprintf("fixed points under x* = %s", f.Input),
		fmt.Sprintf("  from %d initial states: %d stable and %d unstable fixed points, %d slow points (%d optimisations dropped)",
			s.NInits, s.NStableFixed, s.NUnstableFixed, s.NSlow, s.NDropped),
	}
	if s.MaxAbsEigval != nil {
		l := fmt.Sprintf("  largest |λ| %.4f", *s.MaxAbsEigval)
		if s.MaxAbsEigvalStable != nil {
			l += fmt.Sprintf(", among stable points %.4f (time constant %.0f ms)", *s.MaxAbsEigvalStable, timeConstant(*s.MaxAbsEigvalStable, f.Dt))
		}
		lines = append(lines, l)
	}
	if s.LineVarianceShare != nil {
		lines = append(lines, fmt.Sprintf("  the points' variance on their first axis: %.1f%% (length %.3g)", 100**s.LineVarianceShare, *s.LineLength))
	}
	return lines
}

// timeConstant returns the time constant −dt/ln|λ| of a decaying mode.
func timeConstant(absLambda, dt float64) float64 { return -dt / math.Log(absLambda) }
