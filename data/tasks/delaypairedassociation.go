package tasks

import (
	"github.com/taskrnn/taskrnn/data"
)

// delayPairedAssociation is NeuroGym's DelayPairedAssociation-v0
// (neurogym/envs/delaypairedassociation.py): delayed paired association, the
// olfactory go/no-go task of Zhang et al. (2019). Two stimuli are shown one
// after the other with a delay between; for half of the pairs the answer is
// Go.
//
// Periods fixation (0 ms by default), stim1, delay_btw_stim, stim2,
// delay_aft_stim, decision. The fixation input is 1 until the decision
// (where every input is 0); stimulus channel pair[0] (an observation column,
// 1 to 4) is 1 in stim1 and channel pair[1] in stim2; there is no noise
// (NeuroGym stores sigma/sqrt(dt) but never adds it, so the sigma keyword has
// no effect). A trial draws pair from (1, 3), (1, 4), (2, 3), (2, 4);
// ground_truth is 1 (Go) when pair[1] - pair[0] is even and 0 (No-Go)
// otherwise, and is the target in the decision period.
//
// Step rule (_step): in fixation an action other than 0 costs
// rewards["abort"] (the trial goes on: abort is False); in decision an
// action other than 0 ends the trial, rewarded "correct" (performance 1) if
// it is the target (Go) and "fail" (performance 0) otherwise. A trial that
// runs out (no response) adds r_tmax = rewards["miss"] * ground_truth, and
// its performance is 1 - ground_truth as _new_trial sets it: withholding is
// correct on a No-Go trial. (In NeuroGym's own step loop TrialEnv.step
// resets performance to 0 just after drawing the next trial, so there a
// withheld No-Go trial reports 0 except the first one after reset or after
// a direct new_trial call; Replay and Step score it 1, the task's intent.)
type delayPairedAssociation struct{}

// dpaPairs are NeuroGym's self.pairs.
func dpaPairs() [4][2]int { return [4][2]int{{1, 3}, {1, 4}, {2, 3}, {2, 4}} }

func newDelayPairedAssociation(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: -1}, {Name: "miss", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(0)},
		{Period: "stim1", Spec: data.Constant(1000)},
		{Period: "delay_btw_stim", Spec: data.Constant(1000)},
		{Period: "stim2", Spec: data.Constant(1000)},
		{Period: "delay_aft_stim", Spec: data.Constant(1000)},
		{Period: "decision", Spec: data.Constant(500)},
	})
	k.Float("sigma", 1.0, data.NonNegative) // declared by NeuroGym, never used
	spec := data.EnvSpec{
		ID: "DelayPairedAssociation-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(5, data.Ch("fixation", 0), data.ChRange("stimulus", 1, 5)),
		ActSpace:      data.DiscreteSpace(2, data.Ch("fixation", 0), data.Ch("go", 1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "delayed paired association: respond Go after the rewarded pairs of two stimuli separated by a delay, withhold after the others",
			Paper:      "Zhang et al. (2019), Active information maintenance in working memory by a sensory cortex",
			Link:       "https://elifesciences.org/articles/43191",
			Tags:       []string{"perceptual", "working memory", "go-no-go", "supervised"},
			Conditions: []string{"pair", "ground_truth"},
		},
	}
	return env(k, spec, delayPairedAssociation{}, seed)
}

func (r delayPairedAssociation) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	p := dpaPairs()[e.Rng().RandInt(4)]
	v.SetInts("pair", p[:])
	gt := 0
	if (p[1]-p[0])%2 == 0 { // np.diff(pair)[0] % 2 == association (0)
		gt = 1
	}
	v.SetInt("ground_truth", gt)
	if err := v.Update(cond); err != nil {
		return err
	}
	pair, _ := v.Get("pair")
	if pair.Kind != data.IntsVar || len(pair.List) != 2 || !(pair.List[0] >= 1 && pair.List[0] <= 4 && pair.List[1] >= 1 && pair.List[1] <= 4) {
		return data.BadTrialVar("pair", v, "two stimulus channels in [1, 4]")
	}
	if gt = v.Int("ground_truth"); !forcedIn(v, "ground_truth", 0, 1) {
		return data.BadTrialVar("ground_truth", v, "0 (No-Go) or 1 (Go)")
	}

	e.AddPeriods("fixation", "stim1", "delay_btw_stim", "stim2", "delay_aft_stim", "decision")
	e.AddOb(1, "", "fixation")
	for i, period := range [2]string{"stim1", "stim2"} {
		ob, c := e.ViewOb(period), int(pair.List[i])
		for t := 0; t < ob.Rows; t++ {
			*ob.At(t, c) += 1
		}
	}
	e.SetOb(0, "decision", "")
	e.SetGt(gt, "decision")
	r.StartTrial(e)
	return nil
}

// StartTrial sets what _new_trial leaves for stepping: r_tmax =
// rewards["miss"] * ground_truth and performance = 1 - ground_truth.
func (r delayPairedAssociation) StartTrial(e *data.Env) {
	gt := float64(e.Trial().Vars.Int("ground_truth"))
	e.SetRTmax(e.Reward("miss") * gt)
	e.SetPerformance(1 - gt)
}

// Step: see the type's doc.
func (r delayPairedAssociation) Step(e *data.Env, a data.Action) (float64, bool) {
	switch {
	case e.InPeriod("fixation"):
		if a.Index != 0 {
			return e.Reward("abort"), false
		}
	case e.InPeriod("decision"):
		if a.Index != 0 {
			if a.Index == e.GtNow() {
				e.SetPerformance(1)
				return e.Reward("correct"), true
			}
			e.SetPerformance(0)
			return e.Reward("fail"), true
		}
	}
	return 0, false
}
