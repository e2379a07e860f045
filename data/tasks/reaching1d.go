package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// reaching1D is NeuroGym's Reaching1D-v0 (neurogym/envs/reaching.py):
// reaching to a direction, after the population coding of movement
// direction of Georgopoulos et al. (1986). Periods fixation and reach; in
// the reach period the "target" ring of dim_ring units shows
// cos(theta_k - ground_truth), ground_truth a direction drawn uniformly in
// [0, 2*pi) radians. The "self" ring shows the hand direction only through
// NeuroGym's post_step, which supervised data never sees (it stays 0 here).
//
// The target (gt) is NeuroGym's, which is not an action: the angle np.pi in
// fixation and ground_truth in reach, cast into NeuroGym's integer target
// array, i.e. truncated to whole radians (3 in fixation, 0 to 6 in reach),
// while the actions are fixation 0, left 1 (hand direction + 0.05 rad) and
// right 2 (- 0.05 rad). The trials reproduce NeuroGym's bit for bit, but the
// targets are not class labels: they fail Trial.Validate and cannot train a
// cross-entropy readout (NeuroGym: "Ground truth and action have different
// space").
//
// Step rule (reachStep, Reaching1D._step): the action moves the hand
// direction (starting at pi each trial, wrapped to [0, 2*pi)); in reach each
// step earns max(rewards.correct - circular distance to gt, rewards.fail)
// and adds its normalised value (reward - fail)/(correct - fail), divided
// by the number of reach steps, to the performance. Trials never end early.
type reaching1D struct {
	reach
	target []float64 // scratch
}

func newReaching1D(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "correct", Value: 1}, {Name: "fail", Value: -0.1}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "reach", Spec: data.Constant(500)},
	})
	dimRing := k.Int("dim_ring", 16, data.Between(1, 100000))
	r := &reaching1D{reach: reach{theta: ringTheta(k, "dim_ring", dimRing)}, target: make([]float64, dimRing)}
	checkReachRewards(k, rewards)
	spec := data.EnvSpec{
		ID: "Reaching1D-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(2*dimRing, data.ChRange("self", dimRing, 2*dimRing), data.ChRange("target", 0, dimRing)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.Ch("left", 1), data.Ch("right", 2)),
		AnswerPeriods: []string{"reach"},
		Info: data.TaskInfo{
			Summary: "reaching in one dimension: move a hand direction (left/right steps) to a target direction shown on a ring",
			Paper:   "Georgopoulos et al. (1986), Neuronal population coding of movement direction",
			Link:    "https://science.sciencemag.org/content/233/4771/1416",
			Tags:    []string{"motor", "steps action space"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *reaching1D) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	v.SetFloat("ground_truth", e.Rng().Uniform(0, 2*math.Pi))
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	g := v.Float("ground_truth")

	e.AddPeriods("fixation", "reach")

	for k, th := range r.theta {
		r.target[k] = data.NumPyCos(th - g)
	}
	e.AddObVec(r.target, "reach", "target")

	e.SetGtNumber(math.Pi, "fixation")
	e.SetGtNumber(g, "reach")
	r.StartTrial(e)
	return nil
}

// reach is the stepping state and rule that Reaching1D and
// Reaching1DWithSelfDistraction share.
type reach struct {
	theta    []float64
	state    float64 // hand direction, rad (NeuroGym's self.state)
	decSteps int     // steps of the reach period (self.dec_per_dur)
}

// checkReachRewards refuses rewards.correct == rewards.fail: the
// performance divides by their difference (NumPy would give NaN).
func checkReachRewards(k *data.Kwargs, rw data.Rewards) {
	if rw.Get("correct") == rw.Get("fail") {
		k.Errorf("rewards", "correct = fail = %v: they must differ (the performance is normalised by correct - fail)", rw.Get("correct"))
	}
}

// StartTrial resets the hand direction to pi and counts the reach steps,
// as _new_trial does.
func (r *reach) StartTrial(e *data.Env) {
	r.state = math.Pi
	s, t := e.PeriodRows("reach")
	r.decSteps = t - s
}

// Step is Reaching1D._step (see reaching1D).
func (r *reach) Step(e *data.Env, a data.Action) (float64, bool) {
	switch a.Index {
	case 1:
		r.state += 0.05
	case 2:
		r.state -= 0.05
	}
	r.state = pyMod(r.state, 2*math.Pi)
	if e.InPeriod("fixation") {
		return 0, false
	}
	correct, fail := e.Reward("correct"), e.Reward("fail")
	reward := math.Max(correct-circularDist(r.state-float64(e.GtNow())), fail)
	norm := (reward - fail) / (correct - fail)
	e.AddPerformance(norm / float64(r.decSteps))
	return reward, false
}

// circularDist is tasktools.circular_dist: min(|x|, 2*pi - |x|).
func circularDist(x float64) float64 {
	return math.Min(math.Abs(x), 2*math.Pi-math.Abs(x))
}
