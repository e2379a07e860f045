package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// yangReach is NeuroGym's _Reach (neurogym/envs/collections/yang19.py), the
// class of the yang19 Go and Anti tasks, shown in two alternating
// modalities (twoModalities). A trial draws ground_truth, one of dim_ring
// directions theta[k] = k*2*pi/dim_ring; the stimulus is a Gaussian bump
// (gaussianBump, strength 1) at theta[ground_truth], or, if anti, at the
// opposite direction (theta + pi mod 2*pi). The correct action is
// ground_truth + 1 (choice ground_truth) in the decision period, 0
// (fixate) before it.
//
//   - reaction false: periods fixation, stimulus, delay, decision
//     (500, 500, 0, 500 ms); the fixation input is 1 until the decision (the
//     go cue); the stimulus is shown in the stimulus period only, so with a
//     delay it must be remembered.
//   - reaction true: periods fixation, decision (500, 500 ms); the fixation
//     input is 1 in fixation; the stimulus is shown in the decision period.
//
// Step rule (_step): in fixation an action other than 0 costs
// rewards["abort"] (the trial goes on: abort is False); in decision an
// action other than 0 ends the trial, with rewards["correct"] and
// performance 1 if it is the target, else rewards["fail"]. Metadata: Munoz
// & Everling (2004), tags perceptual, steps action space.
//
// Keywords: dt (100 ms), rewards (abort -0.1, correct 1, fail 0), timing
// (the periods the task uses), dim_ring (16; NeuroGym's ring np.arange(0,
// 2*pi, 2*pi/dim_ring) must have dim_ring points, which excludes 61, 122,
// ...; at least 2 here, see twoModalities), reaction (false) where
// NeuroGym's function leaves it to the caller. Forced trial variables:
// ground_truth (a direction index) and anti (a bool), as NeuroGym's
// trial.update(kwargs).
type yangReach struct {
	anti, reaction bool
	theta          []float64
	stim           []float64 // scratch
}

// reachVariant is one of the six yang19 functions on _Reach. NeuroGym's
// functions set anti (and reaction, or the timing) themselves, overriding
// the caller's keyword; here those keywords are not accepted.
type reachVariant struct {
	id      string
	anti    bool
	rt      bool // reaction fixed to True (rtgo, rtanti); else reaction is a keyword
	delay   bool // timing fixed to NeuroGym's {'delay': 500} (dlygo, dlyanti)
	summary string
}

// reachVariants are go, rtgo, dlygo, anti, rtanti and dlyanti, in the
// collection's order.
func reachVariants() []reachVariant {
	return []reachVariant{
		{id: "yang19.go-v0",
			summary: "Go (Yang et al. 2019): report the direction of a ring stimulus when the fixation cue goes off"},
		{id: "yang19.rtgo-v0", rt: true,
			summary: "reaction-time Go (Yang et al. 2019): report the direction of a ring stimulus as soon as it appears"},
		{id: "yang19.dlygo-v0", delay: true,
			summary: "delayed Go (Yang et al. 2019): remember a stimulus direction over a 500 ms delay, report it at the go cue"},
		{id: "yang19.anti-v0", anti: true,
			summary: "Anti (Yang et al. 2019): respond opposite to the direction of a ring stimulus when the fixation cue goes off"},
		{id: "yang19.rtanti-v0", anti: true, rt: true,
			summary: "reaction-time Anti (Yang et al. 2019): respond opposite to a ring stimulus as soon as it appears"},
		{id: "yang19.dlyanti-v0", anti: true, delay: true,
			summary: "delayed Anti (Yang et al. 2019): remember a stimulus direction over a 500 ms delay, respond opposite at the go cue"},
	}
}

func (rv reachVariant) make(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	reaction := rv.rt
	if !rv.rt {
		reaction = k.Bool("reaction", false)
	}
	timing := data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "stimulus", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.Constant(0)},
		{Period: "decision", Spec: data.Constant(500)},
	}
	switch {
	case rv.delay:
		// dlygo and dlyanti replace the timing keyword with {'delay': 500}
		timing.Set("delay", data.Constant(500))
	case reaction:
		timing = k.Timing(data.Timing{
			{Period: "fixation", Spec: data.Constant(500)},
			{Period: "decision", Spec: data.Constant(500)},
		})
	default:
		timing = k.Timing(timing)
	}
	noTruncExp(k, timing)
	dimRing := yang19DimRing(k, 2)
	checkArangeRing(k, dimRing)
	r := &yangReach{anti: rv.anti, reaction: reaction, theta: linspaceRing(dimRing), stim: make([]float64, dimRing)}
	spec := data.EnvSpec{
		ID: rv.id, Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       twoModalitySpace(dimRing),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    rv.summary,
			Paper:      "Munoz & Everling (2004), Look away: the anti-saccade task and the voluntary control of eye movement",
			Link:       "https://www.nature.com/articles/nrn1345",
			Tags:       []string{"perceptual", "steps action space"},
			Conditions: []string{"ground_truth"},
		},
	}
	return env(k, spec, newTwoModalities(r, dimRing), seed)
}

func (r *yangReach) newTrial(e *data.Env, v, cond *data.Vars, stim []int) error {
	v.SetInt("ground_truth", e.Rng().RandInt(len(r.theta)))
	v.SetBool("anti", r.anti)
	if err := v.Update(cond); err != nil {
		return err
	}
	gt := v.Int("ground_truth")
	if gt < 0 || gt >= len(r.theta) {
		return data.BadTrialVar("ground_truth", v, "a direction index in [0, %d)", len(r.theta))
	}
	loc := r.theta[gt]
	if v.Bool("anti") {
		loc = math.Mod(loc+math.Pi, 2*math.Pi)
	}
	gaussianBump(r.stim, loc, r.theta, 1)

	if !r.reaction {
		e.AddPeriods("fixation", "stimulus", "delay", "decision")
		e.AddOb(1, "fixation", "fixation")
		e.AddOb(1, "stimulus", "fixation")
		e.AddOb(1, "delay", "fixation")
		addObCols(e, r.stim, "stimulus", stim)
	} else {
		e.AddPeriods("fixation", "decision")
		e.AddOb(1, "fixation", "fixation")
		addObCols(e, r.stim, "decision", stim)
	}
	e.SetGtWhere(gt, "decision", "choice")
	return nil
}

// Step is _Reach._step (see yangReach).
func (r *yangReach) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChoose(e, a, false)
}
