package tasks

import (
	"github.com/taskrnn/taskrnn/data"
)

// goNogo is NeuroGym's GoNogo-v0 (neurogym/envs/gonogo.py): a go/no-go task
// with a delay, as in the working-memory task of Zhang et al. (2019).
// Periods fixation (0 ms by default), stimulus, delay, decision; the
// fixation input is 1 until the decision; during the stimulus the "nogo"
// (ground_truth 0) or "go" (ground_truth 1) input is 1; the decision period
// shows nothing. The answer in the decision period is go (action 1) on go
// trials and fixation (action 0) on no-go trials.
//
// Step rule (GoNogo._step): a non-zero action in the fixation period costs
// rewards.abort; in the decision period a go ends the trial, with
// rewards.correct and performance 1 on a go trial and rewards.fail and
// performance 0 on a no-go trial. A trial that runs out ends with r_tmax =
// rewards.miss * ground_truth (a missed go). Performance starts at
// 1 - ground_truth, so a no-go trial passed without a go scores 1 and a go
// trial without a response 0. NeuroGym's _new_trial sets it so, but its
// TrialEnv.step resets performance to 0 right after drawing the next trial,
// which scores every correctly withheld no-go trial 0 except the first one
// after reset(); taskrnn keeps _new_trial's value, as Replay and the
// accuracy of no-go trials need.
type goNogo struct{}

func newGoNogo(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: -0.5}, {Name: "miss", Value: -0.5}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(0)},
		{Period: "stimulus", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.Constant(500)},
		{Period: "decision", Spec: data.Constant(500)},
	})
	spec := data.EnvSpec{
		ID: "GoNogo-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(3, data.Ch("fixation", 0), data.Ch("nogo", 1), data.Ch("go", 2)),
		ActSpace:      data.DiscreteSpace(2, data.Ch("fixation", 0), data.Ch("go", 1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "go/no-go with a delay: after a delay, respond (go) if the stimulus was the go cue and keep fixating if it was the no-go cue",
			Paper:      "Zhang et al. (2019), Active information maintenance in working memory by a sensory cortex",
			Link:       "https://elifesciences.org/articles/43191",
			Tags:       []string{"delayed response", "go-no-go", "supervised"},
			Conditions: []string{"ground_truth"},
		},
	}
	return env(k, spec, goNogo{}, seed)
}

func (r goNogo) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	v.SetInt("ground_truth", e.Rng().RandInt(2))
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	g := v.Int("ground_truth")
	if g != 0 && g != 1 {
		return data.BadTrialVar("ground_truth", v, "0 (no-go) or 1 (go)")
	}

	e.AddPeriods("fixation", "stimulus", "delay", "decision")

	e.AddOb(1, "", "fixation")
	e.AddOb(1, "stimulus", []string{"nogo", "go"}[g])
	e.SetOb(0, "decision", "")
	r.StartTrial(e)
	e.SetGt(g, "decision")
	return nil
}

// StartTrial sets what GoNogo._new_trial sets for stepping: r_tmax =
// rewards.miss * ground_truth and performance = 1 - ground_truth.
func (goNogo) StartTrial(e *data.Env) {
	g := float64(e.Trial().Vars.Int("ground_truth"))
	e.SetRTmax(e.Reward("miss") * g)
	e.SetPerformance(1 - g)
}

// Step is GoNogo._step (see goNogo).
func (goNogo) Step(e *data.Env, a data.Action) (float64, bool) {
	switch {
	case e.InPeriod("fixation"):
		if a.Index != 0 {
			return e.Reward("abort"), false
		}
	case e.InPeriod("decision"):
		if a.Index != 0 {
			if e.GtNow() != 0 {
				e.SetPerformance(1)
				return e.Reward("correct"), true
			}
			e.SetPerformance(0)
			return e.Reward("fail"), true
		}
	}
	return 0, false
}
