package tasks

import (
	"github.com/taskrnn/taskrnn/data"
)

// motorTiming is NeuroGym's MotorTiming-v0 (neurogym/envs/readysetgo.py):
// interval production after a cue, after Wang et al. (2018). Periods
// fixation, cue, set and production (after set, lasting twice the interval).
// Observation (4 unnamed inputs): input 0 is 1 in fixation, cue and set;
// input 1 + production_ind (which of the intervals 800 and 1500 ms to
// produce) is 1 in cue and set; input 3 is 1 in set. The target is go
// (action 1) at the single row int(production/dt) of the production period
// and fixation elsewhere.
//
// Step rule (MotorTiming._step): a non-zero action in fixation costs
// rewards.abort; a go in the production period ends the trial and is
// scored by timedResponse with tProd = t - end of set, so a go at the target
// row is off by production mod dt (performance 1 for dt up to 185 ms).
// NeuroGym's "different effectors" are not implemented (a TODO upstream).
//
// Where NeuroGym fails: dt above 1600 ms (the target row lies outside the
// target) is refused at construction; with a dt that does not divide the
// durations, a target array whose length differs from the production
// period's rows makes NewTrial return an error on the trial where NeuroGym
// fails (see setTimedTarget).
type motorTiming struct {
	intervals  [2]int // ms, self.intervals (not a keyword)
	prodMargin float64
	gt         []int // scratch target of the production period
}

func newMotorTiming(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 80, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "cue", Spec: data.UniformTiming(1000, 3000)}, // lambda: self.rng.uniform(1000, 3000)
		{Period: "set", Spec: data.Constant(50)},
	})
	r := &motorTiming{intervals: [2]int{800, 1500}, prodMargin: k.Float("prod_margin", 0.2, data.NonNegative)}
	for _, p := range r.intervals {
		if pf := float64(p); dt > 0 && int(pf/dt) >= int(2*pf/dt) {
			k.Errorf("dt", "%v: the interval %d ms is shorter than dt/2, so NeuroGym's target row int(production/dt) would lie outside the production period; dt must be at most %d ms", dt, p, 2*r.intervals[0])
			break
		}
	}
	spec := data.EnvSpec{
		ID: "MotorTiming-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:  data.BoxSpace(4),
		ActSpace: data.DiscreteSpace(2),
		// production's duration is computed (twice the interval); dt is checked above
		AnswerPeriods: []string{"production"},
		Info: data.TaskInfo{
			Summary:    "motor timing: after a cue saying which of two intervals (800 or 1500 ms) to produce, respond that long after the set cue",
			Paper:      "Wang et al. (2018), Flexible timing by temporal scaling of cortical responses",
			Link:       "https://www.nature.com/articles/s41593-017-0028-6",
			Tags:       []string{"timing", "go-no-go", "supervised"},
			Conditions: []string{"production_ind"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *motorTiming) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	v.SetInt("production_ind", e.Rng().RandInt(len(r.intervals)))
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	ind := v.Int("production_ind")
	if ind < 0 || ind >= len(r.intervals) {
		return data.BadTrialVar("production_ind", v, "0 (800 ms) or 1 (1500 ms)")
	}
	production := r.intervals[ind]
	v.SetInt("production", production)

	e.AddPeriods("fixation", "cue", "set")
	e.AddPeriod("production", data.Duration(2*float64(production)), data.After("set"))

	e.SetObVec([]float64{1, 0, 0, 0}, "fixation", "")
	ob := e.ViewOb("cue")
	for t := 0; t < ob.Rows; t++ {
		*ob.At(t, 0) = 1
		*ob.At(t, ind+1) = 1
	}
	ob = e.ViewOb("set")
	for t := 0; t < ob.Rows; t++ {
		*ob.At(t, 0) = 1
		*ob.At(t, ind+1) = 1
		*ob.At(t, 3) = 1
	}

	setTimedTarget(e, float64(production), &r.gt)
	return nil
}

// Step is MotorTiming._step (see motorTiming).
func (r *motorTiming) Step(e *data.Env, a data.Action) (float64, bool) {
	reward, newTrial := 0.0, false
	if e.InPeriod("fixation") && a.Index != 0 {
		reward = e.Reward("abort")
	}
	if e.InPeriod("production") && a.Index == 1 {
		reward = timedResponse(e, e.T()-e.EndT("set"), e.Trial().Vars.Float("production"), r.prodMargin)
		newTrial = true
	}
	return reward, newTrial
}
