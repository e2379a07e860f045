package tasks

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/taskrnn/taskrnn/data"
)

// hierarchicalReasoning is NeuroGym's HierarchicalReasoning-v0
// (neurogym/envs/hierarchicalreasoning.py), after Sarafyazd and Jazayeri
// (2019): two flashes at one of two locations are separated by an interval;
// under rule 1 the answer is the flash location if the interval is long and
// the opposite location if it is short, under rule 0 the other way round.
// The rule alternates in blocks of 10 to 20 trials and is not shown; the
// network reports it in the rule_target period.
//
// Trial variables: interval (a duration drawn from timing.delay, floored to
// dt; an int when the timing and dt are Python ints), rule (the block's
// rule, 0 or 1), stimulus (the flash location, 0 or 1), long_interval
// (interval > mid_delay + u - 0.5 with u uniform in [0, 1)) and pro_choice
// (int(long_interval) == rule: the answer is the flash location). mid_delay
// is NeuroGym's np.median(timing['delay'][1]): 610 ms with the default
// timing (its second element, not the median of the list); for a timing
// [kind, args] the median of args. As in NeuroGym, the delay period is a
// second draw from timing.delay, independent of interval, and a forced
// interval changes only the trial dict.
//
// Periods fixation (TruncExp(600, 400, 800) ms), rule_target (1000 ms),
// fixation2 (TruncExp(600, 400, 900) ms), flash1 (100 ms), delay (one of
// 530, 610, ..., 1170 ms), flash2 (100 ms), decision (700 ms); the TruncExp
// periods draw from their own random streams. Inputs: fixation is 1 until
// the decision; both rule inputs are 1 in rule_target; the stimulus input of
// the flash location is 1 in flash1 and flash2. Targets: rule input rule
// (action 1+rule) in rule_target, choice (action 3 + the answer location)
// in the decision period.
//
// Step rule: in rule_target the last action records whether the rule was
// reported; a non-zero action in the decision period ends the trial, with
// rewards.correct and performance 1 if it is the target and the rule was
// reported, else rewards.fail; a non-zero action in any other period costs
// rewards.abort (the trial goes on). Following the target scores 1. The
// rule report is cleared when a trial starts (NeuroGym clears it when a
// trial ends by an action, not at a timeout; rule_target, which always has
// a step, sets it before the decision either way).
//
// Blocks: NeuroGym draws the first block's length in __init__, before
// env.seed, from an unseeded stream, so its first rule switch (after 10 to
// 20 trials) is not reproducible; here it is randint(10, 21) from
// RandomState(seed) at construction, leaving the task's stream as
// NeuroGym's. The following blocks draw their lengths from the task's
// stream as in NeuroGym. Trial 1 to 10 always match NeuroGym; later trials
// match it when its first block happens to have the same length.
type hierarchicalReasoning struct {
	midDelay    float64
	intervalInt bool // interval is a Python int (int timing and dt)
	rule        int
	inBlock     int
	blockSize   int
	choseRule   bool // chose_correct_rule, stepping state
}

func newHierarchicalReasoning(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	delay := []float64{530, 610, 690, 770, 850, 930, 1010, 1090, 1170}
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timing := k.Timing(data.Timing{
		{Period: "fixation", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{600, 400, 800}}},
		{Period: "rule_target", Spec: data.Constant(1000)},
		{Period: "fixation2", Spec: data.TimingSpec{Kind: data.TimingTruncExp, Values: []float64{600, 400, 900}}},
		{Period: "flash1", Spec: data.Constant(100)},
		{Period: "delay", Spec: data.TimingSpec{Kind: data.TimingList, Values: delay}},
		{Period: "flash2", Spec: data.Constant(100)},
		{Period: "decision", Spec: data.Constant(700)},
	})
	r := &hierarchicalReasoning{midDelay: delay[1], intervalInt: true}
	if raw, ok := k.Literal("timing", "delay"); ok {
		mid, isInt, err := hrMidDelay(raw)
		if err != "" {
			k.Errorf("timing.delay", "%s", err)
		}
		r.midDelay, r.intervalInt = mid, isInt
	}
	if raw, ok := k.Literal("dt"); ok && !data.IsIntLiteral(raw) {
		r.intervalInt = false
	}
	// NeuroGym's __init__ calls new_block(): rule 0 -> 1 and a block length
	r.rule, r.blockSize = 1, seed.NewRandomState().RandIntRange(10, 21)
	spec := data.EnvSpec{
		ID: "HierarchicalReasoning-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(5, data.Ch("fixation", 0), data.ChList("rule", 1, 2), data.ChList("stimulus", 3, 4)),
		ActSpace:      data.DiscreteSpace(5, data.Ch("fixation", 0), data.ChList("rule", 1, 2), data.ChList("choice", 3, 4)),
		AnswerPeriods: []string{"rule_target", "decision"},
		Info: data.TaskInfo{
			Summary:    "hierarchical reasoning: judge whether an interval is long, and map the judgement to a location by an uncued rule that switches in blocks",
			Paper:      "Sarafyazd and Jazayeri (2019), Hierarchical reasoning by neural circuits in the frontal cortex",
			Link:       "https://science.sciencemag.org/content/364/6441/eaav8911",
			Tags:       []string{"perceptual", "two-alternative", "supervised"},
			Conditions: []string{"rule", "interval", "pro_choice"},
		},
	}
	return env(k, spec, r, seed)
}

// hrMidDelay returns NeuroGym's np.median(timing['delay'][1]) for the JSON
// text raw given as timing.delay, and whether durations drawn from it are
// Python ints (before flooring to dt); err says why raw has no such value.
func hrMidDelay(raw json.RawMessage) (mid float64, isInt bool, err string) {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return 0, false, fmt.Sprintf("%s: HierarchicalReasoning needs a list of durations or [kind, args]: NeuroGym takes np.median(timing['delay'][1]) as the long/short threshold (for a constant delay write [\"constant\", x])", raw)
	}
	var kind string
	if len(items) == 0 || json.Unmarshal(items[0], &kind) != nil {
		// a list of durations: element [1] is the threshold
		if len(items) < 2 {
			return 0, false, fmt.Sprintf("%s: HierarchicalReasoning needs at least 2 durations: NeuroGym takes element [1] as the long/short threshold", raw)
		}
		vals, ints, ok := numbers(items)
		if !ok {
			return 0, false, "" // the timing keyword reports it
		}
		return vals[1], ints, ""
	}
	if len(items) != 2 {
		return 0, false, ""
	}
	var args []json.RawMessage
	if json.Unmarshal(items[1], &args) != nil {
		args = items[1:] // a single number, e.g. ["constant", 800]
	}
	vals, ints, ok := numbers(args)
	if !ok || len(vals) == 0 {
		return 0, false, ""
	}
	sort.Float64s(vals)
	n := len(vals)
	mid = vals[n/2]
	if n%2 == 0 {
		mid = (vals[n/2-1] + vals[n/2]) / 2
	}
	return mid, ints && (kind == "constant" || kind == "choice"), ""
}

// numbers decodes JSON numbers and reports whether all were written as
// integers.
func numbers(items []json.RawMessage) ([]float64, bool, bool) {
	vals := make([]float64, len(items))
	ints := true
	for i, it := range items {
		if json.Unmarshal(it, &vals[i]) != nil {
			return nil, false, false
		}
		ints = ints && data.IsIntLiteral(it)
	}
	return vals, ints, true
}

// StartTrial clears the rule report (NeuroGym's chose_correct_rule).
func (r *hierarchicalReasoning) StartTrial(e *data.Env) { r.choseRule = false }

func (r *hierarchicalReasoning) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	r.StartTrial(e)
	rng := e.Rng()
	interval := e.SampleTime("delay")
	if r.intervalInt {
		v.SetInt("interval", int(interval))
	} else {
		v.SetFloat("interval", interval)
	}
	v.SetInt("rule", r.rule)
	v.SetInt("stimulus", rng.RandInt(2))
	if err := v.Update(cond); err != nil {
		return err
	}
	long := interval > r.midDelay+(rng.Float64()-0.5)
	rule, stim := v.Int("rule"), v.Int("stimulus")
	if rule != 0 && rule != 1 {
		return data.BadTrialVar("rule", v, "0 or 1")
	}
	if stim != 0 && stim != 1 {
		return data.BadTrialVar("stimulus", v, "a location, 0 or 1")
	}
	pro := long == (rule == 1)
	v.SetBool("long_interval", long)
	v.SetBool("pro_choice", pro)

	e.AddPeriods("fixation", "rule_target", "fixation2", "flash1", "delay", "flash2", "decision")

	choice := stim
	if !pro {
		choice = 1 - stim
	}
	e.AddOb(1, "", "fixation")
	e.SetOb(0, "decision", "fixation")
	e.AddOb(1, "rule_target", "rule")
	col := 3 + stim // observation_space.name['stimulus'][stimulus]
	for _, p := range []string{"flash1", "flash2"} {
		ob := e.ViewOb(p)
		for t := 0; t < ob.Rows; t++ {
			*ob.At(t, col)++
		}
	}

	e.SetGtWhere(choice, "decision", "choice")
	e.SetGtWhere(rule, "rule_target", "rule")

	r.inBlock++
	if r.inBlock >= r.blockSize {
		r.blockSize = rng.RandIntRange(10, 21)
		r.rule = 1 - r.rule
		r.inBlock = 0
	}
	return nil
}

// Step: see the type's doc.
func (r *hierarchicalReasoning) Step(e *data.Env, a data.Action) (float64, bool) {
	reward, newTrial := 0.0, false
	switch {
	case e.InPeriod("decision"):
		if a.Index != 0 {
			newTrial = true
			if a.Index == e.GtNow() && r.choseRule {
				reward += e.Reward("correct")
				e.SetPerformance(1)
			} else {
				reward += e.Reward("fail")
			}
		}
	case e.InPeriod("rule_target"):
		r.choseRule = a.Index == e.GtNow()
	default:
		if a.Index != 0 {
			reward += e.Reward("abort")
		}
	}
	if newTrial {
		r.choseRule = false
	}
	return reward, newTrial
}
