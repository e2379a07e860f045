package train

import (
	"math"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ClipGradNorm scales the gradients of ls in place so that their global
// 2-norm (over every element of every gradient) is at most maxNorm, with
// the semantics of torch.nn.utils.clip_grad_norm_(params, maxNorm): with
// total the 2-norm, every gradient is multiplied by min(1, maxNorm/(total +
// 1e-6)). It returns total, the norm before clipping. The norm is
// accumulated in float64. maxNorm must be positive.
func ClipGradNorm(ls []gorgonia.ValueGrad, maxNorm float64) float64 {
	var sum float64
	grads := make([]*tensor.Dense, 0, len(ls))
	for _, l := range ls {
		v, err := l.Grad()
		if err != nil {
			continue // no gradient: nothing to clip
		}
		d, ok := v.(*tensor.Dense)
		if !ok {
			continue
		}
		grads = append(grads, d)
		switch x := d.Data().(type) {
		case []float32:
			for _, e := range x {
				sum += float64(e) * float64(e)
			}
		case []float64:
			for _, e := range x {
				sum += e * e
			}
		}
	}
	total := math.Sqrt(sum)
	coef := maxNorm / (total + 1e-6)
	if !(coef < 1) {
		return total
	}
	for _, d := range grads {
		switch x := d.Data().(type) {
		case []float32:
			c := float32(coef)
			for i := range x {
				x[i] *= c
			}
		case []float64:
			for i := range x {
				x[i] *= coef
			}
		}
	}
	return total
}

// freeze zeroes the gradients of the learnables marked in frozen, so that
// the optimiser leaves them where they are: with a gradient that is always
// zero, Adam's and RMSprop's moments stay zero and every update is zero,
// which is what excluding the parameter from the optimiser (PyTorch's
// requires_grad = False) does.
func freeze(ls []gorgonia.ValueGrad, frozen [5]bool) {
	for i, l := range ls {
		if i >= len(frozen) || !frozen[i] {
			continue
		}
		if v, err := l.Grad(); err == nil {
			if d, ok := v.(*tensor.Dense); ok {
				d.Zero()
			}
		}
	}
}
