package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// postDecisionWager is NeuroGym's PostDecisionWager-v0
// (neurogym/envs/postdecisionwager.py), the confidence task of Kiani and
// Shadlen (2009): a two-alternative random-dot discrimination in which, on
// a random half of the trials, a sure-bet option that pays less than a
// correct choice appears during the delay.
//
// Trial variables: wager (whether the sure option is offered), ground_truth
// (the direction, 0 or 1) and coh (one of 0, 3.2, 6.4, 12.8, 25.6, 51.2
// percent).
//
// Periods fixation (100 ms), stimulus (TruncExp(180, 100, 900) ms), delay
// (TruncExp(1350, 1200, 1800) ms), both with their own random streams, and
// decision (100 ms); in wager trials also pre_sure (uniform in [500, 750)
// ms from the task's stream), which starts with the delay. Inputs: fixation
// is 1 until the decision; in the stimulus period the two stimulus inputs
// show cos(theta_k - theta_g)*coh/200 + 0.5 and N(0, sigma/sqrt(dt)) noise is
// added to every input; in wager trials the sure input is 1 in the delay
// (after pre_sure) and the decision period. The target is choice
// ground_truth (action ground_truth+1) in the decision period.
//
// Step rule (NeuroGym's, including its quirk): a non-zero action in fixation
// costs rewards.abort (the trial goes on); in the decision period a
// non-zero action ends the trial: the sure action (3) pays rewards.sure =
// 0.7*rewards.correct with performance (sure-fail)/(correct-fail) in wager
// trials and rewards.abort otherwise; a choice a (1 or 2) pays
// rewards.correct with performance 1 if a == ground_truth, else
// rewards.fail. NeuroGym compares the action with ground_truth (0 or 1), not
// with the target action ground_truth+1, so following the target never
// scores: its performance is 0 on every trial, and choosing action 1 is
// "correct" when ground_truth is 1.
//
// dim_ring is accepted for NeuroGym's signature but must be 2: the spaces
// have two stimulus inputs and two choices (NeuroGym fails at the first
// trial for more and gives every trial the same answer for 1).
type postDecisionWager struct {
	sigma float64   // sigma / sqrt(dt)
	theta []float64 // ring directions, rad
	stim  []float64 // scratch
}

func newPostDecisionWager(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	rewards.Set("sure", 0.7*rewards.Get("correct"))
	if rewards.Get("correct") == rewards.Get("fail") {
		k.Errorf("rewards", "correct = fail = %v: they must differ (a sure choice's performance is (sure-fail)/(correct-fail))", rewards.Get("fail"))
	}
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(100)},
		{Period: "stimulus", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{180, 100, 900}}},
		{Period: "delay", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{1350, 1200, 1800}}},
		{Period: "pre_sure", Spec: data.UniformTiming(500, 750)},
		{Period: "decision", Spec: data.Constant(100)},
	})
	dimRing := k.Int("dim_ring", 2)
	if dimRing != 2 {
		k.Errorf("dim_ring", "%d: only 2 is allowed (the observation and action spaces have two stimulus inputs and two choices)", dimRing)
		dimRing = 2
	}
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	r := &postDecisionWager{
		sigma: sigma / math.Sqrt(dt),
		theta: linspaceRing(dimRing),
		stim:  make([]float64, dimRing),
	}
	spec := data.EnvSpec{
		ID: "PostDecisionWager-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(4, data.Ch("fixation", 0), data.ChList("stimulus", 1, 2), data.Ch("sure", 3)),
		ActSpace:      data.DiscreteSpace(4, data.Ch("fixation", 0), data.ChList("choice", 1, 2), data.Ch("sure", 3)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "post-decision wagering: a random-dot discrimination with, on half of the trials, a sure option that pays less",
			Paper:      "Kiani and Shadlen (2009), Representation of confidence associated with a decision by neurons in the parietal cortex",
			Link:       "https://science.sciencemag.org/content/324/5928/759.long",
			Tags:       []string{"perceptual", "delayed response", "confidence"},
			Conditions: []string{"wager", "coh", "ground_truth"},
			Evidence:   signedCoherence("signed coherence (%)", 1),
		},
	}
	return env(k, spec, r, seed)
}

func (r *postDecisionWager) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetBool("wager", rng.RandInt(2) == 0) // choice([True, False])
	v.SetInt("ground_truth", rng.RandInt(len(r.theta)))
	cohs := [6]float64{0, 3.2, 6.4, 12.8, 25.6, 51.2}
	v.SetFloat("coh", cohs[rng.RandInt(len(cohs))])
	if err := v.Update(cond); err != nil {
		return err
	}
	g := v.Int("ground_truth")
	if g < 0 || g >= len(r.theta) {
		return data.BadTrialVar("ground_truth", v, "a direction in [0, %d)", len(r.theta))
	}
	wager := v.Bool("wager")

	e.AddPeriods("fixation", "stimulus", "delay")
	if wager {
		e.AddPeriod("pre_sure", data.After("stimulus"))
	}
	e.AddPeriod("decision", data.After("delay"))

	for _, p := range []string{"fixation", "stimulus", "delay"} {
		e.AddOb(1, p, "fixation")
	}
	ringStim(r.stim, r.theta, g, v.Float("coh"))
	e.AddObVec(r.stim, "stimulus", "stimulus")
	e.AddRandn(0, r.sigma, "stimulus", "")
	if wager {
		e.AddOb(1, "delay", "sure")
		e.AddOb(1, "decision", "sure")
		e.SetOb(0, "pre_sure", "sure")
	}

	e.SetGtWhere(g, "decision", "choice")
	return nil
}

// Step: see the type's doc.
func (r *postDecisionWager) Step(e *data.Env, a data.Action) (float64, bool) {
	switch {
	case e.InPeriod("fixation"):
		if a.Index != 0 {
			return e.Reward("abort"), false
		}
	case e.InPeriod("decision"):
		if a.Index == 0 {
			return 0, false
		}
		v := &e.Trial().Vars
		if a.Index == 3 {
			if !v.Bool("wager") {
				return e.Reward("abort"), true
			}
			sure, fail := e.Reward("sure"), e.Reward("fail")
			e.SetPerformance((sure - fail) / (e.Reward("correct") - fail))
			return sure, true
		}
		if float64(a.Index) == v.Float("ground_truth") {
			e.SetPerformance(1)
			return e.Reward("correct"), true
		}
		return e.Reward("fail"), true
	}
	return 0, false
}
