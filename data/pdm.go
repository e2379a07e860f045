package data

import (
	"fmt"
	"math"
)

// PerceptualDecisionMaking is NeuroGym's PerceptualDecisionMaking-v0 task:
// a dim_ring-alternative forced choice on a noisy stimulus (random-dot motion
// discrimination). One environment owns one RandomState; for the same config
// and seed it produces exactly the trials NeuroGym produces after
// env.seed(seed).
//
// Use it trial by trial (NewTrial) or step by step (Reset, Step). It is not
// safe for concurrent use.
type PerceptualDecisionMaking struct {
	cfg     PDMConfig
	rng     *RandomState
	periods []PeriodSpec
	sigma   float64   // sigma / sqrt(dt)
	cohs    []float64 // cohs * stim_scale
	theta   []float64 // ring angles k * (2*pi/dim_ring)
	stim    []float64 // scratch: stimulus mean of one row

	// stepping state
	trial       *Trial
	t           float64 // ms within the trial
	tInd        int     // row within the trial
	performance float64
}

// NewPerceptualDecisionMaking returns an environment for cfg whose random
// stream is numpy.random.RandomState(seed). Invalid configs are an error (see
// PDMConfig.Validate).
func NewPerceptualDecisionMaking(cfg PDMConfig, seed uint32) (*PerceptualDecisionMaking, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Cohs = append([]float64(nil), cfg.Cohs...)
	n := cfg.DimRing
	// theta = np.linspace(0, 2*pi, n+1)[:-1], i.e. k * (2*pi/n)
	step := 2 * math.Pi / float64(n)
	theta := make([]float64, n)
	for k := range theta {
		theta[k] = float64(k) * step
	}
	e := &PerceptualDecisionMaking{
		cfg:     cfg,
		rng:     NewRandomState(seed),
		periods: cfg.Periods(),
		sigma:   cfg.SigmaEffective(),
		cohs:    make([]float64, len(cfg.Cohs)),
		theta:   theta,
		stim:    make([]float64, n),
	}
	for i, c := range cfg.Cohs {
		e.cohs[i] = c * cfg.StimScale
	}
	return e, nil
}

// Config returns the environment's configuration (a copy).
func (e *PerceptualDecisionMaking) Config() PDMConfig {
	c := e.cfg
	c.Cohs = append([]float64(nil), c.Cohs...)
	return c
}

// Seed reseeds the environment's random stream like env.seed(seed) in NeuroGym.
func (e *PerceptualDecisionMaking) Seed(seed uint32) { e.rng.Seed(seed) }

// TrialOption modifies one trial (see ForceGroundTruth, ForceCoh).
type TrialOption func(trialOpts) trialOpts

type trialOpts struct {
	g     int
	hasG  bool
	coh   float64
	hasCo bool
}

// ForceGroundTruth makes the trial's ground truth g (0-based, 0..dim_ring-1).
// The random draws still happen, as in NeuroGym's new_trial(ground_truth=g).
// NewTrial panics if g is out of range.
func ForceGroundTruth(g int) TrialOption {
	return func(o trialOpts) trialOpts { o.g, o.hasG = g, true; return o }
}

// ForceCoh makes the trial's coherence c percent (not scaled by stim_scale).
// The random draws still happen.
func ForceCoh(c float64) TrialOption {
	return func(o trialOpts) trialOpts { o.coh, o.hasCo = c, true; return o }
}

// NewTrial draws the next trial (spec section 1: ground truth, coherence,
// period durations, then the noise row by row) and makes it the current trial
// of the stepping API, starting at row 0. The returned trial is owned by the
// caller.
func (e *PerceptualDecisionMaking) NewTrial(opts ...TrialOption) *Trial {
	tr := &Trial{}
	e.fillTrial(tr, opts...)
	e.trial = tr
	e.t, e.tInd, e.performance = 0, 0, 0
	return tr
}

// ObsDim is the observation length 1 + dim_ring.
func (e *PerceptualDecisionMaking) ObsDim() int { return e.cfg.ObsDim() }

// FillTrial builds the next trial into tr like NewTrial, reusing tr's memory,
// without touching the stepping state. It is the Task interface's method.
func (e *PerceptualDecisionMaking) FillTrial(tr *Trial) { e.fillTrial(tr) }

// fillTrial builds the next trial into tr, reusing its memory.
func (e *PerceptualDecisionMaking) fillTrial(tr *Trial, opts ...TrialOption) {
	var o trialOpts
	for _, f := range opts {
		o = f(o)
	}
	g := e.rng.RandInt(e.cfg.DimRing)
	coh := e.cohs[e.rng.RandInt(len(e.cohs))]
	if o.hasG {
		if o.g < 0 || o.g >= e.cfg.DimRing {
			panic(fmt.Sprintf("data: ForceGroundTruth(%d) out of range [0, %d)", o.g, e.cfg.DimRing))
		}
		g = o.g
	}
	if o.hasCo {
		coh = o.coh
	}
	tr.GroundTruth, tr.Coh = g, coh

	tr.Schedule(e.cfg.Dt, e.cfg.ObsDim(), e.rng, e.periods)

	// fixation cue
	tr.AddOb("fixation", 0, 1)
	if e.cfg.FixationCue == FixationUntilDecision {
		tr.AddOb("stimulus", 0, 1)
		tr.AddOb("delay", 0, 1)
	}
	// stimulus mean: cos(theta - theta_g) * (coh/200) + 0.5
	c200 := coh / 200
	for k, th := range e.theta {
		e.stim[k] = float64(math.Cos(th-e.theta[g])*c200) + 0.5
	}
	tr.AddObRow("stimulus", 1, e.stim)
	tr.AddRandn("stimulus", 1, 1+e.cfg.DimRing, 0, e.sigma, e.rng)
	// correct output: choose ring location g in the decision period
	tr.SetGt("decision", g+1)
}
