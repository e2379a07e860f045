package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// delayMatchSample is NeuroGym's DelayMatchSample-v0
// (neurogym/envs/delaymatchsample.py): delayed match-to-sample, after Miller,
// Erickson and Desimone (1996). A sample direction is shown, then after a
// delay a test direction; the answer, given after the test, is whether the
// two are the same.
//
// Periods fixation, sample, delay, test, decision. The fixation input is 1
// until the decision (the go cue); the dim_ring stimulus channels, at
// preferred angles theta_k = 2 pi k/dim_ring, show cos(theta_k - angle)/2 +
// 1/2 for sample_theta in the sample period and test_theta in the test
// period, both plus N(0, sigma/sqrt(dt)) noise. A trial draws ground_truth (1
// match, 2 non-match) and sample_theta (one of the theta_k); test_theta is
// sample_theta for a match and (sample_theta + pi) mod 2 pi otherwise. The
// target in the decision period is ground_truth (the action "match" or
// "non-match").
//
// Step rule (_step): in fixation any action other than 0 costs
// rewards["abort"] (the trial goes on: abort is False); in decision any
// choice ends the trial, rewarded "correct" (performance 1) or "fail".
type delayMatchSample struct {
	theta []float64
	sigma float64   // sigma / sqrt(dt)
	stim  []float64 // scratch
}

func newDelayMatchSample(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "sample", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.Constant(1000)},
		{Period: "test", Spec: data.Constant(500)},
		{Period: "decision", Spec: data.Constant(900)},
	})
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	dimRing := k.Int("dim_ring", 2, data.AtLeast(1))
	r := &delayMatchSample{sigma: sigma / math.Sqrt(dt), theta: linspaceRing(dimRing), stim: make([]float64, dimRing)}
	spec := data.EnvSpec{
		ID: "DelayMatchSample-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("stimulus", 1, dimRing+1)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.Ch("match", 1), data.Ch("non-match", 2)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "delayed match-to-sample: report whether a test direction equals a sample direction held over a delay",
			Paper:      "Miller, Erickson and Desimone (1996), Neural mechanisms of visual working memory in prefrontal cortex of the macaque",
			Link:       "https://www.jneurosci.org/content/jneuro/16/16/5154.full.pdf",
			Tags:       []string{"perceptual", "working memory", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth", "sample_theta"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *delayMatchSample) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth", 1+rng.RandInt(2))
	v.SetFloat("sample_theta", r.theta[rng.RandInt(len(r.theta))])
	if err := v.Update(cond); err != nil {
		return err
	}
	gt := v.Int("ground_truth")
	if !forcedIn(v, "ground_truth", 1, 2) {
		return data.BadTrialVar("ground_truth", v, "1 (match) or 2 (non-match)")
	}
	sample, _ := v.Get("sample_theta")
	if gt == 1 {
		v.Set("test_theta", sample) // the same Python object, int if forced so
	} else {
		v.SetFloat("test_theta", pyMod(sample.Num+math.Pi, 2*math.Pi))
	}
	test := v.Float("test_theta")

	e.AddPeriods("fixation", "sample", "delay", "test", "decision")
	e.AddOb(1, "", "fixation")
	e.SetOb(0, "decision", "fixation")
	ringBump(r.stim, r.theta, sample.Num)
	e.AddObVec(r.stim, "sample", "stimulus")
	ringBump(r.stim, r.theta, test)
	e.AddObVec(r.stim, "test", "stimulus")
	e.AddRandn(0, r.sigma, "sample", "stimulus")
	e.AddRandn(0, r.sigma, "test", "stimulus")
	e.SetGt(gt, "decision")
	return nil
}

// Step: see the type's doc.
func (r *delayMatchSample) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseIn(e, a, "decision")
}
