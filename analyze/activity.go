package analyze

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/data"
)

// Activity is the record of a network tested on N trials of a task.
//
// Trials may differ in length. Every per-step array is laid out trial-major
// with T = the longest trial's number of steps, and trial n's steps
// Steps[n]..T-1 are zero padding (Target there is 0). Because the network is
// causal, the padding never influences a trial's real steps.
//
// All per-step arrays are row-major: Inputs (N, T, I), Hidden (N, T, H),
// Outputs (N, T, O) and Target (N, T) or TargetVec (N, T, O), so that
// element (n, t, k) of Hidden is Hidden[(n*T+t)*H+k].
type Activity struct {
	// N, T, I, H and O are the number of trials, the padded number of steps,
	// and the input, hidden and output sizes (the task's observation size
	// and number of actions, or action vector length).
	N, T, I, H, O int

	// Dt is the step length in ms.
	Dt float64

	// Steps holds each trial's number of steps (N), 1 <= Steps[n] <= T.
	Steps []int

	// Inputs are the observations (N, T, I).
	Inputs []float32
	// Hidden are the hidden states after each step (N, T, H).
	Hidden []float32
	// Outputs are the output logits, or output vectors for a Box action
	// space (N, T, O).
	Outputs []float32

	// ActKind is the task's action space: Discrete (Target holds the
	// desired action per step, (N, T)) or Box (TargetVec holds the desired
	// output vector, (N, T, O)).
	ActKind   data.SpaceKind
	Target    []int32
	TargetVec []float32

	// Vars are the trials' variables (NeuroGym's trial dicts), TaskIndex the
	// task of each trial within a schedule (0 for one task) and Periods
	// each trial's periods (all N long).
	Vars      []data.Vars
	TaskIndex []int
	Periods   [][]data.Period

	// Task describes the task for labels and condition analysis.
	Task TaskLabels

	// Choice is the action with the largest output at the trial's last step
	// (N); ties go to the lowest index. Correct reports whether Choice equals
	// the target at that step (N). Both are filled by Decide, for Discrete
	// action spaces (the tutorial's rule).
	Choice  []int
	Correct []bool
	// Performance is NeuroGym's performance of each trial (N): the
	// network's per-step actions (argmax, or the output vector for a Box)
	// fed through the task's step rule (data.Task.Replay); NaN where it
	// was not computed.
	Performance []float64
}

// TaskLabels names what an Activity's numbers mean.
type TaskLabels struct {
	// ID is the task id (or schedule name); Tasks the scheduled task ids.
	ID    string
	Tasks []string
	// Info is the task's description (conditions, evidence).
	Info data.TaskInfo
	// ObNames (I) and ActNames (O) label the inputs and outputs.
	ObNames, ActNames []string
}

// LabelsOf returns the labels of task: channel names of its spaces (see
// data.Space.Label; for a schedule, data.InputChannels), its info and, for
// a schedule, its tasks.
func LabelsOf(task data.Task) TaskLabels {
	l := TaskLabels{ID: task.ID(), Info: task.Info()}
	ob, act := task.ObSpace(), task.ActSpace()
	named := data.Space{Kind: ob.Kind, Dim: ob.Dim, Names: data.InputChannels(task)}
	for i := 0; i < ob.Dim; i++ {
		l.ObNames = append(l.ObNames, named.Label(i))
	}
	for i := 0; i < act.Dim; i++ {
		name := act.Label(i)
		if act.Kind == data.Discrete && len(act.Names) == 0 {
			name = choiceName(i)
		}
		l.ActNames = append(l.ActNames, name)
	}
	if _, ok := task.(*data.Schedule); ok {
		for _, e := range task.Envs() {
			l.Tasks = append(l.Tasks, e.ID())
		}
	}
	return l
}

// NewActivity returns an Activity with all arrays allocated for n trials of
// at most t steps with input, hidden and output sizes i, h and o and the
// given action space kind. Steps is set to t for every trial and
// Performance to NaN. It returns an error if any size is not positive.
func NewActivity(n, t, i, h, o int, act data.SpaceKind) (*Activity, error) {
	for _, d := range []struct {
		name string
		v    int
	}{{"n_trials", n}, {"steps", t}, {"inputs", i}, {"hidden", h}, {"outputs", o}} {
		if d.v <= 0 {
			return nil, fmt.Errorf("analyze: activity size %s = %d, want > 0", d.name, d.v)
		}
	}
	a := &Activity{
		N: n, T: t, I: i, H: h, O: o, ActKind: act,
		Steps:       make([]int, n),
		Inputs:      make([]float32, n*t*i),
		Hidden:      make([]float32, n*t*h),
		Outputs:     make([]float32, n*t*o),
		Vars:        make([]data.Vars, n),
		TaskIndex:   make([]int, n),
		Periods:     make([][]data.Period, n),
		Choice:      make([]int, n),
		Correct:     make([]bool, n),
		Performance: make([]float64, n),
	}
	if act == data.Box {
		a.TargetVec = make([]float32, n*t*o)
	} else {
		a.Target = make([]int32, n*t)
	}
	for k := range a.Steps {
		a.Steps[k] = t
		a.Performance[k] = math.NaN()
	}
	return a, nil
}

// Validate checks that the sizes are positive, every array has the length
// its shape implies, Steps lie in [1, T], targets are valid actions, and Dt
// is positive. It returns an error naming the first bad field.
func (a *Activity) Validate() error {
	if a == nil {
		return errors.New("analyze: nil Activity")
	}
	for _, d := range []struct {
		name string
		v    int
	}{{"N", a.N}, {"T", a.T}, {"I", a.I}, {"H", a.H}, {"O", a.O}} {
		if d.v <= 0 {
			return fmt.Errorf("analyze: Activity.%s = %d, want > 0", d.name, d.v)
		}
	}
	if !(a.Dt > 0) || math.IsInf(a.Dt, 0) {
		return fmt.Errorf("analyze: Activity.Dt = %v ms, want a finite value > 0", a.Dt)
	}
	box := a.ActKind == data.Box
	tgt, tvec := a.N*a.T, 0
	if box {
		tgt, tvec = 0, a.N*a.T*a.O
	}
	lens := []struct {
		name      string
		got, want int
	}{
		{"Steps", len(a.Steps), a.N},
		{"Inputs", len(a.Inputs), a.N * a.T * a.I},
		{"Hidden", len(a.Hidden), a.N * a.T * a.H},
		{"Outputs", len(a.Outputs), a.N * a.T * a.O},
		{"Target", len(a.Target), tgt},
		{"TargetVec", len(a.TargetVec), tvec},
		{"Vars", len(a.Vars), a.N},
		{"TaskIndex", len(a.TaskIndex), a.N},
		{"Periods", len(a.Periods), a.N},
		{"Choice", len(a.Choice), a.N},
		{"Correct", len(a.Correct), a.N},
		{"Performance", len(a.Performance), a.N},
	}
	for _, l := range lens {
		if l.got != l.want {
			return fmt.Errorf("analyze: len(Activity.%s) = %d, want %d", l.name, l.got, l.want)
		}
	}
	for n, s := range a.Steps {
		if s < 1 || s > a.T {
			return fmt.Errorf("analyze: Activity.Steps[%d] = %d, want in [1, %d]", n, s, a.T)
		}
	}
	for k, g := range a.Target {
		if g < 0 || int(g) >= a.O {
			return fmt.Errorf("analyze: Activity.Target[%d] = %d (trial %d, step %d), want an action in [0, %d]", k, g, k/a.T, k%a.T, a.O-1)
		}
	}
	return nil
}

// Decide fills Choice and Correct from Outputs and Target (the tutorial's
// rule): the choice is the action with the largest output at each trial's
// last step, Steps[n]-1 (ties go to the lowest action index), and the trial
// is correct when that choice equals the target there. For a Box action
// space there is no choice: Choice is -1 and Correct false. It returns
// Validate's error, if any.
func (a *Activity) Decide() error {
	if err := a.Validate(); err != nil {
		return err
	}
	for n := 0; n < a.N; n++ {
		if a.ActKind == data.Box {
			a.Choice[n], a.Correct[n] = -1, false
			continue
		}
		last := n*a.T + a.Steps[n] - 1
		best := argmax32(a.Outputs[last*a.O : (last+1)*a.O])
		a.Choice[n] = best
		a.Correct[n] = best == int(a.Target[last])
	}
	return nil
}

func argmax32(out []float32) int {
	best := 0
	for k, v := range out {
		if v > out[best] {
			best = k
		}
	}
	return best
}

// DecisionSteps returns the first and one-past-last step of trial n's
// response, the steps whose target differs from the target of the first
// step (the fixation action, or a Box task's resting vector). It returns
// ok == false if the trial has no such step. It panics if n is out of
// range.
func (a *Activity) DecisionSteps(n int) (start, end int, ok bool) {
	start = -1
	differs := func(t int) bool {
		if a.ActKind == data.Box {
			r0 := a.TargetVec[(n*a.T)*a.O : (n*a.T+1)*a.O]
			rt := a.TargetVec[(n*a.T+t)*a.O : (n*a.T+t+1)*a.O]
			return !slices.Equal(r0, rt)
		}
		return a.Target[n*a.T+t] != a.Target[n*a.T]
	}
	for t := 0; t < a.Steps[n]; t++ {
		if differs(t) {
			if start < 0 {
				start = t
			}
			end = t + 1
		}
	}
	return start, end, start >= 0
}

// Evidence returns trial n's signed evidence (the task's Evidence), and
// ok == false if the task defines none.
func (a *Activity) Evidence(n int) (float64, bool) {
	t := Trials{Task: a.Task, Vars: a.Vars}
	return t.Evidence(n)
}

// HiddenMatrix returns the hidden states of all real steps of all trials as
// a (sum of Steps, H) matrix in float64, trial after trial, steps in order.
func (a *Activity) HiddenMatrix() *mat.Dense {
	rows := 0
	for _, s := range a.Steps {
		rows += s
	}
	x := mat.NewDense(rows, a.H, nil)
	raw := x.RawMatrix().Data
	r := 0
	for n := 0; n < a.N; n++ {
		src := a.Hidden[n*a.T*a.H : (n*a.T+a.Steps[n])*a.H]
		for k, v := range src {
			raw[r*a.H+k] = float64(v)
		}
		r += a.Steps[n]
	}
	return x
}

// Probabilities returns the softmax of trial n's outputs, (Steps[n], O)
// row-major, computed stably in float64. It panics if n is out of range.
func (a *Activity) Probabilities(n int) []float64 {
	p := make([]float64, a.Steps[n]*a.O)
	for t := 0; t < a.Steps[n]; t++ {
		out := a.Outputs[(n*a.T+t)*a.O : (n*a.T+t+1)*a.O]
		m := math.Inf(-1)
		for _, v := range out {
			m = math.Max(m, float64(v))
		}
		var sum float64
		for k, v := range out {
			e := math.Exp(float64(v) - m)
			p[t*a.O+k] = e
			sum += e
		}
		for k := range out {
			p[t*a.O+k] /= sum
		}
	}
	return p
}
