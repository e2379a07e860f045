package train

import (
	"math"

	"gorgonia.org/gorgonia"
)

// Adam is torch.optim.Adam (Kingma and Ba, "Adam: A Method for Stochastic
// Optimization", ICLR 2015) without amsgrad, as PyTorch 1.13 computes it
// (_single_tensor_adam), with the gradient g of each element:
//
//	t <- t + 1
//	g <- g + weight_decay·w                          (if weight_decay != 0)
//	m <- beta1·m + (1-beta1)·g                       exp_avg
//	v <- beta2·v + (1-beta2)·g·g                     exp_avg_sq
//	w <- w - lr/(1-beta1^t) · m / (sqrt(v)/sqrt(1-beta2^t) + eps)
//
// with m and v starting at zero, in the parameters' dtype (float32 for
// training), the bias corrections in float64 as in PyTorch. Step updates
// the parameters in place, zeroes their gradients and allocates nothing
// after its first call.
type Adam struct {
	LearningRate float64 // lr
	Beta1, Beta2 float64 // PyTorch's betas (defaults 0.9, 0.999)
	Eps          float64 // added to the bias-corrected sqrt(v) (default 1e-8)
	WeightDecay  float64 // L2 penalty added to the gradient (default 0)

	step   int64
	m, v   buffers
	params []param
	kern   func(n int, w, grad, m, v *float32, c *[8]float32) // vectorised adam32, or nil
	kernOK bool                                               // kern was looked up
	consts [8]float32                                         // adam32's constants of this step
}

// NewAdam returns Adam with learning rate lr and PyTorch's defaults.
func NewAdam(lr float64) *Adam {
	return &Adam{LearningRate: lr, Beta1: adamBeta1, Beta2: adamBeta2, Eps: adamEps}
}

// Step applies one Adam update to every parameter in ps. Errors: a
// parameter without gradient, not a float32/float64 *tensor.Dense, or
// unlike the parameters of the previous steps (or of SetState's state).
func (a *Adam) Step(ps []gorgonia.ValueGrad) error {
	var err error
	if a.params, err = viewParams(a.params, ps, "Adam"); err != nil {
		return err
	}
	if err := a.m.ensure(a.params, "Adam", "exp_avg"); err != nil {
		return err
	}
	if err := a.v.ensure(a.params, "Adam", "exp_avg_sq"); err != nil {
		return err
	}
	if !a.kernOK {
		a.kern, a.kernOK = adamKernel(), true
	}
	a.step++
	t := float64(a.step)
	bc1 := 1 - math.Pow(a.Beta1, t)
	bc2 := 1 - math.Pow(a.Beta2, t)
	stepSize := a.LearningRate / bc1
	bc2Sqrt := math.Sqrt(bc2)
	for i, p := range a.params {
		if p.w32 != nil {
			a.consts = [8]float32{float32(a.Beta1), float32(1 - a.Beta1), float32(a.Beta2), float32(1 - a.Beta2),
				float32(a.WeightDecay), float32(-stepSize), float32(bc2Sqrt), float32(a.Eps)}
			adam32(p.w32, p.g32, a.m.f32[i], a.v.f32[i], &a.consts, a.kern)
		} else {
			adam64(p.w64, p.g64, a.m.f64[i], a.v.f64[i], a.Beta1, 1-a.Beta1, a.Beta2, 1-a.Beta2, a.WeightDecay, -stepSize, bc2Sqrt, a.Eps)
		}
	}
	return nil
}

// adam32 is one element-wise Adam update in float32, in PyTorch's order of
// operations (mul_, add_, addcmul_, sqrt, div, add_, addcdiv_), every
// product rounded on its own (the conversions forbid fused multiply-adds),
// so that kern (optimizer_amd64.s), which runs the same operations on 8
// elements at a time, gives the same bits; it zeroes g. c holds b1, 1-b1,
// b2, 1-b2, the weight decay, -lr/(1-b1^t), sqrt(1-b2^t) and eps.
func adam32(w, g, m, v []float32, c *[8]float32, kern func(n int, w, grad, m, v *float32, c *[8]float32)) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	start := 0
	if kern != nil && len(w) >= 8 {
		start = len(w) &^ 7
		kern(start, &w[0], &g[0], &m[0], &v[0], c)
	}
	b1, c1, b2, c2, wd, negStep, bc2Sqrt, eps := c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]
	for j := start; j < len(w); j++ {
		gj := g[j]
		if wd != 0 {
			gj += float32(wd * w[j])
		}
		m[j] = float32(m[j]*b1) + float32(c1*gj)
		v[j] = float32(v[j]*b2) + float32(float32(c2*gj)*gj)
		denom := float32(float32(math.Sqrt(float64(v[j])))/bc2Sqrt) + eps
		w[j] += float32(negStep*m[j]) / denom
		g[j] = 0
	}
}

// adam64 is adam32 in float64.
func adam64(w, g, m, v []float64, b1, c1, b2, c2, wd, negStep, bc2Sqrt, eps float64) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for j, gj := range g {
		if wd != 0 {
			gj += wd * w[j]
		}
		m[j] = m[j]*b1 + c1*gj
		v[j] = v[j]*b2 + c2*gj*gj
		denom := math.Sqrt(v[j])/bc2Sqrt + eps
		w[j] += negStep * m[j] / denom
		g[j] = 0
	}
}

// State returns a copy of the step count and of exp_avg and exp_avg_sq.
func (a *Adam) State() OptimizerState {
	s := OptimizerState{Optimizer: "Adam", Step: a.step}
	if a.step > 0 {
		s.Buffers = a.m.export(s.Buffers, "exp_avg")
		s.Buffers = a.v.export(s.Buffers, "exp_avg_sq")
	}
	return s
}

// SetState replaces the state by a copy of s (see Optimizer).
func (a *Adam) SetState(s OptimizerState) error {
	bs, err := importState(s, "Adam", "exp_avg", "exp_avg_sq")
	if err != nil {
		return err
	}
	a.step, a.m, a.v = s.Step, *bs["exp_avg"], *bs["exp_avg_sq"]
	return nil
}
