package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// delayMatchSampleDistractor1D is NeuroGym's DelayMatchSampleDistractor1D-v0
// (neurogym/envs/delaymatchsample.py): delayed match-to-sample with
// distractors, after Miller, Erickson and Desimone (1996). A sample angle is
// shown, then three test angles separated by delays; exactly one of them
// (test ground_truth) equals the sample, and the answer is the "match"
// action while that test is shown.
//
// Periods fixation, sample, delay1, test1, delay2, test2, delay3, test3. The
// fixation input is 1 in the fixation period only; 32 stimulus channels, at
// preferred angles 2 pi k/32, show cos(theta_k - angle) for the sample in the
// sample period and for test i in period test i. There is no noise: NeuroGym
// stores sigma/sqrt(dt) but never adds it, so the sigma keyword has no
// effect. A trial draws ground_truth (1, 2 or 3) and sample ~ U[0, 2 pi);
// then, in order, each test is the sample if it is the ground truth, else a
// fresh U[0, 2 pi) draw. The target is 1 ("match") in period test
// ground_truth and 0 elsewhere.
//
// Step rule (_step): in fixation or sample an action other than 0 costs
// rewards["abort"] (the trial goes on: abort is False); elsewhere outside
// the matching test an action other than 0 ends the trial with
// rewards["fail"]; in the matching test the action 1 ends it with
// rewards["correct"] (performance 1).
type delayMatchSampleDistractor1D struct {
	theta []float64
	stim  []float64 // scratch
}

func newDelayMatchSampleDistractor1D(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: -1}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "sample", Spec: data.Constant(500)},
		{Period: "delay1", Spec: data.Constant(1000)},
		{Period: "test1", Spec: data.Constant(500)},
		{Period: "delay2", Spec: data.Constant(1000)},
		{Period: "test2", Spec: data.Constant(500)},
		{Period: "delay3", Spec: data.Constant(1000)},
		{Period: "test3", Spec: data.Constant(500)},
	})
	k.Float("sigma", 1.0, data.NonNegative) // declared by NeuroGym, never used
	// theta = np.arange(0, 2*pi, 2*pi/32): k * (2 pi/32), 32 values
	r := &delayMatchSampleDistractor1D{theta: make([]float64, 32), stim: make([]float64, 32)}
	for i := range r.theta {
		r.theta[i] = float64(i) * (2 * math.Pi / 32)
	}
	spec := data.EnvSpec{
		ID: "DelayMatchSampleDistractor1D-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(33, data.Ch("fixation", 0), data.ChRange("stimulus", 1, 33)),
		ActSpace:      data.DiscreteSpace(2, data.Ch("fixation", 0), data.Ch("match", 1)),
		AnswerPeriods: []string{"test1", "test2", "test3"},
		Info: data.TaskInfo{
			Summary:    "delayed match-to-sample with distractors: respond when one of three successive test angles equals the sample held in memory",
			Paper:      "Miller, Erickson and Desimone (1996), Neural mechanisms of visual working memory in prefrontal cortex of the macaque",
			Link:       "https://www.jneurosci.org/content/jneuro/16/16/5154.full.pdf",
			Tags:       []string{"perceptual", "working memory", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth"},
		},
	}
	return env(k, spec, r, seed)
}

func (r *delayMatchSampleDistractor1D) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth", 1+rng.RandInt(3))
	v.SetFloat("sample", rng.Uniform(0, 2*math.Pi))
	if err := v.Update(cond); err != nil {
		return err
	}
	gt := v.Int("ground_truth")
	if x, _ := v.Get("ground_truth"); x.Kind != data.IntVar || gt < 1 || gt > 3 {
		// a float fails in NeuroGym too: period "test" + str(2.0) does not exist
		return data.BadTrialVar("ground_truth", v, "the int 1, 2 or 3 (the test that matches the sample)")
	}
	sample, _ := v.Get("sample")
	for i := 1; i <= 3; i++ {
		p := matchPeriod(i)
		if i == gt {
			v.Set(p, sample) // the same Python object, int if forced so
		} else {
			v.SetFloat(p, rng.Uniform(0, 2*math.Pi))
		}
	}

	e.AddPeriods("fixation", "sample", "delay1", "test1", "delay2", "test2", "delay3", "test3")
	e.AddOb(1, "fixation", "fixation")
	for _, p := range [4]string{"sample", "test1", "test2", "test3"} {
		angle := v.Float(p)
		for k, th := range r.theta {
			r.stim[k] = data.NumPyCos(th - angle)
		}
		e.AddObVec(r.stim, p, "stimulus")
	}
	e.SetGt(1, matchPeriod(gt))
	return nil
}

// matchPeriod is the period of test i (1, 2 or 3): "test1", "test2", "test3".
func matchPeriod(i int) string {
	return [...]string{"", "test1", "test2", "test3"}[i]
}

// Step: see the type's doc.
func (r *delayMatchSampleDistractor1D) Step(e *data.Env, a data.Action) (float64, bool) {
	switch {
	case (e.InPeriod("fixation") || e.InPeriod("sample")) && a.Index != 0:
		return e.Reward("abort"), false
	case !e.InPeriod(matchPeriod(e.Trial().Vars.Int("ground_truth"))):
		if a.Index != 0 {
			return e.Reward("fail"), true
		}
	default:
		if a.Index == 1 {
			e.SetPerformance(1)
			return e.Reward("correct"), true
		}
	}
	return 0, false
}
