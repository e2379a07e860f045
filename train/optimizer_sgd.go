package train

import "gorgonia.org/gorgonia"

// SGD is torch.optim.SGD without momentum, dampening, Nesterov or weight
// decay: w <- w - lr·g. It keeps no per-element state (only the step
// count). Step updates the parameters in place, zeroes their gradients and
// allocates nothing after its first call.
type SGD struct {
	LearningRate float64 // lr

	step   int64
	params []param
}

// NewSGD returns SGD with learning rate lr.
func NewSGD(lr float64) *SGD { return &SGD{LearningRate: lr} }

// Step applies one SGD update to every parameter in ps (errors as Adam.Step,
// except that SGD keeps no per-parameter state to disagree with).
func (s *SGD) Step(ps []gorgonia.ValueGrad) error {
	var err error
	if s.params, err = viewParams(s.params, ps, "SGD"); err != nil {
		return err
	}
	s.step++
	for _, p := range s.params {
		if p.w32 != nil {
			negLR := float32(-s.LearningRate)
			for j, gj := range p.g32[:len(p.w32)] {
				p.w32[j] += negLR * gj
				p.g32[j] = 0
			}
			continue
		}
		for j, gj := range p.g64[:len(p.w64)] {
			p.w64[j] += -s.LearningRate * gj
			p.g64[j] = 0
		}
	}
	return nil
}

// State returns the step count (SGD has no buffers).
func (s *SGD) State() OptimizerState { return OptimizerState{Optimizer: "SGD", Step: s.step} }

// SetState sets the step count from s (see Optimizer).
func (s *SGD) SetState(st OptimizerState) error {
	if _, err := importState(st, "SGD"); err != nil {
		return err
	}
	s.step = st.Step
	return nil
}
