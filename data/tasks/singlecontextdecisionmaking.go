package tasks

import (
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// singleContextDecisionMaking is NeuroGym's SingleContextDecisionMaking-v0
// (neurogym/envs/contextdecisionmaking.py), the context-dependent
// integration task of Mante, Sussillo, Shenoy and Newsome (2013) with the
// context fixed for the whole environment by the keyword context and not
// shown: two noisy ring stimuli are shown at once and the answer is the
// direction of modality 1 (context 0) or modality 2 (context 1).
//
// Trial variables: ground_truth (the correct direction, 0..dim_ring-1),
// other_choice (the direction of the irrelevant modality), context (the
// keyword, as given) and the coherences coh_0 and coh_1 of modalities 1 and
// 2, each one of 5, 15, 50 (percent).
//
// Periods fixation (300 ms), stimulus (750 ms), delay (TruncExp(600, 300,
// 3000) ms, with its own random stream), decision (100 ms). Inputs: fixation
// is 1 until the decision; in the stimulus period ring channel k of a
// modality pointing to direction g with coherence c shows
// cos(theta_k - theta_g)*c/200 + 0.5, and N(0, sigma/sqrt(dt)) noise is added
// to every input; every input is 0 in the decision period. The target is
// choice ground_truth (action ground_truth+1) in the decision period.
//
// Step rule: as ContextDecisionMaking (abort costs rewards.abort and the
// trial goes on; any choice in the decision period ends the trial,
// rewards.correct and performance 1 if right, else 0).
//
// Checked beyond NeuroGym: context must be 0 or 1 (NeuroGym treats any
// value but 1 as 0) and dim_ring at least 2.
type singleContextDecisionMaking struct {
	context float64
	ctxInt  bool      // context was written as an integer (Python int)
	sigma   float64   // sigma / sqrt(dt)
	theta   []float64 // ring directions, rad
	stim    []float64 // scratch
}

func newSingleContextDecisionMaking(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	context := k.Int("context", 0, data.Between(0, 1))
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(300)},
		{Period: "stimulus", Spec: data.Constant(750)},
		{Period: "delay", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{600, 300, 3000}}},
		{Period: "decision", Spec: data.Constant(100)},
	})
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	dimRing := k.Int("dim_ring", 2, data.AtLeast(2))
	raw, given := k.Literal("context")
	r := &singleContextDecisionMaking{
		context: float64(context),
		ctxInt:  !given || data.IsIntLiteral(raw),
		sigma:   sigma / math.Sqrt(dt),
		theta:   linspaceRing(dimRing),
		stim:    make([]float64, dimRing),
	}
	spec := data.EnvSpec{
		ID: "SingleContextDecisionMaking-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace: data.BoxSpace(1+2*dimRing, data.Ch("fixation", 0),
			data.ChRange("stimulus_mod1", 1, dimRing+1), data.ChRange("stimulus_mod2", dimRing+1, 2*dimRing+1)),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "context-dependent decision with an uncued, fixed context: report the direction of one of two simultaneous noisy stimuli",
			Paper:      "Mante, Sussillo, Shenoy and Newsome (2013), Context-dependent computation by recurrent dynamics in prefrontal cortex",
			Link:       "https://www.nature.com/articles/nature12742",
			Tags:       []string{"perceptual", "context dependent", "two-alternative", "supervised"},
			Conditions: []string{"coh_0", "coh_1", "ground_truth"},
		},
	}
	if dimRing == 2 {
		spec.Info.Evidence = &data.Evidence{
			Label:    "signed coherence of the relevant modality (%)",
			Positive: 2,
			Zero:     `{"coh_0": 0, "coh_1": 0}`,
			Value: func(v *data.Vars) float64 {
				c := v.Float("coh_0")
				if v.Float("context") == 1 {
					c = v.Float("coh_1")
				}
				if v.Int("ground_truth") == 1 {
					return c
				}
				return -c
			},
		}
	}
	return env(k, spec, r, seed)
}

// linspaceRing is np.linspace(0, 2*pi, n+1)[:-1]: k*(2*pi/n).
func linspaceRing(n int) []float64 {
	step := 2 * math.Pi / float64(n)
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i) * step
	}
	return out
}

// ringStim sets dst[k] = cos(theta_k - theta_g)*(coh/200) + 0.5, NeuroGym's
// ring stimulus, computed in float64 as NumPy does, with NumPy's own cosine
// (data.NumPyCos: on AVX-512 machines NumPy's cos differs from Go's and
// glibc's in the last bit for many ring angles, which shows after rounding to
// float32 where the stimulus is about 0, e.g. at coherence 100).
func ringStim(dst, theta []float64, g int, coh float64) {
	c200 := coh / 200
	for k, th := range theta {
		dst[k] = float64(data.NumPyCos(th-theta[g])*c200) + 0.5
	}
}

func (r *singleContextDecisionMaking) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	n := len(r.theta)
	v.SetInt("ground_truth", rng.RandInt(n))
	v.SetInt("other_choice", rng.RandInt(n))
	if r.ctxInt {
		v.SetInt("context", int(r.context))
	} else {
		v.SetFloat("context", r.context)
	}
	cohs := [3]int{5, 15, 50}
	v.SetInt("coh_0", cohs[rng.RandInt(3)])
	v.SetInt("coh_1", cohs[rng.RandInt(3)])
	if err := v.Update(cond); err != nil {
		return err
	}
	for _, name := range []string{"ground_truth", "other_choice"} {
		if g := v.Int(name); g < 0 || g >= n {
			return data.BadTrialVar(name, v, "a direction in [0, %d)", n)
		}
	}
	if c := v.Float("context"); c != 0 && c != 1 {
		return data.BadTrialVar("context", v, "0 (report modality 1) or 1 (report modality 2)")
	}
	choice0, choice1 := v.Int("ground_truth"), v.Int("other_choice")
	if v.Float("context") == 1 {
		choice0, choice1 = choice1, choice0
	}

	e.AddPeriods("fixation", "stimulus", "delay", "decision")

	e.AddOb(1, "", "fixation")
	ringStim(r.stim, r.theta, choice0, v.Float("coh_0"))
	e.AddObVec(r.stim, "stimulus", "stimulus_mod1")
	ringStim(r.stim, r.theta, choice1, v.Float("coh_1"))
	e.AddObVec(r.stim, "stimulus", "stimulus_mod2")
	e.AddRandn(0, r.sigma, "stimulus", "")
	e.SetOb(0, "decision", "")

	e.SetGtWhere(v.Int("ground_truth"), "decision", "choice")
	return nil
}

// Step: see the type's doc.
func (r *singleContextDecisionMaking) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseNoFail(e, a, false)
}
