package tasks

import (
	"errors"

	"github.com/taskrnn/taskrnn/data"
)

// intervalDiscrimination is NeuroGym's IntervalDiscrimination-v0
// (neurogym/envs/intervaldiscrimination.py): interval discrimination, after
// Genovesio, Tsujimoto and Wise (2009). Two stimuli of random durations are
// shown one after the other with a delay between; the answer is which one
// lasted longer.
//
// Periods fixation, stim1, delay1, stim2, delay2, decision. The fixation
// input is 1 until the decision (where every input is 0); input stim1 is 1
// during stim1 and input stim2 during stim2; there is no noise. A trial
// draws duration1 and duration2 (ms, from timing stim1 and stim2 in that
// order, floored to dt; then the other periods are drawn); ground_truth is 1
// if duration1 > duration2 and 2 otherwise, the target in the decision
// period. The durations are floats, or ints as in NeuroGym when the timing
// gives integers (a number, a list or a choice of integers, see
// Kwargs.TimingInt) and dt is an integer.
//
// NeuroGym's _new_trial ignores forced trial variables; here forcing any is
// an error (set timing.stim1 and timing.stim2 instead).
//
// Step rule (_step): in fixation any action other than 0 costs
// rewards["abort"] (the trial goes on: abort is False); in decision any
// choice ends the trial, rewarded "correct" (performance 1) or "fail".
type intervalDiscrimination struct {
	durInt [2]bool // duration1, duration2 are Python ints
}

func newIntervalDiscrimination(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt, dtInt := k.Number("dt", 80, true, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "stim1", Spec: data.UniformTiming(300, 600)},
		{Period: "delay1", Spec: data.UniformTiming(800, 1500)},
		{Period: "stim2", Spec: data.UniformTiming(300, 600)},
		{Period: "delay2", Spec: data.Constant(500)},
		{Period: "decision", Spec: data.Constant(300)},
	})
	// duration = (t // dt) * dt is a Python int only when t and dt both are
	r := &intervalDiscrimination{durInt: [2]bool{dtInt && k.TimingInt("stim1", false), dtInt && k.TimingInt("stim2", false)}}
	spec := data.EnvSpec{
		ID: "IntervalDiscrimination-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(3, data.Ch("fixation", 0), data.Ch("stim1", 1), data.Ch("stim2", 2)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.Ch("choice1", 1), data.Ch("choice2", 2)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "interval discrimination: report which of two successive stimuli, separated by a delay, lasted longer",
			Paper:      "Genovesio, Tsujimoto and Wise (2009), Feature- and order-based timing representations in the frontal cortex",
			Link:       "https://www.sciencedirect.com/science/article/pii/S0896627309004887",
			Tags:       []string{"timing", "working memory", "delayed response", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth"},
			// No Zero: the durations come from the timing, and the task
			// takes no forced trial variables.
			Evidence: &data.Evidence{
				Label:    "duration1 - duration2 (ms)",
				Positive: 1,
				Value:    func(v *data.Vars) float64 { return v.Float("duration1") - v.Float("duration2") },
			},
		},
	}
	return env(k, spec, r, seed)
}

func (r *intervalDiscrimination) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	if cond != nil && cond.Len() > 0 {
		return errors.New("IntervalDiscrimination takes no forced trial variables (NeuroGym ignores them): its durations come from timing.stim1 and timing.stim2")
	}
	d1, d2 := e.SampleTime("stim1"), e.SampleTime("stim2")
	gt := 2
	if d1 > d2 {
		gt = 1
	}
	setNumber(v, "duration1", d1, r.durInt[0])
	setNumber(v, "duration2", d2, r.durInt[1])
	v.SetInt("ground_truth", gt)

	e.AddPeriod("fixation")
	e.AddPeriod("stim1", data.After("fixation"), data.Duration(d1))
	e.AddPeriod("delay1", data.After("stim1"))
	e.AddPeriod("stim2", data.After("delay1"), data.Duration(d2))
	e.AddPeriod("delay2", data.After("stim2"))
	e.AddPeriod("decision", data.After("delay2"))
	e.AddOb(1, "", "fixation")
	e.AddOb(1, "stim1", "stim1")
	e.AddOb(1, "stim2", "stim2")
	e.SetOb(0, "decision", "")
	e.SetGt(gt, "decision")
	return nil
}

// Step: see the type's doc.
func (r *intervalDiscrimination) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseIn(e, a, "decision")
}
