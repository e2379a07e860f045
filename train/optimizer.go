package train

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/train/rundir"
)

// PyTorch's default optimiser hyperparameters (torch.optim), which the
// tutorial uses by leaving them unset.
const (
	adamBeta1    = 0.9
	adamBeta2    = 0.999
	adamEps      = 1e-8
	rmspropAlpha = 0.99
	rmspropEps   = 1e-8
)

// Optimizer updates parameters in place from their gradients. It is a
// gorgonia.Solver (Step zeroes every gradient it consumed, as Gorgonia's
// solvers do, because the training graph adds into them), and its state can
// be exported and restored exactly for checkpoints: an optimiser given
// State() of another through SetState continues bit for bit as the other
// would. The state is kept by position in the slice of parameters: pass
// the same slice, in the same order, to every Step.
type Optimizer interface {
	gorgonia.Solver
	// State returns a copy of the optimiser's state (empty buffers before
	// the first Step, as PyTorch's).
	State() OptimizerState
	// SetState replaces the state by a copy of s. Errors: s belongs to
	// another optimiser or is malformed; a mismatch with the parameters
	// (count, lengths, dtypes) is reported by the next Step.
	SetState(s OptimizerState) error
}

// OptimizerState is an optimiser's state in plain slices, as PyTorch keeps
// it in optimizer.state_dict()["state"].
type OptimizerState struct {
	Optimizer string // "Adam", "RMSprop" or "SGD"
	Step      int64  // steps taken (PyTorch's state["step"])
	// Buffers holds the per-element buffers of every parameter, by
	// parameter then name: Adam "exp_avg" and "exp_avg_sq", RMSprop
	// "square_avg", SGD none.
	Buffers []StateBuffer
}

// StateBuffer is one per-element buffer of one parameter.
type StateBuffer struct {
	Param int    // index of the parameter in the slice passed to Step
	Name  string // PyTorch's state key
	// the values, in the parameter's dtype: exactly one of F32 and F64 is set
	F32 []float32
	F64 []float64
}

// NewSolver returns the optimiser named by name ("Adam", "RMSprop" or "SGD",
// any letter case) with step size learningRate and PyTorch's defaults for
// everything else: NewAdam, NewRMSprop or NewSGD. An unknown name or a
// learning rate that is not a positive number is an error that says what is
// allowed.
func NewSolver(name string, learningRate float64) (Optimizer, error) {
	if math.IsNaN(learningRate) || math.IsInf(learningRate, 0) || learningRate <= 0 {
		return nil, fmt.Errorf("learning_rate = %v: must be a positive number", learningRate)
	}
	switch canonical(name, optimizerNames()) {
	case "Adam":
		return NewAdam(learningRate), nil
	case "RMSprop":
		return NewRMSprop(learningRate), nil
	case "SGD":
		return NewSGD(learningRate), nil
	}
	return nil, fmt.Errorf("optimizer = %q: allowed: %s", name, strings.Join(optimizerNames(), ", "))
}

func optimizerNames() []string { return rundir.OptimizerNames() }

func canonical(name string, allowed []string) string { return rundir.Canonical(name, allowed) }

// param is one parameter's values and gradient, float32 or float64.
type param struct {
	w32, g32 []float32
	w64, g64 []float64
}

func (p param) len() int { return max(len(p.w32), len(p.w64)) }

// viewParams returns the values and gradients of ps as slices (no
// allocation), checking that each is a float32 or float64 *tensor.Dense
// with a gradient of its length and dtype.
func viewParams(dst []param, ps []gorgonia.ValueGrad, who string) ([]param, error) {
	dst = dst[:0]
	for i, n := range ps {
		g, err := n.Grad()
		if err != nil {
			return nil, fmt.Errorf("%s: parameter %d: %w", who, i, err)
		}
		wd, ok1 := n.Value().(*tensor.Dense)
		gd, ok2 := g.(*tensor.Dense)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: parameter %d: value %T, gradient %T: want *tensor.Dense", who, i, n.Value(), g)
		}
		if wd.Dtype() != gd.Dtype() || wd.Size() != gd.Size() {
			return nil, fmt.Errorf("%s: parameter %d: value %v of %d elements, gradient %v of %d", who, i, wd.Dtype(), wd.Size(), gd.Dtype(), gd.Size())
		}
		switch wd.Dtype() {
		case tensor.Float32:
			dst = append(dst, param{w32: wd.Float32s(), g32: gd.Float32s()})
		case tensor.Float64:
			dst = append(dst, param{w64: wd.Float64s(), g64: gd.Float64s()})
		default:
			return nil, fmt.Errorf("%s: parameter %d: dtype %v: want Float32 or Float64", who, i, wd.Dtype())
		}
	}
	return dst, nil
}

// buffers holds one named per-element buffer for every parameter.
type buffers struct {
	f32 [][]float32
	f64 [][]float64
}

// ensure allocates zero buffers shaped like ps on first use and checks
// them against ps afterwards.
func (b *buffers) ensure(ps []param, who, name string) error {
	if b.f32 == nil && b.f64 == nil {
		b.f32, b.f64 = make([][]float32, len(ps)), make([][]float64, len(ps))
		for i, p := range ps {
			if p.w32 != nil {
				b.f32[i] = make([]float32, len(p.w32))
			} else {
				b.f64[i] = make([]float64, len(p.w64))
			}
		}
		return nil
	}
	if len(b.f32) != len(ps) {
		return fmt.Errorf("%s: %d parameters, state %q for %d: pass the same parameters every step", who, len(ps), name, len(b.f32))
	}
	for i, p := range ps {
		if (p.w32 != nil) != (b.f32[i] != nil) || len(b.f32[i])+len(b.f64[i]) != p.len() {
			return fmt.Errorf("%s: parameter %d has %d elements, state %q has %d (or another dtype)", who, i, p.len(), name, len(b.f32[i])+len(b.f64[i]))
		}
	}
	return nil
}

// export appends copies of the buffers to s.
func (b *buffers) export(s []StateBuffer, name string) []StateBuffer {
	for i := range b.f32 {
		sb := StateBuffer{Param: i, Name: name}
		if b.f32[i] != nil {
			sb.F32 = append([]float32(nil), b.f32[i]...)
		} else {
			sb.F64 = append([]float64(nil), b.f64[i]...)
		}
		s = append(s, sb)
	}
	return s
}

// importState checks s for the optimiser who with per-element buffers
// names, and returns the buffers by name (nil buffers if s has none: the
// state before the first step).
func importState(s OptimizerState, who string, names ...string) (map[string]*buffers, error) {
	if s.Optimizer != who {
		return nil, fmt.Errorf("%s: state of optimizer %q", who, s.Optimizer)
	}
	if s.Step < 0 {
		return nil, fmt.Errorf("%s: state step %d < 0", who, s.Step)
	}
	out := make(map[string]*buffers, len(names))
	for _, n := range names {
		out[n] = &buffers{}
	}
	if len(s.Buffers) == 0 {
		if s.Step > 0 && len(names) > 0 {
			return nil, fmt.Errorf("%s: state after %d steps has no buffers", who, s.Step)
		}
		return out, nil
	}
	if s.Step == 0 {
		return nil, fmt.Errorf("%s: state with buffers but step 0", who)
	}
	nParams := 0
	for _, b := range s.Buffers {
		nParams = max(nParams, b.Param+1)
	}
	for _, n := range names {
		out[n].f32, out[n].f64 = make([][]float32, nParams), make([][]float64, nParams)
	}
	seen := map[string]bool{}
	for _, b := range s.Buffers {
		buf, ok := out[b.Name]
		if !ok {
			return nil, fmt.Errorf("%s: state buffer %q: allowed: %s", who, b.Name, strings.Join(names, ", "))
		}
		key := fmt.Sprint(b.Param, "/", b.Name)
		if b.Param < 0 || seen[key] {
			return nil, fmt.Errorf("%s: state buffer %q of parameter %d: negative or repeated", who, b.Name, b.Param)
		}
		seen[key] = true
		if (b.F32 == nil) == (b.F64 == nil) {
			return nil, fmt.Errorf("%s: state buffer %q of parameter %d: set exactly one of F32 and F64", who, b.Name, b.Param)
		}
		for j := range max(len(b.F32), len(b.F64)) {
			var v float64
			if b.F32 != nil {
				v = float64(b.F32[j])
			} else {
				v = b.F64[j]
			}
			if math.IsNaN(v) || math.IsInf(v, 0) || (v < 0 && isSquareAverage(b.Name)) {
				return nil, fmt.Errorf("%s: state buffer %q of parameter %d: element %d is %v", who, b.Name, b.Param, j, v)
			}
		}
		if b.F32 != nil {
			buf.f32[b.Param] = append([]float32(nil), b.F32...)
		} else {
			buf.f64[b.Param] = append([]float64(nil), b.F64...)
		}
	}
	if len(seen) != nParams*len(names) {
		return nil, fmt.Errorf("%s: state has %d buffers for %d parameters, want %s for each", who, len(seen), nParams, strings.Join(names, " and "))
	}
	return out, nil
}

// isSquareAverage reports whether the buffer name holds averages of squares
// (never negative).
func isSquareAverage(name string) bool { return name == "exp_avg_sq" || name == "square_avg" }
