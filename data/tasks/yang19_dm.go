package tasks

import (
	"encoding/json"
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// dmFamily is NeuroGym's _DMFamily (neurogym/envs/collections/yang19.py),
// the class of the ten yang19 decision-making tasks: choose between two
// directions theta1 != theta2 (drawn among dim_ring) the one with the
// stronger stimulus. Each modality m with stim_mod[m] shows two Gaussian
// bumps (gaussianBump), at theta1 with strength coh1_modm and at theta2
// with strength coh2_modm; the decision weighs modality m by w_mod[m]: the
// target is theta1's direction if w1*coh1_mod1 + w2*coh1_mod2 +
// U(-1e-6, 1e-6) > w1*coh2_mod1 + w2*coh2_mod2, else theta2's.
//
//   - delaycomparison false (dm1, dm2, ctxdm1, ctxdm2, multidm): periods
//     fixation (U(200, 500) ms), stimulus (500), decision (200); both bumps
//     in the stimulus period, coh1 = 0.5 + c/2 and coh2 = 0.5 - c/2 with
//     c = choice(cohs) * choice([-1, 1]) for each shown modality.
//   - delaycomparison true (dlydm1, ...): periods fixation (U(200, 500)),
//     stim1 (500), delay (1000), stim2 (500), decision (200); theta1's bump
//     in stim1, theta2's in stim2, with two different strengths
//     choice(cohs, 2, replace=False).
//
// The fixation input is 1 until the decision; N(0, sigma/sqrt(dt)) noise is
// added to every input (fixation included) in the stimulus periods, before
// the bumps. The correct action is 1 + the target direction's index in the
// decision period, 0 before. Step rule (_step): in fixation an action other
// than 0 costs rewards["abort"] (the trial goes on); in decision an action
// other than 0 ends the trial, rewarded correct (performance 1) if it is
// the target, else fail. NeuroGym gives the class no metadata.
//
// Keywords (those of _DMFamily, with the defaults of the task's function):
// dt (100), rewards, timing, sigma (1.0), cohs, dim_ring (16), w_mod,
// stim_mod, delaycomparison. _DMFamily ignores forced trial variables, so
// NewTrial refuses them.
type dmFamily struct {
	cohs    []float64
	cohInt  bool // cohs were integers (NumPy int64: ints in the trial dict)
	wMod    [2]float64
	stimMod [2]bool
	delay   bool
	sigma   float64 // sigma / sqrt(dt)
	theta   []float64
	bump    []float64 // scratch
	perm    []int     // scratch for choice(cohs, 2, replace=False)
}

// dmVariant is one of the ten yang19 functions on _DMFamily: the keyword
// defaults it passes (the caller's keywords override them, as
// env_kwargs.update(kwargs)).
type dmVariant struct {
	id      string
	delay   bool
	wMod    [2]float64
	stimMod [2]bool
	summary string
}

// dmVariants are dm1, dm2, ctxdm1, ctxdm2, multidm, dlydm1, dlydm2,
// ctxdlydm1, ctxdlydm2 and multidlydm, in the collection's order.
func dmVariants() []dmVariant {
	mod1, mod2, both := [2]bool{true, false}, [2]bool{false, true}, [2]bool{true, true}
	return []dmVariant{
		{"yang19.dm1-v0", false, [2]float64{1, 1}, mod1,
			"decision making 1 (Yang et al. 2019): choose the stronger of two ring stimuli shown in modality 1"},
		{"yang19.dm2-v0", false, [2]float64{1, 1}, mod2,
			"decision making 2 (Yang et al. 2019): choose the stronger of two ring stimuli shown in modality 2"},
		{"yang19.ctxdm1-v0", false, [2]float64{1, 0}, both,
			"context decision making 1 (Yang et al. 2019): stimuli in both modalities, choose by modality 1 alone"},
		{"yang19.ctxdm2-v0", false, [2]float64{0, 1}, both,
			"context decision making 2 (Yang et al. 2019): stimuli in both modalities, choose by modality 2 alone"},
		{"yang19.multidm-v0", false, [2]float64{1, 1}, both,
			"multisensory decision making (Yang et al. 2019): choose the direction stronger summed over both modalities"},
		{"yang19.dlydm1-v0", true, [2]float64{1, 1}, mod1,
			"delayed decision making 1 (Yang et al. 2019): two stimuli in modality 1 separated by a delay, choose the stronger"},
		{"yang19.dlydm2-v0", true, [2]float64{1, 1}, mod2,
			"delayed decision making 2 (Yang et al. 2019): two stimuli in modality 2 separated by a delay, choose the stronger"},
		{"yang19.ctxdlydm1-v0", true, [2]float64{1, 0}, both,
			"context delayed decision making 1 (Yang et al. 2019): delayed comparison in both modalities, by modality 1 alone"},
		{"yang19.ctxdlydm2-v0", true, [2]float64{0, 1}, both,
			"context delayed decision making 2 (Yang et al. 2019): delayed comparison in both modalities, by modality 2 alone"},
		{"yang19.multidlydm-v0", true, [2]float64{1, 1}, both,
			"multisensory delayed decision making (Yang et al. 2019): delayed comparison summed over both modalities"},
	}
}

func (dv dmVariant) make(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	// _dm_kwargs and _dlydm_kwargs
	defCohs := []float64{0.08, 0.16, 0.32, 0.64}
	if dv.delay {
		defCohs = []float64{0.3, 0.6, 1.0}
	}
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	delay := k.Bool("delaycomparison", dv.delay)
	var timing data.Timing
	if delay {
		timing = k.Timing(data.Timing{
			{Period: "fixation", Spec: data.UniformTiming(200, 500)}, // lambda: self.rng.uniform(200, 500)
			{Period: "stim1", Spec: data.Constant(500)},
			{Period: "delay", Spec: data.Constant(1000)},
			{Period: "stim2", Spec: data.Constant(500)},
			{Period: "decision", Spec: data.Constant(200)},
		})
	} else {
		timing = k.Timing(data.Timing{
			{Period: "fixation", Spec: data.UniformTiming(200, 500)},
			{Period: "stimulus", Spec: data.Constant(500)},
			{Period: "decision", Spec: data.Constant(200)},
		})
	}
	noTruncExp(k, timing)
	sigma := k.Float("sigma", 1.0, data.NonNegative)
	minCohs := 1
	if delay {
		minCohs = 2 // choice(cohs, 2, replace=False)
	}
	cohs, cohInt := k.Numbers("cohs", defCohs, false, minCohs, data.Between(-1e6, 1e6))
	dimRing := yang19DimRing(k, 2)
	w := k.Floats("w_mod", dv.wMod[:], 2, data.Between(-1e6, 1e6))
	if len(w) != 2 {
		k.Errorf("w_mod", "%d values: want 2 (the weights of modality 1 and 2)", len(w))
		w = dv.wMod[:]
	}
	stimMod := dv.stimMod
	if raw := k.Raw("stim_mod", dv.stimMod, "two booleans: [show modality 1, show modality 2]"); raw != nil {
		var sm []bool
		if err := json.Unmarshal(raw, &sm); err != nil || len(sm) != 2 {
			k.Errorf("stim_mod", "%s: want two booleans, e.g. [true, false]", raw)
		} else {
			stimMod = [2]bool{sm[0], sm[1]}
		}
	}
	r := &dmFamily{
		cohs: cohs, cohInt: cohInt, wMod: [2]float64{w[0], w[1]}, stimMod: stimMod, delay: delay,
		sigma: sigma / math.Sqrt(dt), theta: linspaceRing(dimRing), bump: make([]float64, dimRing),
		perm: make([]int, len(cohs)),
	}
	var conditions []string
	for m, shown := range stimMod {
		if shown {
			conditions = append(conditions, dmModName(m).coh1)
			if delay {
				conditions = append(conditions, dmModName(m).coh2)
			}
		}
	}
	spec := data.EnvSpec{
		ID: dv.id, Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace: data.BoxSpace(1+2*dimRing, data.Ch("fixation", 0),
			data.ChRange("stimulus_mod1", 1, dimRing+1), data.ChRange("stimulus_mod2", dimRing+1, 2*dimRing+1)),
		ActSpace:      data.DiscreteSpace(1+dimRing, data.Ch("fixation", 0), data.ChRange("choice", 1, dimRing+1)),
		AnswerPeriods: []string{"decision"},
		Info:          yang19Info(dv.summary, conditions...),
	}
	return env(k, spec, r, seed)
}

func (r *dmFamily) NewTrial(e *data.Env, v, cond *data.Vars) error {
	if cond != nil && cond.Len() > 0 {
		return data.BadTrialVar(cond.At(0).Name, cond, "nothing: NeuroGym's _DMFamily ignores forced trial variables")
	}
	rng := e.Rng()
	i1 := rng.RandInt(len(r.theta))
	i2 := rng.RandInt(len(r.theta))
	for i2 == i1 {
		i2 = rng.RandInt(len(r.theta))
	}
	v.SetFloat("theta1", r.theta[i1])
	v.SetFloat("theta2", r.theta[i2])

	if r.delay {
		e.AddPeriods("fixation", "stim1", "delay", "stim2", "decision")
	} else {
		e.AddPeriods("fixation", "stimulus", "decision")
	}
	e.AddOb(1, "", "fixation")
	e.SetOb(0, "decision", "")
	if r.delay {
		e.AddRandn(0, r.sigma, "stim1", "")
		e.AddRandn(0, r.sigma, "stim2", "")
	} else {
		e.AddRandn(0, r.sigma, "stimulus", "")
	}

	coh1, coh2 := 0.0, 0.0
	for m, shown := range r.stimMod {
		if !shown {
			continue
		}
		c1, c2 := r.addSingleMod(e, v, m)
		coh1 += float64(r.wMod[m] * c1)
		coh2 += float64(r.wMod[m] * c2)
	}
	target := i2
	if coh1+rng.Uniform(-1e-6, 1e-6) > coh2 {
		target = i1
	}
	e.SetGtWhere(target, "decision", "choice")
	return nil
}

// addSingleMod is _add_singlemod: it draws modality m's two strengths, sets
// coh1_mod<m+1> and coh2_mod<m+1>, and adds the two bumps.
func (r *dmFamily) addSingleMod(e *data.Env, v *data.Vars, m int) (coh1, coh2 float64) {
	rng := e.Rng()
	name := dmModName(m)
	period1, period2 := "stimulus", "stimulus"
	if r.delay {
		period1, period2 = "stim1", "stim2"
		for i := range r.perm { // choice(cohs, 2, replace=False) = cohs[permutation(n)[:2]]
			r.perm[i] = i
		}
		data.Shuffle(rng, r.perm)
		coh1, coh2 = r.cohs[r.perm[0]], r.cohs[r.perm[1]]
		if r.cohInt {
			v.SetInt(name.coh1, int(coh1))
			v.SetInt(name.coh2, int(coh2))
		} else {
			v.SetFloat(name.coh1, coh1)
			v.SetFloat(name.coh2, coh2)
		}
	} else {
		c := r.cohs[rng.RandInt(len(r.cohs))]
		if rng.RandInt(2) == 0 { // * choice([-1, +1])
			c = -c
		}
		coh1, coh2 = 0.5+c/2, 0.5-c/2
		v.SetFloat(name.coh1, coh1)
		v.SetFloat(name.coh2, coh2)
	}
	gaussianBump(r.bump, v.Float("theta1"), r.theta, coh1)
	e.AddObVec(r.bump, period1, name.stimulus)
	gaussianBump(r.bump, v.Float("theta2"), r.theta, coh2)
	e.AddObVec(r.bump, period2, name.stimulus)
	return coh1, coh2
}

// dmModName returns the trial variables and the observation channel of
// modality m (0 or 1).
func dmModName(m int) (name struct{ coh1, coh2, stimulus string }) {
	if m == 0 {
		name.coh1, name.coh2, name.stimulus = "coh1_mod1", "coh2_mod1", "stimulus_mod1"
	} else {
		name.coh1, name.coh2, name.stimulus = "coh1_mod2", "coh2_mod2", "stimulus_mod2"
	}
	return name
}

// Step is _DMFamily._step (see dmFamily).
func (r *dmFamily) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChoose(e, a, false)
}
