package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// delayMatchCategory is NeuroGym's DelayMatchCategory-v0
// (neurogym/envs/delaymatchcategory.py): delayed match-to-category, after
// Freedman and Assad (2006). A sample direction is shown, then after a delay
// a test direction; the answer is whether both fall in the same category
// (directions in [0, pi) are category 0, [pi, 2 pi) category 1).
//
// Periods fixation, sample, first_delay, test. The fixation input is 1 until
// the test (the go cue); the dim_ring stimulus channels, at preferred angles
// theta_k = 2 pi k/dim_ring, show cos(theta_k - angle)/2 + 1/2 for the sample
// angle in the sample period and for the test angle in the test period, both
// plus N(0, sigma/sqrt(dt)) noise. A trial draws ground_truth ("match" or
// "non-match") and sample_category (0 or 1); the test category is the same
// for a match and the other one otherwise, and each angle is (category +
// U[0, 1)) * pi (drawn after the forced variables are applied). The target in
// the test period is the action "match" (1) or "non-match" (2).
//
// Step rule (_step): in fixation any action other than 0 costs
// rewards["abort"] (the trial goes on: abort is False); in test any choice
// ends the trial, rewarded "correct" (performance 1) or "fail".
type delayMatchCategory struct {
	theta []float64
	sigma float64   // sigma / sqrt(dt)
	stim  []float64 // scratch
}

func newDelayMatchCategory(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "sample", Spec: data.Constant(650)},
		{Period: "first_delay", Spec: data.Constant(1000)},
		{Period: "test", Spec: data.Constant(650)},
	})
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	dimRing := k.Int("dim_ring", 2, data.AtLeast(1))
	r := &delayMatchCategory{sigma: sigma / math.Sqrt(dt), theta: linspaceRing(dimRing), stim: make([]float64, dimRing)}
	spec := data.EnvSpec{
		ID: "DelayMatchCategory-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("stimulus", 1, dimRing+1)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.Ch("match", 1), data.Ch("non-match", 2)),
		AnswerPeriods: []string{"test"},
		Info: data.TaskInfo{
			Summary:    "delayed match-to-category: report whether a sample and a test direction, separated by a delay, fall in the same category",
			Paper:      "Freedman and Assad (2006), Experience-dependent representation of visual categories in parietal cortex",
			Link:       "https://www.nature.com/articles/nature05078",
			Tags:       []string{"perceptual", "working memory", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth", "sample_category"},
		},
	}
	return env(k, spec, r, seed)
}

// ringBump sets dst[k] = cos(theta[k] - angle)*0.5 + 0.5, in NumPy's order of
// float64 operations.
func ringBump(dst, theta []float64, angle float64) {
	for k, th := range theta {
		dst[k] = float64(data.NumPyCos(th-angle)*0.5) + 0.5
	}
}

func (r *delayMatchCategory) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetString("ground_truth", [2]string{"match", "non-match"}[rng.RandInt(2)])
	v.SetInt("sample_category", rng.RandInt(2))
	if err := v.Update(cond); err != nil {
		return err
	}
	gt, sample := v.String("ground_truth"), v.Int("sample_category")
	action, ok := e.ActSpace().Channel(gt)
	if !ok || gt == "fixation" {
		return data.BadTrialVar("ground_truth", v, `"match" or "non-match"`)
	}
	if !forcedIn(v, "sample_category", 0, 1) {
		return data.BadTrialVar("sample_category", v, "0 or 1")
	}
	test := sample
	if gt != "match" {
		test = 1 - sample
	}
	sampleTheta := (float64(sample) + rng.Float64()) * math.Pi
	testTheta := (float64(test) + rng.Float64()) * math.Pi

	e.AddPeriods("fixation", "sample", "first_delay", "test")
	e.AddOb(1, "", "fixation")
	e.SetOb(0, "test", "fixation")
	ringBump(r.stim, r.theta, sampleTheta)
	e.AddObVec(r.stim, "sample", "stimulus")
	ringBump(r.stim, r.theta, testTheta)
	e.AddObVec(r.stim, "test", "stimulus")
	e.AddRandn(0, r.sigma, "sample", "stimulus")
	e.AddRandn(0, r.sigma, "test", "stimulus")
	e.SetGt(action[0], "test")
	return nil
}

// Step: see the type's doc.
func (r *delayMatchCategory) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseIn(e, a, "test")
}
