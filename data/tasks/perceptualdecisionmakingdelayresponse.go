package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// perceptualDecisionMakingDelayResponse is NeuroGym's
// PerceptualDecisionMakingDelayResponse-v0
// (neurogym/envs/perceptualdecisionmaking.py), after Inagaki, Fontolan,
// Romani and Svoboda (2019): a two-alternative discrimination of a noisy
// stimulus, answered after a delay.
//
// Trial variables: ground_truth (the correct action, 1 or 2), coh (one of
// 0, 6.4, 12.8, 25.6, 51.2 percent times stim_scale) and sigma (the noise
// level sigma/sqrt(dt), which a forced trial variable can change).
//
// Periods fixation (0 ms), stimulus (1150 ms), delay (one of 300, 500, 700,
// 900, 1200, 2000, 3200, 4000 ms), decision (1500 ms). Inputs (3 unnamed
// channels): [1, 0, 0] in fixation and delay; in the stimulus period input
// 0 is 1, input ground_truth shows (1+coh/100)/2 and the other one
// (1-coh/100)/2, both plus N(0, sigma) noise; every input is 0 in the
// decision period. The target is ground_truth in the decision period.
//
// Step rule: a non-zero action in fixation costs rewards.abort (the trial
// goes on); a non-zero action in the decision period ends the trial, with
// rewards.correct and performance 1 if it is ground_truth, else
// rewards.fail.
//
// Checked beyond NeuroGym: stim_scale in [-1e4, 1e4], sigma >= 0, and a
// forced ground_truth must be 1 or 2.
type perceptualDecisionMakingDelayResponse struct {
	cohs  []float64 // percent, times stim_scale
	sigma float64   // sigma / sqrt(dt)
}

func newPerceptualDecisionMakingDelayResponse(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(0)},
		{Period: "stimulus", Spec: data.Constant(1150)},
		{Period: "delay", Spec: data.TimingSpec{Kind: data.TimingList, Values: []float64{300, 500, 700, 900, 1200, 2000, 3200, 4000}}},
		{Period: "decision", Spec: data.Constant(1500)},
	})
	stimScale := k.Float("stim_scale", 1.0, data.Between(-1e4, 1e4))
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	r := &perceptualDecisionMakingDelayResponse{sigma: sigma / math.Sqrt(dt)}
	for _, c := range []float64{0, 6.4, 12.8, 25.6, 51.2} {
		r.cohs = append(r.cohs, c*stimScale)
	}
	spec := data.EnvSpec{
		ID: "PerceptualDecisionMakingDelayResponse-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(3),
		ActSpace:      data.DiscreteSpace(3),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "perceptual decision with a delayed response: report which of two noisy inputs is larger on average, after a delay",
			Paper:      "Inagaki, Fontolan, Romani and Svoboda (2019), Discrete attractor dynamics underlies persistent activity in the frontal cortex",
			Link:       "https://www.nature.com/articles/s41586-019-0919-7",
			Tags:       []string{"perceptual", "delayed response", "two-alternative", "supervised"},
			Conditions: []string{"coh", "ground_truth"},
			Evidence:   signedCoherence("signed coherence (%)", 2),
		},
	}
	return env(k, spec, r, seed)
}

func (r *perceptualDecisionMakingDelayResponse) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth", 1+rng.RandInt(2))
	v.SetFloat("coh", r.cohs[rng.RandInt(len(r.cohs))])
	v.SetFloat("sigma", r.sigma)
	if err := v.Update(cond); err != nil {
		return err
	}
	g := v.Int("ground_truth")
	if g != 1 && g != 2 {
		return data.BadTrialVar("ground_truth", v, "a choice, 1 or 2")
	}
	coh, sigma := v.Float("coh"), v.Float("sigma")

	e.AddPeriods("fixation", "stimulus", "delay", "decision")

	fix := []float64{1, 0, 0}
	e.SetObVec(fix, "fixation", "")
	stim := e.ViewOb("stimulus")
	lo, hi := float32((1-coh/100)/2), float32((1+coh/100)/2)
	for t := 0; t < stim.Rows; t++ {
		*stim.At(t, 0) = 1
		*stim.At(t, 1), *stim.At(t, 2) = lo, lo
		*stim.At(t, g) = hi
	}
	// stim[:, 1:] += rng.randn(rows, 2) * sigma: float64 sums rounded to
	// float32 (AddNormals adds 0 + n*sigma, the same value: no element is -0)
	for t := 0; t < stim.Rows; t++ {
		rng.AddNormals(stim.Data[t*stim.Dim+1:][:2], 0, sigma)
	}
	e.SetObVec(fix, "delay", "")

	e.SetGt(g, "decision")
	return nil
}

// Step: see the type's doc. NeuroGym gives rewards.fail only to the other
// choice (3 - ground_truth), which is every wrong choice here.
func (r *perceptualDecisionMakingDelayResponse) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChoose(e, a, false)
}
