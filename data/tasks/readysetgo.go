package tasks

import (
	"github.com/taskrnn/taskrnn/data"
)

// readySetGo is NeuroGym's ReadySetGo-v0 (neurogym/envs/readysetgo.py): the
// ready-set-go interval reproduction of Remington et al. (2018). Periods
// fixation, ready (after fixation), measure (also after fixation, lasting
// the sampled interval), set (after measure) and production (after set,
// lasting 2*production ms, with production = measure*gain). The fixation
// input is 1 until the production period; the ready and set inputs flash
// in their periods. The target is go (action 1) at the single row
// int(production/dt) of the production period and fixation elsewhere.
//
// Step rule (ReadySetGo._step): a non-zero action in fixation costs
// rewards.abort; a go in the production period ends the trial and is
// scored by timedResponse with tProd = t - end of measure. tProd thus
// includes the set period: a go at the target row is off by
// |set - production mod dt| ms and earns less than rewards.correct (with
// performance 1), or a fail when that exceeds eps_threshold (with the
// default set of 80 ms and gain 1: production below 275 ms).
//
// The trial dict holds measure (the sampled interval), gain and production;
// forcing measure changes only the dict (NeuroGym computes the periods
// from the sampled value), forcing gain changes production. measure is a
// Python int when the measure timing and dt are integers, production when
// measure and gain are.
//
// Where NeuroGym fails: a gain whose shortest production is below dt/2 (an
// IndexError on some trials) is refused at construction; a target array
// whose length int(2*production/dt) differs from the production period's
// rows (a ValueError, common with a non-integer dt or gain) makes NewTrial
// return an error on the trial where NeuroGym fails (see setTimedTarget).
type readySetGo struct {
	gain       float64
	gainInt    bool
	measureInt bool // sample_time('measure') returns an int
	prodMargin float64
	gt         []int // scratch target of the production period
}

func newReadySetGo(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt, dtInt := k.Number("dt", 80, true, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(100)},
		{Period: "ready", Spec: data.Constant(83)},
		{Period: "measure", Spec: data.UniformTiming(800, 1500)}, // lambda: self.rng.uniform(800, 1500)
		{Period: "set", Spec: data.Constant(83)},
	})
	gain, gainInt := k.Number("gain", 1, true, data.Positive)
	prodMargin := k.Float("prod_margin", 0.2, data.NonNegative)
	r := &readySetGo{
		gain: gain, gainInt: gainInt, prodMargin: prodMargin,
		measureInt: dtInt && k.TimingInt("measure", false),
	}
	if m, ok := timing.Get("measure"); ok && m.Validate() == nil && gain > 0 && dt > 0 {
		// the shortest measure gives the shortest production
		if p := data.Constant(m.Min()).Sample(nil, dt) * gain; int(p/dt) >= int(2*p/dt) {
			k.Errorf("gain", "%v: the shortest measure, %v ms at dt = %v ms, gives production = %v ms, less than dt/2, and NeuroGym's target row int(production/dt) would lie outside the production period; raise gain or timing.measure or lower dt",
				gain, data.Constant(m.Min()).Sample(nil, dt), dt, p)
		}
	}
	spec := data.EnvSpec{
		ID: "ReadySetGo-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:  data.BoxSpace(3, data.Ch("fixation", 0), data.Ch("ready", 1), data.Ch("set", 2)),
		ActSpace: data.DiscreteSpace(2, data.Ch("fixation", 0), data.Ch("go", 1)),
		// production's duration is computed (2*measure*gain), checked above
		AnswerPeriods: []string{"production"},
		Info: data.TaskInfo{
			Summary: "ready-set-go: measure the interval between the ready and set cues and respond that interval (times gain) after set",
			Paper:   "Remington et al. (2018), Flexible Sensorimotor Computations through Rapid Reconfiguration of Cortical Dynamics",
			Link:    "https://www.sciencedirect.com/science/article/pii/S0896627318304185",
			Tags:    []string{"timing", "go-no-go", "supervised"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *readySetGo) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	measure := e.SampleTime("measure")
	setNumber(v, "measure", measure, r.measureInt)
	setNumber(v, "gain", r.gain, r.gainInt)
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}
	gain, _ := v.Get("gain")
	production := measure * gain.Num
	setNumber(v, "production", production, r.measureInt && gain.Kind == data.IntVar)
	if !(gain.Num > 0) {
		return data.BadTrialVar("gain", v, "a number > 0")
	}

	e.AddPeriods("fixation", "ready")
	e.AddPeriod("measure", data.Duration(measure), data.After("fixation"))
	e.AddPeriod("set", data.After("measure"))
	e.AddPeriod("production", data.Duration(2*production), data.After("set"))

	e.AddOb(1, "", "fixation")
	e.SetOb(0, "production", "fixation")
	e.AddOb(1, "ready", "ready")
	e.AddOb(1, "set", "set")

	setTimedTarget(e, production, &r.gt)
	return nil
}

// setNumber sets name to x as a Python int (isInt) or float.
func setNumber(v *data.Vars, name string, x float64, isInt bool) {
	if isInt {
		v.SetInt(name, int(x))
	} else {
		v.SetFloat(name, x)
	}
}

// Step is ReadySetGo._step (see readySetGo).
func (r *readySetGo) Step(e *data.Env, a data.Action) (float64, bool) {
	reward, newTrial := 0.0, false
	if e.InPeriod("fixation") && a.Index != 0 {
		reward = e.Reward("abort")
	}
	if e.InPeriod("production") && a.Index == 1 {
		reward = timedResponse(e, e.T()-e.EndT("measure"), e.Trial().Vars.Float("production"), r.prodMargin)
		newTrial = true
	}
	return reward, newTrial
}
