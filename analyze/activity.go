package analyze

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Activity is the record of a network tested on N trials.
//
// Trials may differ in length. Every per-step array is laid out trial-major
// with T = the longest trial's number of steps, and trial n's steps
// Steps[n]..T-1 are zero padding (Target there is 0). Because the network is
// causal, the padding never influences a trial's real steps.
//
// All per-step arrays are row-major: Inputs (N, T, I), Hidden (N, T, H),
// Outputs (N, T, O) and Target (N, T), so that element (n, t, k) of Hidden is
// Hidden[(n*T+t)*H+k].
type Activity struct {
	// N, T, I, H and O are the number of trials, the padded number of steps,
	// and the input, hidden and output sizes. O is the number of actions,
	// 1 + dim_ring; I is the observation size, 1 + dim_ring.
	N, T, I, H, O int

	// Dt is the step length in ms.
	Dt float64

	// Steps holds each trial's number of steps (N), 1 <= Steps[n] <= T.
	Steps []int

	// Inputs are the observations (N, T, I): fixation cue then one stimulus
	// channel per ring location.
	Inputs []float32
	// Hidden are the hidden states after each step (N, T, H).
	Hidden []float32
	// Outputs are the output logits (N, T, O).
	Outputs []float32
	// Target is the desired action at each step (N, T): 0 = fixate,
	// g+1 = choose ring location g in the decision period.
	Target []int32

	// GroundTruth is each trial's correct ring location, 0-based (N).
	GroundTruth []int
	// Coh is each trial's coherence in percent (N).
	Coh []float64

	// Choice is the action with the largest output at the trial's last step
	// (N); ties go to the lowest index. Correct reports whether Choice equals
	// the target at that step (N). Both are filled by Decide.
	Choice  []int
	Correct []bool
}

// NewActivity returns an Activity with all arrays allocated for n trials of
// at most t steps with input, hidden and output sizes i, h and o. Steps is
// set to t for every trial. It returns an error if any size is not positive.
func NewActivity(n, t, i, h, o int) (*Activity, error) {
	for _, d := range []struct {
		name string
		v    int
	}{{"n_trials", n}, {"steps", t}, {"inputs", i}, {"hidden", h}, {"outputs", o}} {
		if d.v <= 0 {
			return nil, fmt.Errorf("analyze: activity size %s = %d, want > 0", d.name, d.v)
		}
	}
	a := &Activity{
		N: n, T: t, I: i, H: h, O: o,
		Steps:       make([]int, n),
		Inputs:      make([]float32, n*t*i),
		Hidden:      make([]float32, n*t*h),
		Outputs:     make([]float32, n*t*o),
		Target:      make([]int32, n*t),
		GroundTruth: make([]int, n),
		Coh:         make([]float64, n),
		Choice:      make([]int, n),
		Correct:     make([]bool, n),
	}
	for k := range a.Steps {
		a.Steps[k] = t
	}
	return a, nil
}

// Validate checks that the sizes are positive, every array has the length
// its shape implies, Steps lie in [1, T], targets and ground truths are valid
// action and ring indices, coherences are finite and non-negative, and Dt is
// positive. It returns an error naming the first bad field.
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
	if a.O < 2 {
		return fmt.Errorf("analyze: Activity.O = %d, want >= 2 (fixate plus at least one choice)", a.O)
	}
	lens := []struct {
		name      string
		got, want int
	}{
		{"Steps", len(a.Steps), a.N},
		{"Inputs", len(a.Inputs), a.N * a.T * a.I},
		{"Hidden", len(a.Hidden), a.N * a.T * a.H},
		{"Outputs", len(a.Outputs), a.N * a.T * a.O},
		{"Target", len(a.Target), a.N * a.T},
		{"GroundTruth", len(a.GroundTruth), a.N},
		{"Coh", len(a.Coh), a.N},
		{"Choice", len(a.Choice), a.N},
		{"Correct", len(a.Correct), a.N},
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
	for n, g := range a.GroundTruth {
		if g < 0 || g >= a.O-1 {
			return fmt.Errorf("analyze: Activity.GroundTruth[%d] = %d, want in [0, %d]", n, g, a.O-2)
		}
	}
	for n, c := range a.Coh {
		if !(c >= 0) || math.IsInf(c, 0) {
			return fmt.Errorf("analyze: Activity.Coh[%d] = %v, want a finite coherence >= 0 (percent)", n, c)
		}
	}
	for k, g := range a.Target {
		if g < 0 || int(g) >= a.O {
			return fmt.Errorf("analyze: Activity.Target[%d] = %d (trial %d, step %d), want an action in [0, %d]", k, g, k/a.T, k%a.T, a.O-1)
		}
	}
	return nil
}

// Decide fills Choice and Correct from Outputs and Target: the choice is
// the action with the largest output at each trial's last step, Steps[n]-1
// (ties go to the lowest action index), and the trial is correct when that
// choice equals the target there. It returns Validate's error, if any.
func (a *Activity) Decide() error {
	if err := a.Validate(); err != nil {
		return err
	}
	for n := 0; n < a.N; n++ {
		last := n*a.T + a.Steps[n] - 1
		out := a.Outputs[last*a.O : (last+1)*a.O]
		best := 0
		for k, v := range out {
			if v > out[best] {
				best = k
			}
		}
		a.Choice[n] = best
		a.Correct[n] = best == int(a.Target[last])
	}
	return nil
}

// DecisionSteps returns the first and one-past-last step of trial n's
// decision period, the steps whose target is not fixation. It returns
// ok == false if the trial has no such step. It panics if n is out of range.
func (a *Activity) DecisionSteps(n int) (start, end int, ok bool) {
	tg := a.Target[n*a.T : n*a.T+a.Steps[n]]
	start = -1
	for t, g := range tg {
		if g != 0 {
			if start < 0 {
				start = t
			}
			end = t + 1
		}
	}
	return start, end, start >= 0
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
