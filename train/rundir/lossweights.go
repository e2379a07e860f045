package rundir

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/taskrnn/taskrnn/data"
)

// DefaultPeriod is the loss_weights key that gives the weight of steps in
// no named period (1 if absent).
const DefaultPeriod = "default"

// LossWeights is the loss_weights key: per-period loss weights, a JSON
// object from period name (the task's NeuroGym period names, e.g.
// "fixation", "stimulus", "decision") to a weight >= 0, plus DefaultPeriod
// for every other step, e.g. {"decision": 1, "default": 0} (decision
// period only) or {"fixation": 0.1} (fixation weighted 0.1, the rest 1).
// Empty (the default) weighs every step 1. The loss is Σ m·ℓ / Σ m over
// the steps of a batch (model.Targets); accuracy and the analysis are not
// weighted.
type LossWeights map[string]float64

// Set parses a JSON object (flag.Value).
func (w *LossWeights) Set(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	var m map[string]float64
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf(`loss_weights: want a JSON object {"period": weight, ...}: %w`, err)
	}
	if dec.More() {
		return fmt.Errorf("loss_weights: trailing data after the JSON object")
	}
	*w = m
	return nil
}

// String returns w as JSON ("" when empty).
func (w LossWeights) String() string {
	if len(w) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string]float64(w))
	return string(b)
}

// PeriodWeights returns w for data.NewWeightedDataset.
func (w LossWeights) PeriodWeights() data.PeriodWeights {
	pw := data.PeriodWeights{Default: 1, Weights: map[string]float64{}}
	for p, v := range w {
		if p == DefaultPeriod {
			pw.Default = v
		} else {
			pw.Weights[p] = v
		}
	}
	return pw
}

// validateLossWeights checks c.LossWeights against task: every name is one
// of the task's periods (data.TaskPeriods) or DefaultPeriod, every weight
// is finite and >= 0, and not every step weighs 0.
func (c Config) validateLossWeights(task data.Task) []error {
	if len(c.LossWeights) == 0 {
		return nil
	}
	var errs []error
	periods, err := data.TaskPeriods(task, 32)
	if err != nil {
		return []error{fmt.Errorf("loss_weights: %w", err)}
	}
	names := make([]string, 0, len(c.LossWeights))
	for p := range c.LossWeights {
		names = append(names, p)
	}
	sort.Strings(names)
	anyPositive := false
	for _, p := range names {
		v := c.LossWeights[p]
		if p != DefaultPeriod && !slices.Contains(periods, p) {
			errs = append(errs, fmt.Errorf("loss_weights: %q is not a period of %s: its periods are %s (and %q for the other steps)",
				p, c.Task, strings.Join(periods, ", "), DefaultPeriod))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			errs = append(errs, fmt.Errorf("loss_weights: %q = %v: must be a finite number >= 0", p, v))
		}
		anyPositive = anyPositive || v > 0
	}
	if _, ok := c.LossWeights[DefaultPeriod]; !ok {
		anyPositive = true // the other steps weigh 1
	}
	if !anyPositive && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("loss_weights = %s: every step would weigh 0, so nothing would be trained", c.LossWeights))
	}
	return errs
}
