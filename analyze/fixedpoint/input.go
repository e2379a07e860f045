package fixedpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/taskrnn/taskrnn/data"
)

// InputChoice says which constant input x* to search under, in the task's
// terms. The zero value is the default: the mean observation during the
// stimulus of trials with zero evidence (for PerceptualDecisionMaking:
// fixation 1, both stimulus channels 0.5).
type InputChoice struct {
	// Vector, if not empty, is x* itself, as JSON: an array of the task's
	// I observation values, e.g. [1, 0.5, 0.5], or an object from
	// observation channel names to a number (for every element of the
	// channel) or an array of the channel's size, e.g. {"fixation": 1,
	// "stimulus": [0.6, 0.4]}, naming every channel once. Condition and
	// Period must then be empty.
	Vector []byte
	// Condition, if not empty, forces trial variables (a JSON object,
	// NeuroGym's new_trial(**kwargs); data.ParseVars), e.g. {"coh": 12.8,
	// "ground_truth": 1}. For a schedule of tasks the key "task" (a task id
	// or its index in the schedule) chooses the task whose trials are used
	// (default the first) and the other keys go to that task. Default: the
	// task's zero-evidence condition (data.Evidence.Zero), or no forced
	// variable, so that the input is the mean over the task's conditions.
	Condition []byte
	// Period is the period whose steps are averaged. Default "stimulus" if
	// the trials have it, else the first period after "fixation" (in time)
	// that has a step, else the first period.
	Period string
	// NTrials is the number of trials averaged; 0 means DefaultInputTrials.
	NTrials int
}

// DefaultInputTrials is the number of trials TaskInput averages by default.
const DefaultInputTrials = 64

// Input is a constant input x* with where it comes from (for metrics.json
// and fixed_points.npz's input_json).
type Input struct {
	// Values is x* (I).
	Values []float64 `json:"values"`
	// Channels names each element: the observation channel, with the
	// position within a channel of several elements (data.Space.Label),
	// e.g. "fixation", "stimulus[0]"; a schedule's rule inputs are
	// "rule <task id>".
	Channels []string `json:"channels"`
	// Source is "vector" (given), "condition" (trials of a forced
	// condition), "zero evidence" (trials of the task's zero-evidence
	// condition) or "mean over conditions" (trials of random conditions).
	Source string `json:"source"`
	// Task is the id of the task whose trials gave x* (for a schedule, the
	// chosen task); empty for a vector.
	Task string `json:"task,omitempty"`
	// Period and Condition are the period averaged and the forced trial
	// variables (JSON; absent if none); NTrials the trials averaged.
	Period    string          `json:"period,omitempty"`
	Condition json.RawMessage `json:"condition,omitempty"`
	NTrials   int             `json:"n_trials,omitempty"`
	// SigmaZero reports that the trials came from a copy of the task with
	// its stimulus noise keyword sigma set to 0 (set by the caller that
	// made the copy); false for a task without sigma, whose trials are
	// averaged as they come.
	SigmaZero bool `json:"sigma_zero"`
}

// String describes the input in one line, e.g. "[fixation 1, stimulus[0]
// 0.5, stimulus[1] 0.5]: mean over the stimulus of 64 trials of
// PerceptualDecisionMaking-v0 with zero evidence {"coh": 0}, sigma 0".
func (in *Input) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range in.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		name := strconv.Itoa(i)
		if i < len(in.Channels) {
			name = in.Channels[i]
		}
		fmt.Fprintf(&b, "%s %.4g", name, v)
	}
	b.WriteByte(']')
	if in.Source == "vector" {
		b.WriteString(": given")
		return b.String()
	}
	fmt.Fprintf(&b, ": mean over the %s of %d trials of %s", in.Period, in.NTrials, in.Task)
	switch in.Source {
	case "zero evidence":
		fmt.Fprintf(&b, " with zero evidence %s", in.Condition)
	case "condition":
		fmt.Fprintf(&b, " with %s", in.Condition)
	default:
		b.WriteString(" of random conditions")
	}
	if in.SigmaZero {
		b.WriteString(", sigma 0")
	}
	return b.String()
}

// TaskInput returns the input x* that c chooses for task (see
// InputChoice), drawing trials from task with seed: pass a copy of the
// task made for the purpose (it is reseeded and stepped), with its
// stimulus noise off where it has a sigma keyword, and set SigmaZero on the
// result. For a schedule (data.Schedule) the trials come from the chosen
// task, with the schedule's rule input for it appended.
//
// Errors name the flag's value and what is allowed: a vector of the wrong
// size or with an unknown, missing or repeated channel or a non-finite
// value; a vector together with a condition or period; a condition that is
// not a JSON object or that the task refuses; an unknown schedule task; a
// period that no trial has (the error lists those they have) or that has
// no step; n_trials < 0.
func TaskInput(task data.Task, c InputChoice, seed data.Seed) (*Input, error) {
	groups := data.InputChannels(task)
	dim := task.ObSpace().Dim
	labels := make([]string, dim)
	sp := data.Space{Kind: data.Box, Dim: dim, Names: groups}
	for i := range labels {
		labels[i] = sp.Label(i)
	}
	if len(bytes.TrimSpace(c.Vector)) > 0 {
		if len(bytes.TrimSpace(c.Condition)) > 0 || c.Period != "" {
			return nil, fmt.Errorf("fixed points: input: give either a vector or a condition and period, not both")
		}
		x, err := parseVector(c.Vector, groups, labels)
		if err != nil {
			return nil, err
		}
		return &Input{Values: x, Channels: labels, Source: "vector"}, nil
	}
	n := c.NTrials
	switch {
	case n < 0:
		return nil, fmt.Errorf("fixed points: input n_trials = %d, want >= 1 (0: %d)", n, DefaultInputTrials)
	case n == 0:
		n = DefaultInputTrials
	}
	k, cond, err := splitCondition(task, c.Condition)
	if err != nil {
		return nil, err
	}
	env := task.Envs()[k]
	in := &Input{Channels: labels, Task: env.ID(), NTrials: n, Source: "condition"}
	switch {
	case cond.Len() > 0:
	case env.Info().Evidence != nil && env.Info().Evidence.Zero != "":
		if cond, err = data.ParseVars([]byte(env.Info().Evidence.Zero)); err != nil {
			return nil, fmt.Errorf("fixed points: input: %s's zero-evidence condition: %w", env.ID(), err)
		}
		in.Source = "zero evidence"
	default:
		in.Source = "mean over conditions"
	}
	if cond.Len() > 0 {
		in.Condition = json.RawMessage(cond.JSON())
	}
	rule := -1 // the rule input of a schedule's task k
	if s, ok := task.(*data.Schedule); ok && s.EnvInput() {
		rule = env.ObSpace().Dim + k
	}
	if env.ObSpace().Dim+boolInt(rule >= 0) > dim || (rule < 0 && env.ObSpace().Dim != dim) {
		return nil, fmt.Errorf("fixed points: input: %s has %d observation inputs, the network %d", env.ID(), env.ObSpace().Dim, dim)
	}

	env.Seed(seed)
	trials := make([]*data.Trial, n)
	for i := range trials {
		tr, err := env.NewTrial(cond)
		if err != nil {
			if cond.Len() > 0 {
				return nil, fmt.Errorf("fixed points: input condition %s: %w", cond.JSON(), err)
			}
			return nil, fmt.Errorf("fixed points: input: %w", err)
		}
		trials[i] = tr.Clone()
	}
	in.Period = c.Period
	if in.Period == "" {
		in.Period = defaultPeriod(trials)
	}
	sum := make([]float64, dim)
	rows := 0
	for _, tr := range trials {
		p, ok := tr.Period(in.Period)
		if !ok {
			continue
		}
		for t := p.StartIdx; t < min(p.EndIdx, tr.T); t++ {
			for j, v := range tr.Row(t) {
				sum[j] += float64(v)
			}
			if rule >= 0 {
				sum[rule]++
			}
			rows++
		}
	}
	if rows == 0 {
		return nil, fmt.Errorf("fixed points: input period %q: no step of it in %d trials of %s (their periods: %s)",
			in.Period, n, env.ID(), strings.Join(periodNames(trials), ", "))
	}
	in.Values = sum
	for j := range in.Values {
		in.Values[j] /= float64(rows)
	}
	return in, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseVector reads InputChoice.Vector.
func parseVector(js []byte, groups []data.Channel, labels []string) ([]float64, error) {
	dim := len(labels)
	s := bytes.TrimSpace(js)
	finite := func(x []float64, what string) error {
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("fixed points: input vector %s[%d] = %v, want finite values", what, i, v)
			}
		}
		return nil
	}
	if s[0] == '[' {
		var x []float64
		if err := json.Unmarshal(s, &x); err != nil {
			return nil, fmt.Errorf("fixed points: input vector %s: want a JSON array of %d numbers (%s): %v", clip(s), dim, strings.Join(labels, ", "), err)
		}
		if len(x) != dim {
			return nil, fmt.Errorf("fixed points: input vector has %d values, the task's observation has %d (%s)", len(x), dim, strings.Join(labels, ", "))
		}
		return x, finite(x, "")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(s, &obj); err != nil {
		return nil, fmt.Errorf("fixed points: input vector %s: want a JSON array of %d numbers or an object of channel values: %v", clip(s), dim, err)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("fixed points: input vector %s: the task's observation has no named channels; give an array of %d numbers", clip(s), dim)
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Name
	}
	keys := make([]string, 0, len(obj))
	for name := range obj {
		keys = append(keys, name)
	}
	slices.Sort(keys)
	for _, name := range keys {
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("fixed points: input vector: no observation channel %q (the task's: %s)", name, strings.Join(names, ", "))
		}
	}
	x := make([]float64, dim)
	set := make([]bool, dim)
	for i, name := range names {
		raw, ok := obj[name]
		if !ok {
			continue
		}
		idx := groups[i].Index
		var one float64
		var many []float64
		switch {
		case json.Unmarshal(raw, &one) == nil:
			many = make([]float64, len(idx))
			for j := range many {
				many[j] = one
			}
		case json.Unmarshal(raw, &many) == nil:
			if len(many) != len(idx) {
				return nil, fmt.Errorf("fixed points: input vector: channel %s has %d elements, given %d values", name, len(idx), len(many))
			}
		default:
			return nil, fmt.Errorf("fixed points: input vector: channel %s = %s: want a number or an array of %d numbers", name, clip(raw), len(idx))
		}
		if err := finite(many, name); err != nil {
			return nil, err
		}
		for j, e := range idx {
			if set[e] {
				return nil, fmt.Errorf("fixed points: input vector: element %d (%s) is given twice", e, labels[e])
			}
			x[e], set[e] = many[j], true
		}
	}
	var missing []string
	for e, ok := range set {
		if !ok {
			missing = append(missing, labels[e])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("fixed points: input vector: no value for %s (name every channel: %s)", strings.Join(missing, ", "), strings.Join(names, ", "))
	}
	return x, nil
}

func clip(b []byte) string {
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// splitCondition parses InputChoice.Condition and returns the index of the
// task it chooses within task.Envs() and the variables to force on it.
func splitCondition(task data.Task, js []byte) (int, *data.Vars, error) {
	all, err := data.ParseVars(js)
	if err != nil {
		return 0, nil, fmt.Errorf("fixed points: input condition: %w", err)
	}
	envs := task.Envs()
	k := 0
	cond := &data.Vars{}
	for _, v := range all.All() {
		if v.Name != "task" {
			cond.Set(v.Name, v)
			continue
		}
		ids := make([]string, len(envs))
		for i, e := range envs {
			ids[i] = e.ID()
		}
		switch {
		case v.Kind == data.StringVar && slices.Contains(ids, v.Str):
			k = slices.Index(ids, v.Str)
		case v.Kind == data.IntVar && v.Num >= 0 && int(v.Num) < len(envs):
			k = int(v.Num)
		default:
			return 0, nil, fmt.Errorf("fixed points: input condition task = %s: want one of the tasks trained (%s) or its index", v.JSON(), strings.Join(ids, ", "))
		}
	}
	return k, cond, nil
}

// defaultPeriod returns InputChoice.Period's default for trials.
func defaultPeriod(trials []*data.Trial) string {
	has := func(name string) bool {
		for _, tr := range trials {
			if p, ok := tr.Period(name); ok && p.Steps() > 0 {
				return true
			}
		}
		return false
	}
	if has("stimulus") {
		return "stimulus"
	}
	ps := append([]data.Period(nil), trials[0].Periods...)
	slices.SortStableFunc(ps, func(a, b data.Period) int { return a.StartIdx - b.StartIdx })
	for _, p := range ps {
		if p.Name != "fixation" && has(p.Name) {
			return p.Name
		}
	}
	return ps[0].Name
}

// periodNames lists the periods of trials, in order of first appearance.
func periodNames(trials []*data.Trial) []string {
	var out []string
	for _, tr := range trials {
		for _, p := range tr.Periods {
			if !slices.Contains(out, p.Name) {
				out = append(out, p.Name)
			}
		}
	}
	return out
}
