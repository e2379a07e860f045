package analyze

import (
	"fmt"

	"github.com/taskrnn/taskrnn/data"
)

// Trials is the per-trial record of a test: what accuracy, performance,
// the psychometric curve and the figures' legends need, kept for every
// trial even when the per-step activity is streamed to disk (RunDir).
type Trials struct {
	// N is the number of trials and O the number of actions (or the length
	// of an action vector, for a Box action space).
	N, O    int
	ActKind data.SpaceKind
	// Task names the task, its conditions and evidence.
	Task TaskLabels
	// Steps holds each trial's number of steps.
	Steps []int
	// Vars are the trials' variables (NeuroGym's trial dicts) and
	// TaskIndex each trial's task within a schedule.
	Vars      []data.Vars
	TaskIndex []int
	// Choice is the action at each trial's last step (-1 for a Box action
	// space); Correct whether it was the target there; Performance
	// NeuroGym's performance of the trial (NaN if not scored).
	Choice      []int
	Correct     []bool
	Performance []float64
}

// Trials returns the per-trial record of a (sharing its slices), or
// Validate's error.
func (a *Activity) Trials() (*Trials, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &Trials{N: a.N, O: a.O, ActKind: a.ActKind, Task: a.Task, Steps: a.Steps, Vars: a.Vars, TaskIndex: a.TaskIndex,
		Choice: a.Choice, Correct: a.Correct, Performance: a.Performance}, nil
}

// newTrials returns a record of n trials with o actions, all zero.
func newTrials(n, o int, act data.SpaceKind, task TaskLabels) *Trials {
	return &Trials{N: n, O: o, ActKind: act, Task: task, Steps: make([]int, n), Vars: make([]data.Vars, n),
		TaskIndex: make([]int, n), Choice: make([]int, n), Correct: make([]bool, n), Performance: make([]float64, n)}
}

// Validate checks that every slice has N elements and that choices are
// actions (or -1 for a Box action space).
func (t *Trials) Validate() error {
	if t == nil || t.N < 1 {
		return fmt.Errorf("analyze: no trials")
	}
	if t.O < 1 {
		return fmt.Errorf("analyze: Trials.O = %d, want >= 1", t.O)
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"Steps", len(t.Steps)}, {"Vars", len(t.Vars)}, {"TaskIndex", len(t.TaskIndex)}, {"Choice", len(t.Choice)},
		{"Correct", len(t.Correct)}, {"Performance", len(t.Performance)}} {
		if l.n != t.N {
			return fmt.Errorf("analyze: len(Trials.%s) = %d, want %d", l.name, l.n, t.N)
		}
	}
	for n := range t.N {
		if c := t.Choice[n]; c < -1 || c >= t.O || (c == -1) != (t.ActKind == data.Box) {
			return fmt.Errorf("analyze: Trials.Choice[%d] = %d, want an action in [0, %d] (or -1 for continuous actions)", n, c, t.O-1)
		}
	}
	return nil
}

// copyFrom copies the per-trial record of a's trials into t starting at
// trial first.
func (t *Trials) copyFrom(a *Activity, first int) {
	copy(t.Steps[first:], a.Steps)
	copy(t.Vars[first:], a.Vars)
	copy(t.TaskIndex[first:], a.TaskIndex)
	copy(t.Choice[first:], a.Choice)
	copy(t.Correct[first:], a.Correct)
	copy(t.Performance[first:], a.Performance)
}

// Evidence returns trial n's signed evidence (the task's Evidence), and
// ok == false if the task defines none.
func (t *Trials) Evidence(n int) (float64, bool) {
	ev := t.Task.Info.Evidence
	if ev == nil || ev.Value == nil {
		return 0, false
	}
	return ev.Value(&t.Vars[n]), true
}
