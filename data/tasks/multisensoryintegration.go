package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// multiSensoryIntegration is NeuroGym's MultiSensoryIntegration-v0
// (neurogym/envs/multisensory.py; NeuroGym names no paper): two noisy ring
// stimuli in two modalities point to the same direction and share one
// coherence between them, so the best answer integrates both.
//
// Trial variables: ground_truth (the direction, 0..dim_ring-1), coh (the
// total coherence, one of 5, 15, 50 percent) and coh_prop (uniform in [0,
// 1): the fraction of coh given to modality 1; modality 2 gets the rest).
//
// Periods fixation (300 ms), stimulus (750 ms), decision (100 ms). Inputs:
// fixation is 1 until the decision; in the stimulus period ring channel k of
// modality m shows cos(theta_k - theta_g)*c_m/200 + 0.5 with c_1 =
// coh*coh_prop and c_2 = coh*(1-coh_prop), and N(0, sigma/sqrt(dt)) noise is
// added to every input; every input is 0 in the decision period. The target
// is choice ground_truth (action ground_truth+1) in the decision period.
//
// Step rule: as ContextDecisionMaking (abort costs rewards.abort and the
// trial goes on; any choice in the decision period ends the trial,
// rewards.correct and performance 1 if right, else 0).
type multiSensoryIntegration struct {
	sigma float64   // sigma / sqrt(dt)
	theta []float64 // ring directions, rad
	stim  []float64 // scratch
}

func newMultiSensoryIntegration(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "stimulus", Spec: data.Constant(750)},
		{Period: "decision", Spec: data.Constant(100)},
	})
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	dimRing := k.Int("dim_ring", 2, data.AtLeast(2))
	r := &multiSensoryIntegration{
		sigma: sigma / math.Sqrt(dt),
		theta: linspaceRing(dimRing),
		stim:  make([]float64, dimRing),
	}
	spec := data.EnvSpec{
		ID: "MultiSensoryIntegration-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace: data.BoxSpace(1+2*dimRing, data.Ch("fixation", 0),
			data.ChRange("stimulus_mod1", 1, dimRing+1), data.ChRange("stimulus_mod2", dimRing+1, 2*dimRing+1)),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "multi-sensory integration: report the direction two noisy stimuli share, its evidence split between two modalities",
			Tags:       []string{"perceptual", "two-alternative", "supervised"},
			Conditions: []string{"coh", "ground_truth"},
		},
	}
	if dimRing == 2 {
		spec.Info.Evidence = signedCoherence("signed total coherence (%)", 1)
	}
	return env(k, spec, r, seed)
}

func (r *multiSensoryIntegration) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	n := len(r.theta)
	v.SetInt("ground_truth", rng.RandInt(n))
	cohs := [3]int{5, 15, 50}
	v.SetInt("coh", cohs[rng.RandInt(3)])
	v.SetFloat("coh_prop", rng.Float64())
	if err := v.Update(cond); err != nil {
		return err
	}
	g := v.Int("ground_truth")
	if g < 0 || g >= n {
		return data.BadTrialVar("ground_truth", v, "a direction in [0, %d)", n)
	}
	coh, prop := v.Float("coh"), v.Float("coh_prop")

	e.AddPeriods("fixation", "stimulus", "decision")

	e.AddOb(1, "", "fixation")
	ringStim(r.stim, r.theta, g, coh*prop)
	e.AddObVec(r.stim, "stimulus", "stimulus_mod1")
	ringStim(r.stim, r.theta, g, coh*(1-prop))
	e.AddObVec(r.stim, "stimulus", "stimulus_mod2")
	e.AddRandn(0, r.sigma, "stimulus", "")
	e.SetOb(0, "decision", "")

	e.SetGtWhere(g, "decision", "choice")
	return nil
}

// Step: see the type's doc.
func (r *multiSensoryIntegration) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseNoFail(e, a, false)
}
