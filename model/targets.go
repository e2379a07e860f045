package model

import (
	"errors"
	"fmt"
	"math"
)

// Targets are the desired outputs of one batch of T steps and B trials, for
// TrainGraph.Run. All slices are row-major and time-major, like the inputs.
//
// With per-step losses ℓ_tb (the cross-entropy of step t of trial b, or the
// mean over the O outputs of |o-y| for L1 and (o-y)² for L2) and mask
// weights m_tb, the loss is
//
//	L = Σ_tb m_tb ℓ_tb / Σ_tb m_tb
//
// which is PyTorch's (loss_fn(reduction='none')(…)·m).sum()/m.sum() (for L1
// and L2 with the per-element loss first averaged over the O outputs). With
// every weight 1, or Mask nil, it is the plain mean of CrossEntropyLoss,
// L1Loss or MSELoss. If Σ m = 0 the loss and every gradient are 0.
type Targets struct {
	// Class (T, B): the correct action index per step, in [0, O) (Discrete
	// action spaces). CrossEntropy needs it; L1 and L2 compare the outputs
	// with its one-hot code.
	Class []int32
	// Value (T, B, O): the desired output vector per step (Box action
	// spaces; L1 and L2 only). Exactly one of Class and Value is set.
	Value []float32
	// Mask (T, B): per-step loss weights, finite and >= 0; nil means every
	// step weighs 1.
	Mask []float32
}

// check validates t for a graph of T steps, B trials and cfg's O outputs
// trained with loss, and returns Σ m (T*B without a mask).
func (t Targets) check(cfg Config, T, B int, loss Loss) (float64, error) {
	O := cfg.NOutput
	switch {
	case t.Class == nil && t.Value == nil:
		return 0, errors.New("model: targets: neither Class nor Value is set; set exactly one")
	case t.Class != nil && t.Value != nil:
		return 0, errors.New("model: targets: both Class and Value are set; set exactly one")
	case t.Value != nil && loss == CrossEntropy:
		return 0, fmt.Errorf("model: targets: Value targets with loss %s; CrossEntropy needs Class targets (Value works with %s and %s)", loss, L1, L2)
	}
	if t.Class != nil {
		if len(t.Class) != T*B {
			return 0, fmt.Errorf("model: targets: Class has %d values, want seqLen*batch = %d*%d = %d", len(t.Class), T, B, T*B)
		}
		for i, c := range t.Class {
			if c < 0 || int(c) >= O {
				return 0, fmt.Errorf("model: targets: Class[%d] = %d (step %d, trial %d), want a class index in [0, %d)",
					i, c, i/B, i%B, O)
			}
		}
	}
	if t.Value != nil {
		if len(t.Value) != T*B*O {
			return 0, fmt.Errorf("model: targets: Value has %d values, want seqLen*batch*NOutput = %d*%d*%d = %d",
				len(t.Value), T, B, O, T*B*O)
		}
		for i, v := range t.Value {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return 0, fmt.Errorf("model: targets: Value[%d] = %v (step %d, trial %d, output %d), want a finite value",
					i, v, i/(B*O), i/O%B, i%O)
			}
		}
	}
	if t.Mask == nil {
		return float64(T * B), nil
	}
	if len(t.Mask) != T*B {
		return 0, fmt.Errorf("model: targets: Mask has %d values, want seqLen*batch = %d*%d = %d", len(t.Mask), T, B, T*B)
	}
	var sum float64
	for i, m := range t.Mask {
		if !(m >= 0) || math.IsInf(float64(m), 0) {
			return 0, fmt.Errorf("model: targets: Mask[%d] = %v (step %d, trial %d), want a finite weight >= 0", i, m, i/B, i%B)
		}
		sum += float64(m)
	}
	if math.IsInf(sum, 0) {
		return 0, errors.New("model: targets: the Mask weights sum to +Inf; use smaller weights")
	}
	return sum, nil
}
