package model

import (
	"fmt"

	"gorgonia.org/tensor"
)

// buffer is one backing array of the graph's dtype (float32 or float64) that
// input tensors view. Let binds the tensor it is given without copying, so
// the graphs bind views of a buffer once and refill the buffer in place.
type buffer struct {
	f32 []float32
	f64 []float64
}

func newBuffer(dt tensor.Dtype, n int) buffer {
	switch dt {
	case tensor.Float32:
		return buffer{f32: make([]float32, n)}
	case tensor.Float64:
		return buffer{f64: make([]float64, n)}
	}
	panic(fmt.Sprintf("model: dtype %v, want Float32 or Float64", dt))
}

// view returns a tensor of shape s backed by elements [off, off+s.TotalSize()).
func (b buffer) view(off int, s ...int) *tensor.Dense {
	n := tensor.Shape(s).TotalSize()
	if b.f32 != nil {
		return tensor.New(tensor.WithShape(s...), tensor.WithBacking(b.f32[off:off+n:off+n]))
	}
	return tensor.New(tensor.WithShape(s...), tensor.WithBacking(b.f64[off:off+n:off+n]))
}

// load copies src into the buffer, converting to its dtype.
func (b buffer) load(src []float32) {
	if b.f32 != nil {
		copy(b.f32, src)
		return
	}
	for i, x := range src {
		b.f64[i] = float64(x)
	}
}

// oneHot writes one-hot rows of width o for the class indices in targets.
func (b buffer) oneHot(targets []int32, o int) {
	if b.f32 != nil {
		clear(b.f32)
		for i, c := range targets {
			b.f32[i*o+int(c)] = 1
		}
		return
	}
	clear(b.f64)
	for i, c := range targets {
		b.f64[i*o+int(c)] = 1
	}
}

// copyTo32 appends the float32 values of a float32 or float64 tensor to dst.
func copyTo32(dst []float32, t *tensor.Dense) []float32 {
	switch d := t.Data().(type) {
	case []float32:
		return append(dst, d...)
	case []float64:
		for _, x := range d {
			dst = append(dst, float32(x))
		}
		return dst
	}
	panic(fmt.Sprintf("model: tensor dtype %v, want Float32 or Float64", t.Dtype()))
}

// scalarOf returns the float64 value of a scalar (or one-element) value.
func scalarOf(v any) (float64, error) {
	switch x := v.(type) {
	case interface{ Data() interface{} }:
		switch d := x.Data().(type) {
		case float32:
			return float64(d), nil
		case float64:
			return d, nil
		case []float32:
			if len(d) == 1 {
				return float64(d[0]), nil
			}
		case []float64:
			if len(d) == 1 {
				return d[0], nil
			}
		}
	}
	return 0, fmt.Errorf("model: loss value %v (%T) is not a float scalar", v, v)
}

// checkRunArgs validates the lengths and class indices of one Run's data.
func checkRunArgs(cfg Config, T, B int, inputs []float32, targets []int32, noise []float32) error {
	if len(inputs) != T*B*cfg.NInput {
		return fmt.Errorf("model: inputs has %d values, want seqLen*batch*NInput = %d*%d*%d = %d",
			len(inputs), T, B, cfg.NInput, T*B*cfg.NInput)
	}
	if targets != nil && len(targets) != T*B {
		return fmt.Errorf("model: targets has %d values, want seqLen*batch = %d*%d = %d", len(targets), T, B, T*B)
	}
	if len(noise) != T*B*cfg.NHidden {
		return fmt.Errorf("model: noise has %d values, want seqLen*batch*NHidden = %d*%d*%d = %d",
			len(noise), T, B, cfg.NHidden, T*B*cfg.NHidden)
	}
	for i, c := range targets {
		if c < 0 || int(c) >= cfg.NOutput {
			return fmt.Errorf("model: targets[%d] = %d (step %d, trial %d), want a class index in [0, %d)",
				i, c, i/B, i%B, cfg.NOutput)
		}
	}
	return nil
}
