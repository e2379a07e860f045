package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// reaching1DWithSelfDistraction is NeuroGym's
// Reaching1DWithSelfDistraction-v0 (neurogym/envs/reaching.py): Reaching1D
// with a weak target input and a strong input from the agent's own hand
// direction, inspired by electric fish whose sensing is distracted by their
// own electric organ discharges (no paper). Periods fixation and reach; in
// reach all 32 inputs show 0.3*cos(theta_k - ground_truth). The distracting
// input cos(theta_k - hand direction) is added by NeuroGym's post_step,
// which supervised data never sees (it is absent here). Targets and step
// rule are Reaching1D's (see reaching1D: the target is NeuroGym's truncated
// angle, not an action).
type reaching1DWithSelfDistraction struct {
	reach
	target []float64 // scratch
}

func newReaching1DWithSelfDistraction(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "correct", Value: 1}, {Name: "fail", Value: -0.1}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "reach", Spec: data.Constant(500)},
	})
	checkReachRewards(k, rewards)
	const dim = 32
	r := &reaching1DWithSelfDistraction{reach: reach{theta: ringTheta(k, "observation size", dim)}, target: make([]float64, dim)}
	spec := data.EnvSpec{
		ID: "Reaching1DWithSelfDistraction-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(dim),
		ActSpace:      data.DiscreteSpace(3),
		AnswerPeriods: []string{"reach"},
		Info: data.TaskInfo{
			Summary: "reaching in one dimension to a weak target input, while the hand direction itself gives a stronger input (outside supervised data)",
			Tags:    []string{"motor", "steps action space"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *reaching1DWithSelfDistraction) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	v.SetFloat("ground_truth", e.Rng().Uniform(0, 2*math.Pi))
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	g := v.Float("ground_truth")

	e.AddPeriod("fixation")
	e.AddPeriod("reach", data.After("fixation"))

	for k, th := range r.theta {
		r.target[k] = float64(data.NumPyCos(th-g) * 0.3) // signal weaker than the self-distraction
	}
	e.AddObVec(r.target, "reach", "")

	e.SetGtNumber(math.Pi, "fixation")
	e.SetGtNumber(g, "reach")
	r.StartTrial(e)
	return nil
}
