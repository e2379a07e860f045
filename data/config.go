package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// FixationCue selects when the fixation input (observation column 0) is on.
type FixationCue string

const (
	// FixationUntilDecision: the cue is 1 in fixation, stimulus and delay and
	// goes off at the decision (the go cue). NeuroGym's behaviour until 2025
	// and the default.
	FixationUntilDecision FixationCue = "until_decision"
	// FixationOnly: the cue is 1 in the fixation period only (upstream since 2025).
	FixationOnly FixationCue = "fixation_only"
)

// Rewards are the per-step rewards of the stepping API.
type Rewards struct {
	Abort   float64 `json:"abort"`   // breaking fixation, every such step (default -0.1)
	Correct float64 `json:"correct"` // correct choice in the decision period (default +1)
	Fail    float64 `json:"fail"`    // wrong choice in the decision period (default 0)
}

// PDMTiming is the timing of the four periods of PerceptualDecisionMaking, in
// ms. The period order is always fixation, stimulus, delay, decision.
type PDMTiming struct {
	Fixation TimingSpec `json:"fixation"` // default 100
	Stimulus TimingSpec `json:"stimulus"` // default 2000
	Delay    TimingSpec `json:"delay"`    // default 0
	Decision TimingSpec `json:"decision"` // default 100
}

// PDMConfig holds NeuroGym's PerceptualDecisionMaking constructor keywords.
// Its JSON form is the kwargs dictionary (see ParsePDMKwargs), plus the
// fixation_cue extension.
type PDMConfig struct {
	Dt          float64     `json:"dt"`           // step length, ms (> 0); default 100
	Rewards     Rewards     `json:"rewards"`      // default abort -0.1, correct 1, fail 0
	Timing      PDMTiming   `json:"timing"`       // period durations, ms
	Cohs        []float64   `json:"cohs"`         // coherences, percent; default 0, 6.4, 12.8, 25.6, 51.2
	StimScale   float64     `json:"stim_scale"`   // multiplies every coherence; default 1
	Sigma       float64     `json:"sigma"`        // input noise before dt scaling (>= 0); default 1
	DimRing     int         `json:"dim_ring"`     // number of choices (>= 2); default 2
	Abort       bool        `json:"abort"`        // breaking fixation ends the trial; default false
	FixationCue FixationCue `json:"fixation_cue"` // default FixationUntilDecision
}

// DefaultPDMConfig returns NeuroGym's defaults (spec section 1).
func DefaultPDMConfig() PDMConfig {
	return PDMConfig{
		Dt:      100,
		Rewards: Rewards{Abort: -0.1, Correct: 1, Fail: 0},
		Timing: PDMTiming{
			Fixation: Constant(100),
			Stimulus: Constant(2000),
			Delay:    Constant(0),
			Decision: Constant(100),
		},
		Cohs:        []float64{0, 6.4, 12.8, 25.6, 51.2},
		StimScale:   1,
		Sigma:       1,
		DimRing:     2,
		Abort:       false,
		FixationCue: FixationUntilDecision,
	}
}

// ObsDim is the observation length 1 + DimRing (fixation cue, then one
// stimulus channel per ring location).
func (c PDMConfig) ObsDim() int { return 1 + c.DimRing }

// ActDim is the number of actions 1 + DimRing (0 = fixate, k = choose ring
// location k-1).
func (c PDMConfig) ActDim() int { return 1 + c.DimRing }

// SigmaEffective is the per-step noise std sigma / sqrt(dt).
func (c PDMConfig) SigmaEffective() float64 { return c.Sigma / math.Sqrt(c.Dt) }

// Periods returns the period declarations in order: fixation, stimulus,
// delay, decision.
func (c PDMConfig) Periods() []PeriodSpec {
	return []PeriodSpec{
		{"fixation", c.Timing.Fixation},
		{"stimulus", c.Timing.Stimulus},
		{"delay", c.Timing.Delay},
		{"decision", c.Timing.Decision},
	}
}

// MaxSteps returns the largest number of rows a trial can have (math.MaxInt
// if a period is unbounded). The config must be valid.
func (c PDMConfig) MaxSteps() int {
	total := 0.0
	for _, p := range c.Periods() {
		total += pyFloorDiv(p.Timing.Max(), c.Dt) * c.Dt
	}
	if math.IsInf(total, 0) || total/c.Dt > math.MaxInt32 {
		return math.MaxInt
	}
	return int(total / c.Dt)
}

// minSteps returns the smallest number of rows a trial can have.
func (c PDMConfig) minSteps() int {
	total := 0.0
	for _, p := range c.Periods() {
		total += pyFloorDiv(p.Timing.Min(), c.Dt) * c.Dt
	}
	return int(total / c.Dt)
}

// Validate reports the first invalid field, naming it and the allowed values.
func (c PDMConfig) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if !(c.Dt > 0) || !finite(c.Dt) {
		return fmt.Errorf("dt = %v: must be a finite number of ms > 0", c.Dt)
	}
	if c.DimRing < 2 {
		return fmt.Errorf("dim_ring = %d: must be an integer >= 2", c.DimRing)
	}
	if len(c.Cohs) == 0 {
		return errors.New("cohs is empty: need at least one coherence (percent)")
	}
	for i, v := range c.Cohs {
		if !finite(v) {
			return fmt.Errorf("cohs[%d] = %v: must be finite", i, v)
		}
	}
	if !finite(c.StimScale) {
		return fmt.Errorf("stim_scale = %v: must be finite", c.StimScale)
	}
	if !(c.Sigma >= 0) || !finite(c.Sigma) {
		return fmt.Errorf("sigma = %v: must be a finite number >= 0", c.Sigma)
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"abort", c.Rewards.Abort}, {"correct", c.Rewards.Correct}, {"fail", c.Rewards.Fail}} {
		if !finite(r.v) {
			return fmt.Errorf("rewards.%s = %v: must be finite", r.name, r.v)
		}
	}
	for _, p := range c.Periods() {
		if err := p.Timing.Validate(); err != nil {
			return fmt.Errorf("timing.%s: %w", p.Name, err)
		}
	}
	if c.minSteps() < 1 {
		return fmt.Errorf("timing: the shortest possible trial has no step of dt = %v ms; make the periods longer", c.Dt)
	}
	switch c.FixationCue {
	case FixationUntilDecision, FixationOnly:
	default:
		return fmt.Errorf("fixation_cue = %q: allowed %q, %q", c.FixationCue, FixationUntilDecision, FixationOnly)
	}
	return nil
}

var pdmKwargs = []string{"dt", "rewards", "timing", "cohs", "stim_scale", "sigma", "dim_ring", "abort", "fixation_cue"}

// ParsePDMKwargs parses NeuroGym constructor keywords given as a JSON object,
// e.g. {"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}, merged over
// DefaultPDMConfig (partial rewards and timing maps are merged too). Allowed
// keys: dt, rewards (abort, correct, fail), timing (fixation, stimulus, delay,
// decision; see TimingSpec.UnmarshalJSON for the forms), cohs, stim_scale,
// sigma, dim_ring, abort, and the extension fixation_cue ("until_decision" or
// "fixation_only"). Unknown keys, wrong types, malformed JSON and invalid
// values (see Validate) are errors naming the field. Empty input means {}.
func ParsePDMKwargs(js []byte) (PDMConfig, error) {
	cfg := DefaultPDMConfig()
	if len(bytes.TrimSpace(js)) == 0 {
		return cfg, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil {
		return cfg, fmt.Errorf("kwargs: malformed JSON object: %w", err)
	}
	if top == nil {
		return cfg, errors.New("kwargs: want a JSON object, got null")
	}
	for _, k := range sortedKeys(top) {
		raw := top[k]
		var err error
		switch k {
		case "dt":
			cfg.Dt, err = number(raw)
		case "stim_scale":
			cfg.StimScale, err = number(raw)
		case "sigma":
			cfg.Sigma, err = number(raw)
		case "dim_ring":
			var v float64
			v, err = number(raw)
			if err == nil && (v != math.Trunc(v) || math.Abs(v) > 1<<30) {
				err = fmt.Errorf("%s is not an integer", raw)
			}
			cfg.DimRing = int(v)
		case "abort":
			err = json.Unmarshal(raw, &cfg.Abort)
		case "fixation_cue":
			err = json.Unmarshal(raw, &cfg.FixationCue)
		case "cohs":
			var items []json.RawMessage
			if err = json.Unmarshal(raw, &items); err == nil {
				cfg.Cohs, err = numberList(items)
			}
		case "rewards":
			err = mergeRewards(&cfg.Rewards, raw)
		case "timing":
			err = mergeTiming(&cfg.Timing, raw)
		default:
			return cfg, fmt.Errorf("kwargs: unknown key %q (allowed: %s)", k, strings.Join(pdmKwargs, ", "))
		}
		if err != nil {
			return cfg, fmt.Errorf("kwargs %s: %w", k, err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("kwargs: %w", err)
	}
	return cfg, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func mergeRewards(r *Rewards, raw json.RawMessage) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return fmt.Errorf("want an object with keys abort, correct, fail, got %s", raw)
	}
	for _, k := range sortedKeys(m) {
		v, err := number(m[k])
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "abort":
			r.Abort = v
		case "correct":
			r.Correct = v
		case "fail":
			r.Fail = v
		default:
			return fmt.Errorf("unknown reward %q (allowed: abort, correct, fail)", k)
		}
	}
	return nil
}

func mergeTiming(t *PDMTiming, raw json.RawMessage) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return fmt.Errorf("want an object with keys fixation, stimulus, delay, decision, got %s", raw)
	}
	for _, k := range sortedKeys(m) {
		var dst *TimingSpec
		switch k {
		case "fixation":
			dst = &t.Fixation
		case "stimulus":
			dst = &t.Stimulus
		case "delay":
			dst = &t.Delay
		case "decision":
			dst = &t.Decision
		default:
			return fmt.Errorf("unknown period %q (allowed: fixation, stimulus, delay, decision)", k)
		}
		if err := json.Unmarshal(m[k], dst); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}
