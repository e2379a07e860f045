package tasks

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// delayComparison is NeuroGym's DelayComparison-v0
// (neurogym/envs/delaycomparison.py): parametric working memory, the
// vibrotactile frequency comparison of Romo et al. (Barak et al. 2010). Two
// scalar stimuli f1, f2 are separated by a delay; the answer is which one
// was larger.
//
// Periods fixation, stimulus1, delay, stimulus2, decision. The fixation
// input is 1 until the decision (the go cue, where every input is 0); the
// stimulus input shows represent(v) = (1 + (v - vmin)/(vmax - vmin))/2
// (between 0.5 and 1; vmin, vmax over all vpairs) in its stimulus period;
// N(0, sigma/sqrt(dt)) noise is added to every input in both stimulus
// periods. A trial draws ground_truth (1 or 2) and a vpair (v_a, v_b) from
// vpairs; v1, v2 = v_a, v_b for ground truth 1 and v_b, v_a for 2, so with
// pairs written (larger, smaller), as the defaults are, the target in the
// decision period is choice 1 when f1 > f2 and choice 2 otherwise.
//
// Step rule (_step): in fixation any action other than 0 costs
// rewards["abort"] (the trial goes on: NeuroGym's abort is False); in
// decision any choice ends the trial, rewarded "correct" (performance 1) or
// "fail". Other periods are free.
//
// vpairs: a pair's numbers keep the Python type JSON gives them (ints by
// default), as in NeuroGym's trial dict; a pair mixing an int and a float
// is listed with both as floats in "vpair" (v1 and v2 keep their own types).
type delayComparison struct {
	pairs      [][2]float64
	pairInt    [][2]bool // element written as an integer (a Python int)
	vmin, vmax float64
	sigma      float64 // sigma / sqrt(dt)
}

func newDelayComparison(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "stimulus1", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.Constant(1000)},
		{Period: "stimulus2", Spec: data.Constant(500)},
		{Period: "decision", Spec: data.Constant(100)},
	})
	defPairs := [][2]float64{{18, 10}, {22, 14}, {26, 18}, {30, 22}, {34, 26}}
	rawPairs := k.Raw("vpairs", defPairs, "a non-empty list of pairs [f_a, f_b] of finite numbers, not all equal (ground truth 1 shows f_a first)")
	sigma := k.Float("sigma", 1.0, data.NonNegative)

	r := &delayComparison{sigma: sigma / math.Sqrt(dt)}
	if rawPairs == nil {
		r.pairs = defPairs
		r.pairInt = make([][2]bool, len(defPairs))
		for i := range r.pairInt {
			r.pairInt[i] = [2]bool{true, true}
		}
	} else if err := r.parsePairs(rawPairs); err != nil {
		k.Errorf("vpairs", "%v", err)
		r.pairs = nil
	}
	if len(r.pairs) > 0 {
		r.vmin, r.vmax = math.Inf(1), math.Inf(-1)
		for _, p := range r.pairs {
			r.vmin = min(r.vmin, p[0], p[1])
			r.vmax = max(r.vmax, p[0], p[1])
		}
		if r.vmin == r.vmax {
			k.Errorf("vpairs", "every value is %v: the stimulus scaling (v - vmin)/(vmax - vmin) would divide by zero; give at least two different values", r.vmin)
		}
	}
	spec := data.EnvSpec{
		ID: "DelayComparison-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(2, data.Ch("fixation", 0), data.Ch("stimulus", 1)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.ChList("choice", 1, 2)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "parametric working memory: hold a scalar stimulus f1 over a delay and report whether it was larger than f2",
			Paper:      "Barak, Tsodyks and Romo (2010), Neuronal population coding of parametric working memory",
			Link:       "https://www.jneurosci.org/content/30/28/9424",
			Tags:       []string{"perceptual", "working memory", "two-alternative", "supervised"},
			Conditions: []string{"vpair", "ground_truth"},
			// No Zero: the evidence compares f1 and f2, shown in different
			// periods; no one period's input holds zero evidence.
			Evidence: &data.Evidence{
				Label:    "signed |f1 - f2| (> 0 when choice 1 is correct)",
				Positive: 1,
				Value: func(v *data.Vars) float64 {
					d := math.Abs(v.Float("v1") - v.Float("v2"))
					if v.Int("ground_truth") == 1 {
						return d
					}
					return -d
				},
			},
		},
	}
	return env(k, spec, r, seed)
}

// parsePairs reads the vpairs keyword: a non-empty list of pairs of finite
// numbers, remembering which were written as integers.
func (r *delayComparison) parsePairs(raw json.RawMessage) error {
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil || len(rows) == 0 {
		return fmt.Errorf("%s: want a non-empty list of pairs of numbers, e.g. [[18, 10], [22, 14]]", clipJSON(raw))
	}
	for i, row := range rows {
		if len(row) != 2 {
			return fmt.Errorf("element %d has %d values: want a pair [f_a, f_b]", i, len(row))
		}
		var p [2]float64
		var isInt [2]bool
		for j, x := range row {
			if err := json.Unmarshal(x, &p[j]); err != nil || string(x) == "null" {
				return fmt.Errorf("element %d: %s is not a number", i, clipJSON(x))
			}
			if math.IsNaN(p[j]) || math.IsInf(p[j], 0) || math.Abs(p[j]) > 1<<53 {
				return fmt.Errorf("element %d: %v must be finite and at most 2^53 in magnitude", i, p[j])
			}
			isInt[j] = data.IsIntLiteral(x)
		}
		r.pairs = append(r.pairs, p)
		r.pairInt = append(r.pairInt, isInt)
	}
	return nil
}

func clipJSON(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// represent is NeuroGym's DelayComparison.represent: the stimulus input for
// value v, between 0.5 (vmin) and 1 (vmax).
func (r *delayComparison) represent(v float64) float64 {
	u := (v - r.vmin) / (r.vmax - r.vmin)
	return (1 + u) / 2
}

func (r *delayComparison) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	v.SetInt("ground_truth", 1+rng.RandInt(2))
	i := rng.RandInt(len(r.pairs))
	if r.pairInt[i] == [2]bool{true, true} {
		v.SetInts("vpair", []int{int(r.pairs[i][0]), int(r.pairs[i][1])})
	} else {
		v.SetFloats("vpair", r.pairs[i][:])
	}
	if err := v.Update(cond); err != nil {
		return err
	}
	gt := v.Int("ground_truth")
	if !forcedIn(v, "ground_truth", 1, 2) {
		return data.BadTrialVar("ground_truth", v, "1 or 2")
	}
	pair, _ := v.Get("vpair")
	if pair.IsScalar() || pair.Kind == data.StringVar || len(pair.List) != 2 {
		return data.BadTrialVar("vpair", v, "a pair of numbers [f_a, f_b]")
	}
	vals := [2]float64{pair.List[0], pair.List[1]}
	isInt := [2]bool{pair.Kind == data.IntsVar, pair.Kind == data.IntsVar}
	if cond == nil || !cond.Has("vpair") {
		isInt = r.pairInt[i]
	}
	a, b := 0, 1
	if gt == 2 {
		a, b = 1, 0
	}
	setNumber(v, "v1", vals[a], isInt[a])
	setNumber(v, "v2", vals[b], isInt[b])

	e.AddPeriods("fixation", "stimulus1", "delay", "stimulus2", "decision")
	e.AddOb(1, "", "fixation")
	e.AddOb(r.represent(vals[a]), "stimulus1", "stimulus")
	e.AddOb(r.represent(vals[b]), "stimulus2", "stimulus")
	e.SetOb(0, "decision", "")
	e.AddRandn(0, r.sigma, "stimulus1", "")
	e.AddRandn(0, r.sigma, "stimulus2", "")
	e.SetGt(gt, "decision")
	return nil
}

// Step: see the type's doc (PerceptualDecisionMaking's rule).
func (r *delayComparison) Step(e *data.Env, a data.Action) (float64, bool) {
	return fixateThenChooseIn(e, a, "decision")
}
