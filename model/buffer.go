package model

import (
	"fmt"
	"math"

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

// targets writes the (rows, o) target matrix of t: the values of t.Value,
// or the one-hot code of t.Class multiplied by the row's mask weight if
// weighted (1 without a mask).
func (b buffer) targets(t Targets, o int, weighted bool) {
	if t.Value != nil {
		b.load(t.Value)
		return
	}
	b.zero()
	for i, c := range t.Class {
		v := 1.0
		if weighted && t.Mask != nil {
			v = float64(t.Mask[i])
		}
		b.set(i*o+int(c), v)
	}
}

// repeatRows writes each mask weight o times (1 without a mask): the
// element-wise weights of a (rows, o) matrix.
func (b buffer) repeatRows(mask []float32, o int) {
	n := max(len(b.f32), len(b.f64))
	for i := range n {
		v := 1.0
		if mask != nil {
			v = float64(mask[i/o])
		}
		b.set(i, v)
	}
}

func (b buffer) zero() {
	clear(b.f32)
	clear(b.f64)
}

func (b buffer) set(i int, v float64) {
	if b.f32 != nil {
		b.f32[i] = float32(v)
		return
	}
	b.f64[i] = v
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

// checkRunArgs validates the lengths of one Run's inputs and noise.
func checkRunArgs(cfg Config, T, B int, inputs, noise []float32) error {
	if len(inputs) != T*B*cfg.NInput {
		return fmt.Errorf("model: inputs has %d values, want seqLen*batch*NInput = %d*%d*%d = %d",
			len(inputs), T, B, cfg.NInput, T*B*cfg.NInput)
	}
	if len(noise) != T*B*cfg.NHidden {
		return fmt.Errorf("model: noise has %d values, want seqLen*batch*NHidden = %d*%d*%d = %d",
			len(noise), T, B, cfg.NHidden, T*B*cfg.NHidden)
	}
	return nil
}

// scalarOrNaN is scalarOf with NaN for a value that is not a float scalar.
func scalarOrNaN(v any) float64 {
	x, err := scalarOf(v)
	if err != nil {
		return math.NaN()
	}
	return x
}
