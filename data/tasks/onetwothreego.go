package tasks

import (
	"github.com/taskrnn/taskrnn/data"
)

// oneTwoThreeGo is NeuroGym's OneTwoThreeGo-v0 (neurogym/envs/readysetgo.py):
// reproduce an interval shown twice, after Egger et al. (2019). Periods
// fixation, target, s1, interval1, s2, interval2, s3, interval3, response,
// back to back; the three intervals all last the sampled interval (their own
// timing entries interval2 and interval3 are accepted but unused, as in
// NeuroGym). The fixation input is 1 throughout, the stimulus input flashes
// in s1, s2 and s3, the target input is 1 after the fixation period. The
// target is go (action 1) in the response period.
//
// Step rule (OneTwoThreeGo._step): in interval3 or response a go ends the
// trial and is scored by timedResponse with tProd = t - end of s3 against
// the trial's interval (a go at the first response row is exact:
// performance 1, reward rewards.correct); elsewhere any non-zero action
// costs rewards.abort. The fixation and target durations are NeuroGym's
// TruncExp objects, drawn from streams of their own.
//
// The trial dict holds interval, a Python int when the interval1 timing and
// dt are integers; forcing it changes the scoring, not the periods.
type oneTwoThreeGo struct {
	intervalInt bool
	prodMargin  float64
}

func newOneTwoThreeGo(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt, dtInt := k.Number("dt", 80, true, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{400, 100, 800}}},
		{Period: "target", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{1000, 500, 1500}}},
		{Period: "s1", Spec: data.Constant(100)},
		{Period: "interval1", Spec: data.TimingSpec{Kind: data.TimingList, Values: []float64{600, 700, 800, 900, 1000}}},
		{Period: "s2", Spec: data.Constant(100)},
		{Period: "interval2", Spec: data.Constant(0)},
		{Period: "s3", Spec: data.Constant(100)},
		{Period: "interval3", Spec: data.Constant(0)},
		{Period: "response", Spec: data.Constant(1000)},
	})
	r := &oneTwoThreeGo{
		intervalInt: dtInt && k.TimingInt("interval1", true),
		prodMargin:  k.Float("prod_margin", 0.2, data.NonNegative),
	}
	spec := data.EnvSpec{
		ID: "OneTwoThreeGo-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(3, data.Ch("fixation", 0), data.Ch("stimulus", 1), data.Ch("target", 2)),
		ActSpace:      data.DiscreteSpace(2, data.Ch("fixation", 0), data.Ch("go", 1)),
		AnswerPeriods: []string{"response"},
		Info: data.TaskInfo{
			Summary:    "1-2-3-go: after three flashes separated by the same interval, respond one more interval after the third",
			Paper:      "Egger et al. (2019), Internal models of sensorimotor integration regulate cortical dynamics",
			Link:       "https://www.nature.com/articles/s41593-019-0500-6",
			Tags:       []string{"timing", "go-no-go", "supervised"},
			Conditions: []string{"interval"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *oneTwoThreeGo) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	interval := e.SampleTime("interval1")
	setNumber(v, "interval", interval, r.intervalInt)
	if err := v.Update(cond); err != nil {
		return err
	}
	if err := finiteVars(v); err != nil {
		return err
	}

	e.AddPeriods("fixation", "target", "s1")
	e.AddPeriod("interval1", data.Duration(interval), data.After("s1"))
	e.AddPeriod("s2", data.After("interval1"))
	e.AddPeriod("interval2", data.Duration(interval), data.After("s2"))
	e.AddPeriod("s3", data.After("interval2"))
	e.AddPeriod("interval3", data.Duration(interval), data.After("s3"))
	e.AddPeriod("response", data.After("interval3"))

	e.AddOb(1, "", "fixation")
	for _, p := range []string{"s1", "s2", "s3"} {
		e.AddOb(1, p, "stimulus")
	}
	e.AddOb(1, "", "target")
	e.SetOb(0, "fixation", "target")

	e.SetGt(1, "response")
	return nil
}

// Step is OneTwoThreeGo._step (see oneTwoThreeGo).
func (r *oneTwoThreeGo) Step(e *data.Env, a data.Action) (float64, bool) {
	if e.InPeriod("interval3") || e.InPeriod("response") {
		if a.Index == 1 {
			return timedResponse(e, e.T()-e.EndT("s3"), e.Trial().Vars.Float("interval"), r.prodMargin), true
		}
		return 0, false
	}
	if a.Index != 0 {
		return e.Reward("abort"), false
	}
	return 0, false
}
