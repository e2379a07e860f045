package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// dualDelayMatchSample is NeuroGym's DualDelayMatchSample-v0
// (neurogym/envs/dualdelaymatchsample.py): two-item delayed match-to-sample
// with retro-cues, after Rose et al. (2016). Two samples are shown together;
// later a cue says which one is tested first, a test follows and the answer
// is whether it matches the cued sample; then the other sample is cued and
// tested.
//
// Periods fixation, sample, delay1, cue1, test1, delay2, cue2, test2. The
// fixation input is 1 throughout. Sample i (0 or 0.5, an angle in units of
// pi) is shown as (cos, sin)(sample_i * pi) on channels stimulus_i in the
// sample period; test i (sample_i for a match, 0.5 - sample_i otherwise) on
// stimulus_i in its test period. With test_order 0 item 1 is cued (input
// cue1) and tested in cue1/test1 and item 2 in cue2/test2; with test_order 1
// the order is swapped (the cue2 input and item 2's test come first). N(0,
// sigma/sqrt(dt)) noise is added to every input in sample, test1 and test2.
// A trial draws ground_truth1 and ground_truth2 (1 match, 2 non-match),
// sample1 and sample2 (0.0 or 0.5) and test_order (0 or 1); the target in
// each test period is the ground truth of the item tested there.
//
// Step rule (_step): in test1 an action other than 0 gets rewards["correct"]
// (and performance 1) if it is the target, else "fail", and the trial goes
// on; in test2 an action other than 0 ends the trial with the same rewards;
// elsewhere an action other than 0 costs "abort" (the trial goes on: abort
// is False). As in NeuroGym, performance is never set back to 0: it is 1 if
// either test was answered correctly at some step.
type dualDelayMatchSample struct {
	sigma float64    // sigma / sqrt(dt)
	vec   [2]float64 // scratch
}

func newDualDelayMatchSample(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "sample", Spec: data.Constant(500)},
		{Period: "delay1", Spec: data.Constant(500)},
		{Period: "cue1", Spec: data.Constant(500)},
		{Period: "test1", Spec: data.Constant(500)},
		{Period: "delay2", Spec: data.Constant(500)},
		{Period: "cue2", Spec: data.Constant(500)},
		{Period: "test2", Spec: data.Constant(500)},
	})
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	spec := data.EnvSpec{
		ID: "DualDelayMatchSample-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace: data.BoxSpace(7, data.Ch("fixation", 0), data.ChRange("stimulus1", 1, 3),
			data.ChRange("stimulus2", 3, 5), data.Ch("cue1", 5), data.Ch("cue2", 6)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.Ch("match", 1), data.Ch("non-match", 2)),
		AnswerPeriods: []string{"test1", "test2"},
		Info: data.TaskInfo{
			Summary:    "two-item delayed match-to-sample with retro-cues: hold two samples, then judge the cued one against a test, then the other",
			Paper:      "Rose et al. (2016), Reactivation of latent working memories with transcranial magnetic stimulation",
			Link:       "https://science.sciencemag.org/content/354/6316/1136",
			Tags:       []string{"perceptual", "working memory", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth1", "ground_truth2", "test_order"},
		},
	}
	return env(k, spec, &dualDelayMatchSample{sigma: sigma / math.Sqrt(dt)}, seed)
}

func (r *dualDelayMatchSample) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth1", 1+rng.RandInt(2))
	v.SetInt("ground_truth2", 1+rng.RandInt(2))
	v.SetFloat("sample1", [2]float64{0, 0.5}[rng.RandInt(2)])
	v.SetFloat("sample2", [2]float64{0, 0.5}[rng.RandInt(2)])
	v.SetInt("test_order", rng.RandInt(2))
	if err := v.Update(cond); err != nil {
		return err
	}
	var gt [2]int
	var test [2]float64
	for i, n := range [2][3]string{{"ground_truth1", "sample1", "test1"}, {"ground_truth2", "sample2", "test2"}} {
		if gt[i] = v.Int(n[0]); !forcedIn(v, n[0], 1, 2) {
			return data.BadTrialVar(n[0], v, "1 (match) or 2 (non-match)")
		}
		sample, _ := v.Get(n[1])
		if gt[i] == 1 {
			v.Set(n[2], sample) // the same Python object, int if forced so
		} else {
			v.SetFloat(n[2], 0.5-sample.Num)
		}
		test[i] = v.Float(n[2])
	}
	testPeriod, cuePeriod := [2]string{"test1", "test2"}, [2]string{"cue1", "cue2"}
	if !forcedIn(v, "test_order", 0, 1) {
		return data.BadTrialVar("test_order", v, "0 (item 1 tested first) or 1 (item 2 first)")
	}
	if v.Int("test_order") == 1 {
		testPeriod[0], testPeriod[1] = testPeriod[1], testPeriod[0]
		cuePeriod[0], cuePeriod[1] = cuePeriod[1], cuePeriod[0]
	}

	e.AddPeriods("fixation", "sample", "delay1", "cue1", "test1", "delay2", "cue2", "test2")
	e.AddOb(1, "", "fixation")
	e.AddObVec(r.unitVector(v.Float("sample1")), "sample", "stimulus1")
	e.AddObVec(r.unitVector(v.Float("sample2")), "sample", "stimulus2")
	e.AddOb(1, cuePeriod[0], "cue1")
	e.AddOb(1, cuePeriod[1], "cue2")
	e.AddObVec(r.unitVector(test[0]), testPeriod[0], "stimulus1")
	e.AddObVec(r.unitVector(test[1]), testPeriod[1], "stimulus2")
	e.AddRandn(0, r.sigma, "sample", "")
	e.AddRandn(0, r.sigma, "test1", "")
	e.AddRandn(0, r.sigma, "test2", "")
	e.SetGt(gt[0], testPeriod[0])
	e.SetGt(gt[1], testPeriod[1])
	return nil
}

// unitVector returns [cos(x*pi), sin(x*pi)] (x*pi rounded first, as NumPy)
// in the rules' scratch vector, valid until the next call.
func (r *dualDelayMatchSample) unitVector(x float64) []float64 {
	th := x * math.Pi
	r.vec = [2]float64{data.NumPyCos(th), data.NumPySin(th)}
	return r.vec[:]
}

// Step: see the type's doc.
func (r *dualDelayMatchSample) Step(e *data.Env, a data.Action) (float64, bool) {
	if a.Index == 0 {
		return 0, false
	}
	test1 := e.InPeriod("test1")
	if test1 || e.InPeriod("test2") {
		reward := e.Reward("fail")
		if a.Index == e.GtNow() {
			reward = e.Reward("correct")
			e.SetPerformance(1)
		}
		return reward, !test1
	}
	return e.Reward("abort"), false
}
