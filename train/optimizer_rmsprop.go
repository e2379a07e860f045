package train

import (
	"math"

	"gorgonia.org/gorgonia"
)

// RMSprop is torch.optim.RMSprop without momentum, centring or weight
// decay, as PyTorch 1.13 computes it (_single_tensor_rmsprop):
//
//	v <- alpha·v + (1-alpha)·g·g                     square_avg
//	w <- w - lr · g / (sqrt(v) + eps)
//
// with v starting at zero, in the parameters' dtype. Gorgonia's
// RMSPropSolver differs (decay 0.999 by default, eps inside the square
// root; TestGorgoniaRMSPropDiffers). Step updates the parameters in place,
// zeroes their gradients and allocates nothing after its first call.
type RMSprop struct {
	LearningRate float64 // lr
	Alpha        float64 // smoothing constant (PyTorch default 0.99)
	Eps          float64 // added to sqrt(v) (PyTorch default 1e-8)

	step   int64
	v      buffers
	params []param
}

// NewRMSprop returns RMSprop with learning rate lr and PyTorch's defaults.
func NewRMSprop(lr float64) *RMSprop {
	return &RMSprop{LearningRate: lr, Alpha: rmspropAlpha, Eps: rmspropEps}
}

// Step applies one RMSprop update to every parameter in ps (errors as
// Adam.Step).
func (r *RMSprop) Step(ps []gorgonia.ValueGrad) error {
	var err error
	if r.params, err = viewParams(r.params, ps, "RMSprop"); err != nil {
		return err
	}
	if err := r.v.ensure(r.params, "RMSprop", "square_avg"); err != nil {
		return err
	}
	r.step++
	for i, p := range r.params {
		if p.w32 != nil {
			a, oma, negLR, eps := float32(r.Alpha), float32(1-r.Alpha), float32(-r.LearningRate), float32(r.Eps)
			v := r.v.f32[i][:len(p.w32)]
			for j, gj := range p.g32[:len(p.w32)] {
				v[j] = v[j]*a + oma*gj*gj
				p.w32[j] += negLR * gj / (float32(math.Sqrt(float64(v[j]))) + eps)
				p.g32[j] = 0
			}
			continue
		}
		v := r.v.f64[i][:len(p.w64)]
		for j, gj := range p.g64[:len(p.w64)] {
			v[j] = v[j]*r.Alpha + (1-r.Alpha)*gj*gj
			p.w64[j] += -r.LearningRate * gj / (math.Sqrt(v[j]) + r.Eps)
			p.g64[j] = 0
		}
	}
	return nil
}

// State returns a copy of the step count and of square_avg.
func (r *RMSprop) State() OptimizerState {
	s := OptimizerState{Optimizer: "RMSprop", Step: r.step}
	if r.step > 0 {
		s.Buffers = r.v.export(s.Buffers, "square_avg")
	}
	return s
}

// SetState replaces the state by a copy of s (see Optimizer).
func (r *RMSprop) SetState(s OptimizerState) error {
	bs, err := importState(s, "RMSprop", "square_avg")
	if err != nil {
		return err
	}
	r.step, r.v = s.Step, *bs["square_avg"]
	return nil
}
