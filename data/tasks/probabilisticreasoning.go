package tasks

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/taskrnn/taskrnn/data"
)

// probabilisticReasoning is NeuroGym's ProbabilisticReasoning-v0
// (neurogym/envs/probabilisticreasoning.py), the weather-prediction task of
// Yang and Shadlen (2007): shapes appear one by one at n_loc locations, each
// carrying a weight of evidence; the answer is drawn with the probability
// the summed evidence gives.
//
// Trial variables: locs (a permutation of the n_loc locations: the i-th
// shape appears at locs[i]), shapes (n_loc shapes drawn with replacement
// from the len(shape_weight) shapes), log_odd (the sum of the shapes'
// weights, log10 of the odds of choice 2; an int when every weight summed
// was written as an integer, as Python's sum gives) and ground_truth (1 with
// probability 1/(10^-log_odd + 1), else 0).
//
// Periods fixation (500 ms), stimulus0 .. stimulus<n_loc-1> (500 ms each),
// delay (uniform in [450, 550) ms from the task's stream), decision
// (500 ms). Inputs: fixation is 1 until the decision; shape i is shown as a
// one-hot vector on the inputs of location locs[i] from stimulus<i> to the
// end of the last stimulus period. The target is choice ground_truth (action
// ground_truth+1) in the decision period.
//
// Step rule: a non-zero action outside the decision period costs
// rewards.abort (the trial goes on); a non-zero action in the decision
// period ends the trial, with rewards.correct and performance 1 if right,
// else rewards.fail. The answer is drawn, so even an ideal observer is not
// always right; following the target scores 1.
//
// Checked beyond NeuroGym: shape_weight must be a non-empty list that keeps
// 10^-log_odd finite (n_loc times the most negative weight at least -308;
// NeuroGym would raise OverflowError on such a trial), n_loc an integer from
// 1 to 100. p is computed with Go's math.Pow, which can differ from the C
// library's pow in the last bit; p only enters the comparison u < p with u a
// multiple of 2^-53, which such a difference flips with a probability of
// about 2^-53 per trial.
type probabilisticReasoning struct {
	weight    []float64
	weightInt []bool // weight i was written as an integer (a Python int)
	nLoc      int
	periods   []string // fixation, stimulus0.., delay, decision
	locNames  []string
	shape     []float64 // scratch one-hot row
}

func newProbabilisticReasoning(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	defWeight := []float64{-10, -0.9, -0.7, -0.5, -0.3, 0.3, 0.5, 0.7, 0.9, 10}
	weight := k.Floats("shape_weight", defWeight, 1, data.Finite)
	nLoc := k.Int("n_loc", 4, data.Between(1, 100))
	def := data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "delay", Spec: data.UniformTiming(450, 550)},
		{Period: "decision", Spec: data.Constant(500)},
	}
	for i := 0; i < nLoc; i++ {
		def = append(def, data.PeriodTiming{Period: "stimulus" + strconv.Itoa(i), Spec: data.Constant(500)})
	}
	timing := k.Timing(def)

	r := &probabilisticReasoning{weight: weight, nLoc: nLoc, shape: make([]float64, len(weight))}
	r.weightInt = make([]bool, len(weight))
	if raw, ok := k.Literal("shape_weight"); ok {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil && len(items) == len(weight) {
			for i, it := range items {
				r.weightInt[i] = data.IsIntLiteral(it)
			}
		}
	} else {
		r.weightInt[0], r.weightInt[len(weight)-1] = true, true // -10 and 10
	}
	if m := -slicesMin(weight); float64(nLoc)*m > 308 {
		k.Errorf("shape_weight", "n_loc (%d) times the most negative weight (%v) is %v: log_odd can reach -%v, and 10**-log_odd overflows beyond 10**308; keep n_loc * |min weight| <= 308",
			nLoc, -m, float64(nLoc)*m, float64(nLoc)*m)
	}
	r.periods = []string{"fixation"}
	for i := 0; i < nLoc; i++ {
		r.periods = append(r.periods, "stimulus"+strconv.Itoa(i))
	}
	r.periods = append(r.periods, "delay", "decision")

	nShape := len(weight)
	names := []data.Channel{data.Ch("fixation", 0)}
	for i := 0; i < nLoc; i++ {
		name := "loc" + strconv.Itoa(i)
		r.locNames = append(r.locNames, name)
		names = append(names, data.ChRange(name, 1+i*nShape, 1+(i+1)*nShape))
	}
	spec := data.EnvSpec{
		ID: "ProbabilisticReasoning-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(1+nShape*nLoc, names...),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.ChList("choice", 1, 2)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "probabilistic reasoning: sum the evidence weights of a sequence of shapes and report the likelier of two choices",
			Paper:      "Yang and Shadlen (2007), Probabilistic reasoning by neurons",
			Link:       "https://www.nature.com/articles/nature05852",
			Tags:       []string{"perceptual", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth"},
			// No Zero: the evidence accumulates over shapes shown in
			// successive periods; no one period's input holds zero evidence.
			Evidence: &data.Evidence{
				Label:    "log10 odds of choice 2 (log_odd)",
				Positive: 2,
				Value:    func(v *data.Vars) float64 { return v.Float("log_odd") },
			},
		},
	}
	return env(k, spec, r, seed)
}

func slicesMin(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = math.Min(m, v)
	}
	return m
}

func (r *probabilisticReasoning) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	nShape := len(r.weight)
	v.SetInts("locs", rng.Permutation(r.nLoc)) // choice(range(n_loc), n_loc, replace=False)
	shapes := make([]int, r.nLoc)
	for i := range shapes {
		shapes[i] = rng.RandInt(nShape)
	}
	v.SetInts("shapes", shapes)
	if err := v.Update(cond); err != nil {
		return err
	}
	locs, shp := v.List("locs"), v.List("shapes")
	if len(locs) < r.nLoc {
		return data.BadTrialVar("locs", v, "at least n_loc = %d locations", r.nLoc)
	}
	if len(shp) < r.nLoc {
		return data.BadTrialVar("shapes", v, "at least n_loc = %d shapes", r.nLoc)
	}
	for _, l := range locs[:r.nLoc] {
		if l < 0 || int(l) >= r.nLoc {
			return data.BadTrialVar("locs", v, "locations in [0, %d)", r.nLoc)
		}
	}
	// log_odd = sum(shape_weight[s] for s in shapes): a Python int while
	// every term is an int
	logOdd, isInt := 0.0, true
	for _, s := range shp {
		if s < 0 || int(s) >= nShape {
			return data.BadTrialVar("shapes", v, "shapes in [0, %d)", nShape)
		}
		logOdd += r.weight[int(s)]
		isInt = isInt && r.weightInt[int(s)]
	}
	odds := math.Pow(10, -logOdd)
	if math.IsInf(odds, 0) {
		return data.BadTrialVar("shapes", v, "shapes whose weights sum to at least -308 (10**-log_odd overflows)")
	}
	p := 1 / (odds + 1)
	g := 0
	if rng.Float64() < p {
		g = 1
	}
	if isInt {
		v.SetInt("log_odd", int(logOdd))
	} else {
		v.SetFloat("log_odd", logOdd)
	}
	v.SetInt("ground_truth", g)

	e.AddPeriods(r.periods...)

	e.AddOb(1, "", "fixation")
	e.SetOb(0, "decision", "fixation")
	for i := 0; i < r.nLoc; i++ {
		clear(r.shape)
		r.shape[int(shp[i])] = 1
		for _, p := range r.periods[1+i : 1+r.nLoc] {
			e.AddObVec(r.shape, p, r.locNames[int(locs[i])])
		}
	}

	e.SetGtWhere(g, "decision", "choice")
	return nil
}

// Step: see the type's doc.
func (r *probabilisticReasoning) Step(e *data.Env, a data.Action) (float64, bool) {
	return chooseElseAbort(e, a, false)
}
