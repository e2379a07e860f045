package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// reachingDelayResponse is NeuroGym's ReachingDelayResponse-v0
// (neurogym/envs/reachingdelayresponse.py): report a continuous stimulus
// value after a delay, with a Box (continuous) action space (no paper).
// Periods stimulus, delay, decision. Observation: the "stimulus" input
// shows ground_truth, drawn uniformly in [lowbound, highbound), during the
// stimulus; in delay and decision the inputs are set to (go, stimulus) =
// (0, -0.5) and (1, -0.5). The target is the vector (-1, -0.5) in stimulus
// and delay and (1, ground_truth) in decision (float32).
//
// Step rule (ReachingDelayResponse._step), on an action vector a of 2
// values: in the stimulus period a[0] >= 0 (not fixating) costs
// rewards.abort; in the decision period a[0] > 0 ends the trial with
// reward rewards.correct / (1 + |a[1] - gt[1]|)^2 and performance
// reward/rewards.correct. A trial that runs out ends with r_tmax =
// rewards.miss. A vector of another length counts as NaN values (never a
// response; NeuroGym would fail with an IndexError).
type reachingDelayResponse struct {
	lowbound, highbound float64
}

func newReachingDelayResponse(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: math.Copysign(0, -1)}, {Name: "miss", Value: -0.5}})
	timing := k.Timing(data.Timing{
		{Period: "stimulus", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.TimingSpec{Kind: data.TimingList, Values: []float64{0, 1000, 2000}}},
		{Period: "decision", Spec: data.Constant(500)},
	})
	r := &reachingDelayResponse{
		lowbound:  k.Float("lowbound", 0, data.Finite),
		highbound: k.Float("highbound", 1, data.Finite),
	}
	if d := r.highbound - r.lowbound; math.IsInf(d, 0) {
		k.Errorf("highbound", "%v - lowbound %v overflows: rng.uniform needs a finite range", r.highbound, r.lowbound)
	}
	if rewards.Get("correct") == 0 {
		k.Errorf("rewards", "correct = 0: must be non-zero (the performance is reward/correct)")
	}
	obs := data.BoxSpace(2, data.Ch("go", 0), data.Ch("stimulus", 1))
	obs.Low, obs.High = []float64{0, -2}, []float64{1, 2}
	act := data.BoxSpace(2)
	act.Low, act.High = []float64{-1, -1}, []float64{1, 2}
	spec := data.EnvSpec{
		ID: "ReachingDelayResponse-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace: obs, ActSpace: act,
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary: "delayed reaching with continuous outputs: after a delay, output go and the stimulus value shown before it",
			Tags:    []string{"perceptual", "delayed response", "continuous action space", "multidimensional action space", "supervised"},
		},
	}
	t, err := env(k, spec, r, seed)
	if err != nil {
		return nil, err
	}
	t.(*data.Env).SetRTmax(rewards.Get("miss")) // self.r_tmax, set in __init__
	return t, nil
}

func (r *reachingDelayResponse) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	v.SetFloat("ground_truth", e.Rng().Uniform(r.lowbound, r.highbound))
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	g := v.Float("ground_truth")

	e.AddPeriods("stimulus", "delay", "decision")

	e.AddOb(g, "stimulus", "stimulus")
	e.SetObVec([]float64{0, -0.5}, "delay", "")
	e.SetObVec([]float64{1, -0.5}, "decision", "")

	e.SetGtVec([]float64{-1, -0.5}, "stimulus")
	e.SetGtVec([]float64{-1, -0.5}, "delay")
	e.SetGtVec([]float64{1, g}, "decision")
	return nil
}

// Step is ReachingDelayResponse._step (see reachingDelayResponse).
func (r *reachingDelayResponse) Step(e *data.Env, a data.Action) (float64, bool) {
	a0, a1 := math.NaN(), math.NaN()
	if len(a.Vec) == 2 {
		a0, a1 = a.Vec[0], a.Vec[1]
	}
	switch {
	case e.InPeriod("stimulus"):
		if !(a0 < 0) {
			return e.Reward("abort"), false
		}
	case e.InPeriod("decision"):
		if a0 > 0 {
			d := 1 + math.Abs(a1-float64(e.GtNowVec()[1]))
			reward := e.Reward("correct") / (d * d)
			e.SetPerformance(reward / e.Reward("correct"))
			return reward, true
		}
	}
	return 0, false
}
