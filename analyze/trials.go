package analyze

import (
	"fmt"
	"math"
)

// Trials is the per-trial record of a test: what accuracy, the
// psychometric curve and the figures' legends need, kept for every trial
// even when the per-step activity is streamed to disk (RunDir).
type Trials struct {
	// N is the number of trials and O the number of actions (1 + dim_ring).
	N, O int
	// Steps holds each trial's number of steps.
	Steps []int
	// GroundTruth is each trial's correct ring location, 0-based.
	GroundTruth []int
	// Coh is each trial's coherence in percent.
	Coh []float64
	// Choice is the action at each trial's last step; Correct whether it
	// was the target there.
	Choice  []int
	Correct []bool
}

// Trials returns the per-trial record of a (sharing its slices), or
// Validate's error.
func (a *Activity) Trials() (*Trials, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &Trials{N: a.N, O: a.O, Steps: a.Steps, GroundTruth: a.GroundTruth, Coh: a.Coh, Choice: a.Choice, Correct: a.Correct}, nil
}

// newTrials returns a record of n trials with o actions, all zero.
func newTrials(n, o int) *Trials {
	return &Trials{N: n, O: o, Steps: make([]int, n), GroundTruth: make([]int, n), Coh: make([]float64, n),
		Choice: make([]int, n), Correct: make([]bool, n)}
}

// Validate checks that every slice has N elements, choices are actions,
// ground truths ring locations and coherences finite and non-negative.
func (t *Trials) Validate() error {
	if t == nil || t.N < 1 {
		return fmt.Errorf("analyze: no trials")
	}
	if t.O < 2 {
		return fmt.Errorf("analyze: Trials.O = %d, want >= 2 (fixate plus at least one choice)", t.O)
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"Steps", len(t.Steps)}, {"GroundTruth", len(t.GroundTruth)}, {"Coh", len(t.Coh)}, {"Choice", len(t.Choice)}, {"Correct", len(t.Correct)}} {
		if l.n != t.N {
			return fmt.Errorf("analyze: len(Trials.%s) = %d, want %d", l.name, l.n, t.N)
		}
	}
	for n := range t.N {
		switch {
		case t.GroundTruth[n] < 0 || t.GroundTruth[n] >= t.O-1:
			return fmt.Errorf("analyze: Trials.GroundTruth[%d] = %d, want in [0, %d]", n, t.GroundTruth[n], t.O-2)
		case t.Choice[n] < 0 || t.Choice[n] >= t.O:
			return fmt.Errorf("analyze: Trials.Choice[%d] = %d, want in [0, %d]", n, t.Choice[n], t.O-1)
		case !(t.Coh[n] >= 0) || math.IsInf(t.Coh[n], 0):
			return fmt.Errorf("analyze: Trials.Coh[%d] = %v, want a finite coherence >= 0 (percent)", n, t.Coh[n])
		}
	}
	return nil
}

// copyFrom copies the per-trial record of a's trials into t starting at
// trial first.
func (t *Trials) copyFrom(a *Activity, first int) {
	copy(t.Steps[first:], a.Steps)
	copy(t.GroundTruth[first:], a.GroundTruth)
	copy(t.Coh[first:], a.Coh)
	copy(t.Choice[first:], a.Choice)
	copy(t.Correct[first:], a.Correct)
}
