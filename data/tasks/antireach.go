package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// antiReach is NeuroGym's AntiReach-v0 (neurogym/envs/antireach.py): the
// anti-saccade (anti-reach) task of Munoz & Everling (2004). Periods
// fixation, stimulus, delay, decision; the fixation input is 1 until the
// decision; during the stimulus a ring of dim_ring units shows
// cos(theta_k - theta_s), a bump at the stimulus direction theta_s, which
// is opposite the target direction theta_g (theta_g + pi) when anti is true
// and the target itself otherwise. The answer is the target direction g in
// the decision period (action g+1). Step rule: fixateThenChoose (breaking
// fixation costs rewards.abort without ending the trial; any choice in the
// decision ends it, correct with performance 1).
type antiReach struct {
	anti  bool
	theta []float64
	stim  []float64 // scratch
}

func newAntiReach(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	anti := k.Bool("anti", true)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "stimulus", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.Constant(0)},
		{Period: "decision", Spec: data.Constant(500)},
	})
	dimRing := k.Int("dim_ring", 32, data.Between(1, 100000))
	r := &antiReach{anti: anti, theta: ringTheta(k, "dim_ring", dimRing), stim: make([]float64, dimRing)}
	spec := data.EnvSpec{
		ID: "AntiReach-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("stimulus", 1, dimRing+1)),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "anti-reach (anti-saccade): after a delay, respond in the direction opposite a stimulus on a ring (towards it if anti is false)",
			Paper:      "Munoz & Everling (2004), Look away: the anti-saccade task and the voluntary control of eye movement",
			Link:       "https://www.nature.com/articles/nrn1345",
			Tags:       []string{"perceptual", "steps action space"},
			Conditions: []string{"ground_truth"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *antiReach) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	v.SetInt("ground_truth", e.Rng().RandInt(len(r.theta)))
	v.SetBool("anti", r.anti)
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	g := v.Int("ground_truth")
	if g < 0 || g >= len(r.theta) {
		return data.BadTrialVar("ground_truth", v, "a direction in [0, %d)", len(r.theta))
	}
	stimTheta := r.theta[g]
	if v.Bool("anti") {
		stimTheta = pyMod(r.theta[g]+math.Pi, 2*math.Pi)
	}

	e.AddPeriods("fixation", "stimulus", "delay", "decision")

	for _, p := range []string{"fixation", "stimulus", "delay"} {
		e.AddOb(1, p, "fixation")
	}
	for k, th := range r.theta {
		r.stim[k] = data.NumPyCos(th - stimTheta)
	}
	e.AddObVec(r.stim, "stimulus", "stimulus")

	e.SetGtWhere(g, "decision", "choice")
	return nil
}

// Step is fixateThenChoose without abort, as AntiReach._step.
func (r *antiReach) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChoose(e, a, false)
}
