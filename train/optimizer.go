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

// NewSolver returns the optimiser named by name ("Adam", "RMSprop" or "SGD",
// any letter case) with step size learningRate and PyTorch's defaults for
// everything else:
//
//   - Adam: gorgonia.AdamSolver with beta1 0.9, beta2 0.999, eps 1e-8 and
//     bias correction. Its update w -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
//     is algebraically PyTorch's w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps);
//     only the float32 rounding order differs.
//   - RMSprop: RMSprop below, because Gorgonia's RMSPropSolver differs from
//     PyTorch's twice: its decay defaults to 0.999 (PyTorch alpha 0.99) and
//     it puts eps inside the square root, g/sqrt(v+eps), where PyTorch uses
//     g/(sqrt(v)+eps).
//   - SGD: gorgonia.VanillaSolver, w -= lr * g (PyTorch SGD without momentum).
//
// Every solver zeroes the gradients it consumed, as Gorgonia's do; Adam and
// RMSprop keep per-parameter state by position, so pass the same
// []gorgonia.ValueGrad slice to every Step. An unknown name is an error that
// lists the allowed names.
func NewSolver(name string, learningRate float64) (gorgonia.Solver, error) {
	if math.IsNaN(learningRate) || math.IsInf(learningRate, 0) || learningRate <= 0 {
		return nil, fmt.Errorf("learning_rate = %v: must be a positive number", learningRate)
	}
	switch canonical(name, optimizerNames()) {
	case "Adam":
		return gorgonia.NewAdamSolver(
			gorgonia.WithLearnRate(learningRate),
			gorgonia.WithBeta1(adamBeta1),
			gorgonia.WithBeta2(adamBeta2),
			gorgonia.WithEps(adamEps),
		), nil
	case "RMSprop":
		return &RMSprop{LearningRate: learningRate, Alpha: rmspropAlpha, Eps: rmspropEps}, nil
	case "SGD":
		return gorgonia.NewVanillaSolver(gorgonia.WithLearnRate(learningRate)), nil
	}
	return nil, fmt.Errorf("optimizer = %q: allowed: %s", name, strings.Join(optimizerNames(), ", "))
}

// RMSprop is torch.optim.RMSprop without momentum, centring or weight decay:
//
//	v <- alpha*v + (1-alpha)*g^2
//	w <- w - lr * g / (sqrt(v) + eps)
//
// with v starting at zero. It implements gorgonia.Solver for *tensor.Dense
// values of dtype Float32 or Float64 and zeroes each gradient after use.
// Its state is kept by position in the slice passed to Step.
type RMSprop struct {
	LearningRate float64 // lr
	Alpha        float64 // smoothing constant (PyTorch default 0.99)
	Eps          float64 // added to sqrt(v) (PyTorch default 1e-8)

	v []any // per parameter: []float32 or []float64 running mean of g^2
}

// Step applies one RMSprop update to every parameter of model. It returns an
// error if a parameter has no gradient, is not a *tensor.Dense, or has a
// dtype other than Float32/Float64, or if model's length changed between
// calls.
func (s *RMSprop) Step(model []gorgonia.ValueGrad) error {
	if s.v == nil {
		s.v = make([]any, len(model))
	}
	if len(s.v) != len(model) {
		return fmt.Errorf("RMSprop: %d parameters, state for %d: pass the same slice every step", len(model), len(s.v))
	}
	for i, n := range model {
		g, err := n.Grad()
		if err != nil {
			return fmt.Errorf("RMSprop: parameter %d: %w", i, err)
		}
		wd, ok1 := n.Value().(*tensor.Dense)
		gd, ok2 := g.(*tensor.Dense)
		if !ok1 || !ok2 {
			return fmt.Errorf("RMSprop: parameter %d: value %T, gradient %T: want *tensor.Dense", i, n.Value(), g)
		}
		switch w := wd.Data().(type) {
		case []float32:
			gs := gd.Data().([]float32)
			if s.v[i] == nil {
				s.v[i] = make([]float32, len(w))
			}
			v := s.v[i].([]float32)
			a, oma := float32(s.Alpha), float32(1-s.Alpha)
			lr, eps := float32(s.LearningRate), float32(s.Eps)
			for j, gj := range gs {
				v[j] = a*v[j] + oma*gj*gj
				w[j] -= lr * gj / (float32(math.Sqrt(float64(v[j]))) + eps)
				gs[j] = 0
			}
		case []float64:
			gs := gd.Data().([]float64)
			if s.v[i] == nil {
				s.v[i] = make([]float64, len(w))
			}
			v := s.v[i].([]float64)
			for j, gj := range gs {
				v[j] = s.Alpha*v[j] + (1-s.Alpha)*gj*gj
				w[j] -= s.LearningRate * gj / (math.Sqrt(v[j]) + s.Eps)
				gs[j] = 0
			}
		default:
			return fmt.Errorf("RMSprop: parameter %d: dtype %v: want Float32 or Float64", i, wd.Dtype())
		}
	}
	return nil
}

func optimizerNames() []string { return rundir.OptimizerNames() }

func canonical(name string, allowed []string) string { return rundir.Canonical(name, allowed) }
