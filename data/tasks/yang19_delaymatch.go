package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// delayMatch is NeuroGym's _DelayMatch1DResponse
// (neurogym/envs/collections/yang19.py), the class of the yang19 delayed
// match tasks, shown in two alternating modalities (twoModalities). A
// sample direction and, after a delay, a test direction are shown as
// Gaussian bumps (gaussianBump, strength 1) on the ring, each with
// N(0, sigma/sqrt(dt)) noise on the stimulus inputs; ground_truth says
// whether they match.
//
//   - matchto "sample": the test equals the sample on a match, else it is
//     the opposite direction (sample + dim_ring/2).
//   - matchto "category": the ring's halves are the categories (the sample
//     index i is in category 1 if i > dim_ring/2, NeuroGym's rule, which
//     puts index dim_ring/2 in category 0); the test is drawn in the
//     sample's category on a match, in the other one otherwise.
//
// Periods fixation (300 ms), sample (500), delay (1000), test (500),
// decision (900); the fixation input is 1 until the decision. If matchgo
// and the trial is a match, or not matchgo and a non-match, the correct
// action in the decision period is 1 + the test direction's index (go);
// otherwise it is 0 throughout: keep fixating (no-go). Step rule (_step):
// in fixation an action other than 0 costs rewards["abort"] (the trial goes
// on); in decision an action other than 0 ends the trial, rewarded correct
// (performance 1) if it is the target, else fail. A no-go trial therefore
// ends at its last step with performance 0 even when every action is the
// target's: NeuroGym's perfect agent scores 0 on them. Metadata: Freedman &
// Assad (2006); tags perceptual, working memory, two-alternative,
// supervised.
//
// Keywords: dt (100), rewards, timing, sigma (1.0), dim_ring (16, even);
// matchto and matchgo are fixed by the task (NeuroGym's functions pass them
// positionally, so giving them again is a TypeError there). Forced trial
// variable: ground_truth ("match" or "non-match").
type delayMatch struct {
	category, matchGo bool
	sigma             float64 // sigma / sqrt(dt)
	theta             []float64
	sample, test      []float64 // scratch bumps
}

// delayMatchVariant is one of the four yang19 functions on
// _DelayMatch1DResponse.
type delayMatchVariant struct {
	id       string
	category bool // matchto 'category' (else 'sample')
	matchGo  bool
	summary  string
}

// delayMatchVariants are dms, dnms, dmc and dnmc, in the collection's order.
func delayMatchVariants() []delayMatchVariant {
	return []delayMatchVariant{
		{"yang19.dms-v0", false, true,
			"delayed match-to-sample (Yang et al. 2019): respond to the test direction if it matches the sample, else keep fixating"},
		{"yang19.dnms-v0", false, false,
			"delayed non-match-to-sample (Yang et al. 2019): respond to the test direction if it differs from the sample, else keep fixating"},
		{"yang19.dmc-v0", true, true,
			"delayed match-to-category (Yang et al. 2019): respond to the test if it lies in the sample's half of the ring, else keep fixating"},
		{"yang19.dnmc-v0", true, false,
			"delayed non-match-to-category (Yang et al. 2019): respond to the test if it lies in the other half of the ring, else keep fixating"},
	}
}

func (dv delayMatchVariant) make(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "sample", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.Constant(1000)},
		{Period: "test", Spec: data.Constant(500)},
		{Period: "decision", Spec: data.Constant(900)},
	})
	noTruncExp(k, timing)
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	dimRing := yang19DimRing(k, 2)
	if dimRing%2 != 0 {
		k.Errorf("dim_ring", "%d: must be even (the test is dim_ring/2 directions away from the sample, or in the other half of the ring)", dimRing)
	}
	r := &delayMatch{
		category: dv.category, matchGo: dv.matchGo, sigma: sigma / math.Sqrt(dt),
		theta: linspaceRing(dimRing), sample: make([]float64, dimRing), test: make([]float64, dimRing),
	}
	spec := data.EnvSpec{
		ID: dv.id, Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       twoModalitySpace(dimRing),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    dv.summary,
			Paper:      "Freedman & Assad (2006), Experience-dependent representation of visual categories in parietal cortex",
			Link:       "https://www.nature.com/articles/nature05078",
			Tags:       []string{"perceptual", "working memory", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth"},
		},
	}
	return env(k, spec, newTwoModalities(r, dimRing), seed)
}

func (r *delayMatch) newTrial(e *data.Env, v, cond *data.Vars, stim []int) error {
	rng := e.Rng()
	v.SetString("ground_truth", []string{"match", "non-match"}[rng.RandInt(2)])
	if err := v.Update(cond); err != nil {
		return err
	}
	gt := v.String("ground_truth")
	if gt != "match" && gt != "non-match" {
		return data.BadTrialVar("ground_truth", v, `"match" or "non-match"`)
	}
	n := len(r.theta)
	half := n / 2
	iSample := rng.RandInt(n)
	var iTest int
	if r.category {
		sampleCat := 0
		if iSample > half {
			sampleCat = 1
		}
		testCat := sampleCat
		if gt != "match" {
			testCat = 1 - sampleCat
		}
		iTest = rng.RandInt(half) + testCat*half
	} else {
		iTest = iSample
		if gt != "match" {
			iTest = (iSample + half) % n // non-match is 180 degrees apart
		}
	}
	v.SetFloat("sample_theta", r.theta[iSample])
	v.SetFloat("test_theta", r.theta[iTest])
	gaussianBump(r.sample, r.theta[iSample], r.theta, 1)
	gaussianBump(r.test, r.theta[iTest], r.theta, 1)

	e.AddPeriods("fixation", "sample", "delay", "test", "decision")
	e.AddOb(1, "", "fixation")
	e.SetOb(0, "decision", "fixation")
	addObCols(e, r.sample, "sample", stim)
	addObCols(e, r.test, "test", stim)
	addRandnCols(e, 0, r.sigma, "sample", stim)
	addRandnCols(e, 0, r.sigma, "test", stim)

	if (gt == "match") == r.matchGo {
		e.SetGtWhere(iTest, "decision", "choice")
	} else {
		e.SetGt(0, "")
	}
	return nil
}

// Step is _DelayMatch1DResponse._step (see delayMatch).
func (r *delayMatch) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChoose(e, a, false)
}
