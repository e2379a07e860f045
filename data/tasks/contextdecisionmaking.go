package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// contextDecisionMaking is NeuroGym's ContextDecisionMaking-v0
// (neurogym/envs/contextdecisionmaking.py), the context-dependent
// integration task of Mante, Sussillo, Shenoy and Newsome (2013): two
// noisy stimuli (say motion and colour of a random-dot display) are shown at
// once, and a rule input says which one to report.
//
// Trial variables: ground_truth (the correct action, 1 or 2), other_choice
// (the choice the irrelevant modality points to, 1 or 2), context (0: report
// modality 1, 1: report modality 2) and the coherences coh_0 and coh_1 of
// modalities 1 and 2, each one of 5, 15, 50 (percent). In context 0
// modality 1 points to ground_truth and modality 2 to other_choice; in
// context 1 the other way round.
//
// Periods fixation (300 ms), stimulus (750 ms), delay (TruncExp(600, 300,
// 3000) ms, with its own random stream), decision (100 ms). Inputs: fixation
// is 1 until the decision; a modality with signed coherence c (positive
// towards choice 1) gives (1+c/100)/2 on stim1_modX and (1-c/100)/2 on
// stim2_modX in the stimulus period; N(0, sigma/sqrt(dt)) noise is added to
// every input in the stimulus period; every input is 0 in the decision
// period except the rule, context1 (context 0) or context2 (context 1), which
// is 1 throughout. The target is ground_truth in the decision period.
//
// Step rule: a non-zero action in fixation costs rewards.abort (the trial
// goes on); a non-zero action in the decision period ends the trial,
// rewarded rewards.correct with performance 1 if it is ground_truth, else
// 0 (NeuroGym has no fail reward here).
type contextDecisionMaking struct {
	sigma float64 // sigma / sqrt(dt)
}

func newContextDecisionMaking(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "stimulus", Spec: data.Constant(750)},
		{Period: "delay", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{600, 300, 3000}}},
		{Period: "decision", Spec: data.Constant(100)},
	})
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	r := &contextDecisionMaking{sigma: sigma / math.Sqrt(dt)}
	spec := data.EnvSpec{
		ID: "ContextDecisionMaking-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace: data.BoxSpace(7, data.Ch("fixation", 0), data.Ch("stim1_mod1", 1), data.Ch("stim2_mod1", 2),
			data.Ch("stim1_mod2", 3), data.Ch("stim2_mod2", 4), data.Ch("context1", 5), data.Ch("context2", 6)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.Ch("choice1", 1), data.Ch("choice2", 2)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "context-dependent decision: report the direction of the modality the rule input cues, ignoring the other",
			Paper:      "Mante, Sussillo, Shenoy and Newsome (2013), Context-dependent computation by recurrent dynamics in prefrontal cortex",
			Link:       "https://www.nature.com/articles/nature12742",
			Tags:       []string{"perceptual", "context dependent", "two-alternative", "supervised"},
			Conditions: []string{"context", "coh_0", "coh_1", "ground_truth"},
			Evidence: &data.Evidence{
				Label:    "signed coherence of the cued modality (%)",
				Positive: 2,
				// both modalities at zero coherence, in the first context
				Zero:  `{"context": 0, "coh_0": 0, "coh_1": 0}`,
				Value: cuedCoherence,
			},
		},
	}
	return env(k, spec, r, seed)
}

// cuedCoherence is the coherence of the modality the context selects
// (coh_0 in context 0, coh_1 in context 1), which points to ground_truth,
// signed positive when ground_truth is action 2.
func cuedCoherence(v *data.Vars) float64 {
	c := v.Float("coh_0")
	if v.Float("context") == 1 {
		c = v.Float("coh_1")
	}
	if v.Int("ground_truth") == 2 {
		return c
	}
	return -c
}

func (r *contextDecisionMaking) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth", 1+rng.RandInt(2))
	v.SetInt("other_choice", 1+rng.RandInt(2))
	v.SetInt("context", rng.RandInt(2))
	cohs := [3]int{5, 15, 50}
	v.SetInt("coh_0", cohs[rng.RandInt(3)])
	v.SetInt("coh_1", cohs[rng.RandInt(3)])
	if err := v.Update(cond); err != nil {
		return err
	}
	for _, name := range []string{"ground_truth", "other_choice"} {
		if c := v.Float(name); c != 1 && c != 2 {
			return data.BadTrialVar(name, v, "a choice, 1 or 2")
		}
	}
	if c := v.Float("context"); c != 0 && c != 1 {
		return data.BadTrialVar("context", v, "0 (report modality 1) or 1 (report modality 2)")
	}
	choice0, choice1 := v.Int("ground_truth"), v.Int("other_choice")
	if v.Float("context") == 1 {
		choice0, choice1 = choice1, choice0
	}
	signed0, signed1 := v.Float("coh_0"), v.Float("coh_1")
	if choice0 != 1 {
		signed0 = -signed0
	}
	if choice1 != 1 {
		signed1 = -signed1
	}

	e.AddPeriods("fixation", "stimulus", "delay", "decision")

	e.AddOb(1, "", "fixation")
	e.AddOb((1+signed0/100)/2, "stimulus", "stim1_mod1")
	e.AddOb((1-signed0/100)/2, "stimulus", "stim2_mod1")
	e.AddOb((1+signed1/100)/2, "stimulus", "stim1_mod2")
	e.AddOb((1-signed1/100)/2, "stimulus", "stim2_mod2")
	e.AddRandn(0, r.sigma, "stimulus", "")
	e.SetOb(0, "decision", "")
	if v.Float("context") == 0 {
		e.AddOb(1, "", "context1")
	} else {
		e.AddOb(1, "", "context2")
	}

	e.SetGt(v.Int("ground_truth"), "decision")
	return nil
}

// Step: see the type's doc.
func (r *contextDecisionMaking) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseNoFail(e, a, false)
}

// fixateThenChooseNoFail is the step rule of the tasks whose rewards have no
// "fail" entry (ContextDecisionMaking._step and its copies in
// SingleContextDecisionMaking and MultiSensoryIntegration): in fixation a
// non-zero action costs rewards["abort"] and ends the trial if abort; in
// decision a non-zero action ends the trial, with rewards["correct"] and
// performance 1 if it is the target, else reward 0.
func fixateThenChooseNoFail(e *data.Env, a data.Action, abort bool) (float64, bool) {
	switch {
	case e.InPeriod("fixation"):
		if a.Index != 0 {
			return e.Reward("abort"), abort
		}
	case e.InPeriod("decision"):
		if a.Index != 0 {
			if a.Index == e.GtNow() {
				e.SetPerformance(1)
				return e.Reward("correct"), true
			}
			return 0, true
		}
	}
	return 0, false
}
