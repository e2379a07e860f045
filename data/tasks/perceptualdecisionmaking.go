package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// perceptualDecisionMaking is NeuroGym's PerceptualDecisionMaking-v0
// (neurogym/envs/perceptualdecisionmaking.py): a dim_ring-alternative
// forced choice on a noisy stimulus, the random-dot motion discrimination
// of Britten et al. (1992). Periods fixation, stimulus, delay, decision; the
// fixation input is 1 until the decision (the go cue); during the stimulus
// ring channel k shows cos(theta_k - theta_g)*coh/200 + 0.5 plus
// N(0, sigma/sqrt(dt)) noise; the answer is choice g in the decision period.
//
// Two keywords extend NeuroGym's: stim_scale (an older upstream parameter,
// multiplies every coherence; default 1) and fixation_cue ("until_decision",
// the default and NeuroGym's behaviour at ee0a140c, or "fixation_only",
// upstream's since 2025: the fixation input is 1 in the fixation period
// only).
type perceptualDecisionMaking struct {
	cohs        []float64 // percent, times stim_scale
	cohInt      bool      // cohs were integers (NumPy int array)
	sigma       float64   // sigma / sqrt(dt)
	theta       []float64
	abort       bool
	fixationCue string
	stim        []float64 // scratch
}

func newPerceptualDecisionMaking(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(100)},
		{Period: "stimulus", Spec: data.Constant(2000)},
		{Period: "delay", Spec: data.Constant(0)},
		{Period: "decision", Spec: data.Constant(100)},
	})
	cohs, cohInt := k.Numbers("cohs", []float64{0, 6.4, 12.8, 25.6, 51.2}, false, 1, data.Finite)
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	dimRing := k.Int("dim_ring", 2, data.AtLeast(2))
	stimScale := k.Float("stim_scale", 1.0, data.Finite)
	cue := k.String("fixation_cue", "until_decision", "until_decision", "fixation_only")
	if k.Has("stim_scale") && stimScale != math.Trunc(stimScale) {
		cohInt = false
	}
	r := &perceptualDecisionMaking{
		sigma:       sigma / math.Sqrt(dt),
		fixationCue: cue,
		cohInt:      cohInt,
		stim:        make([]float64, dimRing),
	}
	for _, c := range cohs {
		if math.Abs(c*stimScale) > 1e6 {
			k.Errorf("cohs", "%v (times stim_scale %v): a coherence must be at most 1e6 percent in magnitude", c, stimScale)
			break
		}
		r.cohs = append(r.cohs, c*stimScale)
	}
	// theta = np.linspace(0, 2*pi, dim_ring+1)[:-1], i.e. k * (2*pi/dim_ring)
	step := 2 * math.Pi / float64(dimRing)
	for i := 0; i < dimRing; i++ {
		r.theta = append(r.theta, float64(i)*step)
	}
	spec := data.EnvSpec{
		ID: "PerceptualDecisionMaking-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("stimulus", 1, dimRing+1)),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "random-dot motion discrimination: report which of dim_ring directions a noisy stimulus favours",
			Paper:      "Britten et al. (1992), The analysis of visual motion: a comparison of neuronal and psychophysical performance",
			Link:       "https://www.jneurosci.org/content/12/12/4745",
			Tags:       []string{"perceptual", "two-alternative", "supervised"},
			Conditions: []string{"coh", "ground_truth"},
		},
	}
	if dimRing == 2 {
		spec.Info.Evidence = signedCoherence("signed coherence (%)", 1)
	}
	return env(k, spec, r, seed)
}

func (r *perceptualDecisionMaking) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth", rng.RandInt(len(r.theta)))
	coh := r.cohs[rng.RandInt(len(r.cohs))]
	if r.cohInt {
		v.SetInt("coh", int(coh))
	} else {
		v.SetFloat("coh", coh)
	}
	if err := v.Update(cond); err != nil {
		return err
	}
	g, c := v.Int("ground_truth"), v.Float("coh")
	if g < 0 || g >= len(r.theta) {
		return data.BadTrialVar("ground_truth", v, "a choice in [0, %d)", len(r.theta))
	}

	e.AddPeriods("fixation", "stimulus", "delay", "decision")

	e.AddOb(1, "fixation", "fixation")
	if r.fixationCue == "until_decision" {
		e.AddOb(1, "stimulus", "fixation")
		e.AddOb(1, "delay", "fixation")
	}
	c200 := c / 200
	for k, th := range r.theta {
		r.stim[k] = float64(data.NumPyCos(th-r.theta[g])*c200) + 0.5
	}
	e.AddObVec(r.stim, "stimulus", "stimulus")
	e.AddRandn(0, r.sigma, "stimulus", "stimulus")

	e.SetGtWhere(g, "decision", "choice")
	return nil
}

// Step: breaking fixation costs rewards.abort (and ends the trial only with
// abort); any choice in the decision period ends the trial, rewarded
// correct (performance 1) or fail.
func (r *perceptualDecisionMaking) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChoose(e, a, r.abort)
}

// fixateThenChoose is the step rule most decision tasks share (e.g.
// PerceptualDecisionMaking._step): in fixation a non-zero action costs
// rewards["abort"] and ends the trial if abort; in decision a non-zero
// action ends the trial with rewards["correct"] (and performance 1) if it is
// the target, else rewards["fail"].
func fixateThenChoose(e *data.Env, a data.Action, abort bool) (float64, bool) {
	reward := 0.0
	switch {
	case e.InPeriod("fixation"):
		if a.Index != 0 {
			reward += e.Reward("abort")
			return reward, abort
		}
	case e.InPeriod("decision"):
		if a.Index != 0 {
			if a.Index == e.GtNow() {
				reward += e.Reward("correct")
				e.SetPerformance(1)
			} else {
				reward += e.Reward("fail")
			}
			return reward, true
		}
	}
	return reward, false
}
