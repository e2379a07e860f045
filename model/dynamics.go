package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// This file is the network's noise-free one-step map and its Jacobians, in
// float64, for dynamical-systems analysis (fixed points, linearisation):
//
//	u      = W_x x + W_r h + b_r
//	F(h,x) = (1-α) h + α f(u)
//	dF/dh  = (1-α) I + α diag(f'(u)) W_r      (H, H)
//	dF/dx  = α diag(f'(u)) W_x                (H, I)
//
// the update of doc.go with the noise term left out. W_x and W_r are the
// effective matrices (Weights.Effective: Dale's law and the connectivity
// masks applied, constraints.go).

// Dynamics is the noise-free one-step map F(h, x) of a network, with α =
// Dt/Tau and f its activation, in float64. It holds a float64 copy of the
// weights it needs (the effective W_x and W_r, b_r), taken when it is made: later
// changes to the Weights do not reach it.
//
// A Dynamics is read-only after NewDynamics and safe for concurrent use; the
// methods write only to the buffers passed to them.
type Dynamics struct {
	act    Activation
	alpha  float64
	nh, ni int
	wx     []float64 // W_x (H, I) row-major
	wr     []float64 // effective W_r (H, H) row-major
	br     []float64 // b_r (H)
}

// NewDynamics returns the one-step map of the network cfg with weights w
// (float32 or float64, converted to float64). It returns an error if cfg is
// invalid, w is nil, w does not have cfg's shapes, or a weight is not finite.
func NewDynamics(cfg Config, w *Weights) (*Dynamics, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("model: dynamics: %w", err)
	}
	if w == nil {
		return nil, errors.New("model: dynamics: weights are nil")
	}
	if err := w.check(cfg); err != nil {
		return nil, fmt.Errorf("model: dynamics: %w", err)
	}
	d := &Dynamics{
		act:   cfg.Activation,
		alpha: cfg.Alpha(),
		nh:    cfg.NHidden,
		ni:    cfg.NInput,
		wx:    w.effective(0),
		wr:    w.effective(1),
		br:    float64s(w.RecBias),
	}
	for _, v := range []struct {
		name string
		x    []float64
	}{{"effective " + StateDictNames[0], d.wx}, {"effective " + StateDictNames[1], d.wr}, {StateDictNames[2], d.br}} {
		for i, x := range v.x {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("model: dynamics: %s holds %v at flat index %d, want finite values", v.name, x, i)
			}
		}
	}
	return d, nil
}

// NHidden returns H, the length of h.
func (d *Dynamics) NHidden() int { return d.nh }

// NInput returns I, the length of x.
func (d *Dynamics) NInput() int { return d.ni }

// Alpha returns α = Dt/Tau.
func (d *Dynamics) Alpha() float64 { return d.alpha }

// Activation returns f's name.
func (d *Dynamics) Activation() Activation { return d.act }

// Recurrent returns a copy of the effective recurrent matrix W_r (H, H).
func (d *Dynamics) Recurrent() *mat.Dense {
	return mat.NewDense(d.nh, d.nh, append([]float64(nil), d.wr...))
}

func (d *Dynamics) checkLen(what string, v []float64, n int) {
	if len(v) != n {
		panic(fmt.Sprintf("model: Dynamics: %s has length %d, want %d", what, len(v), n))
	}
}

// Preactivation writes u = W_x x + W_r h + b_r into dst (H) and returns it.
// h has length H and x length I; a nil dst is allocated. It panics if a
// length is wrong.
func (d *Dynamics) Preactivation(dst, h, x []float64) []float64 {
	d.checkLen("h", h, d.nh)
	d.checkLen("x", x, d.ni)
	if dst == nil {
		dst = make([]float64, d.nh)
	}
	d.checkLen("dst", dst, d.nh)
	copy(dst, d.br)
	gemv(blas.NoTrans, d.nh, d.ni, d.wx, x, 1, dst)
	gemv(blas.NoTrans, d.nh, d.nh, d.wr, h, 1, dst)
	return dst
}

// Step writes F(h, x) = (1-α) h + α f(W_x x + W_r h + b_r) into dst (H) and
// returns it. dst may be h itself; a nil dst is allocated. It panics if a
// length is wrong.
func (d *Dynamics) Step(dst, h, x []float64) []float64 {
	return d.StepSlope(dst, nil, h, x)
}

// StepSlope is Step that also writes the activation's slope f'(u) at u =
// W_x x + W_r h + b_r into slope (H), if slope is not nil; the slope is what
// the Jacobians and MulJacobianHT need. dst may be h itself but must not
// overlap slope. It does not allocate unless dst is nil or is h. It panics if
// a length is wrong.
func (d *Dynamics) StepSlope(dst, slope, h, x []float64) []float64 {
	if dst == nil {
		dst = make([]float64, d.nh)
	} else if len(dst) > 0 && len(h) > 0 && &dst[0] == &h[0] {
		// in place: u is built in dst, so step a copy of h
		return d.StepSlope(dst, slope, append([]float64(nil), h...), x)
	}
	if slope != nil {
		d.checkLen("slope", slope, d.nh)
	}
	u := d.Preactivation(dst, h, x) // u in dst, then overwritten element by element
	a := d.alpha
	for i, ui := range u {
		fu, df := activation64(d.act, ui)
		dst[i] = (1-a)*h[i] + a*fu
		if slope != nil {
			slope[i] = df
		}
	}
	return dst
}

// MulJacobianHT writes (dF/dh)ᵀ v = (1-α) v + α W_rᵀ (slope ⊙ v) into dst
// (H) and returns it, where slope = f'(u) at the point of linearisation (from
// StepSlope). It is the vector-Jacobian product of one step, without forming
// the Jacobian, and does not allocate unless dst is nil. dst must not overlap
// v or slope. It panics if a length is wrong.
func (d *Dynamics) MulJacobianHT(dst, slope, v []float64) []float64 {
	d.checkLen("slope", slope, d.nh)
	d.checkLen("v", v, d.nh)
	if dst == nil {
		dst = make([]float64, d.nh)
	}
	d.checkLen("dst", dst, d.nh)
	for i := range dst {
		dst[i] = (1 - d.alpha) * v[i]
	}
	out := blas64.Vector{N: d.nh, Data: dst, Inc: 1}
	for i := 0; i < d.nh; i++ {
		// row i of W_r, weighted by α f'(u_i) v_i; ReLU's zero slopes skip rows
		if c := d.alpha * slope[i] * v[i]; c != 0 {
			blas64.Axpy(c, blas64.Vector{N: d.nh, Data: d.wr[i*d.nh : (i+1)*d.nh], Inc: 1}, out)
		}
	}
	return dst
}

// JacobianH returns dF/dh = (1-α) I + α diag(f'(u)) W_r (H, H) at (h, x),
// written into dst if dst is not nil (it must then be H x H). It panics if a
// length or dst's size is wrong.
func (d *Dynamics) JacobianH(dst *mat.Dense, h, x []float64) *mat.Dense {
	slope := make([]float64, d.nh)
	d.StepSlope(nil, slope, h, x)
	return d.JacobianHSlope(dst, slope)
}

// JacobianHSlope is JacobianH from the slope f'(u) (H) at the point of
// linearisation.
func (d *Dynamics) JacobianHSlope(dst *mat.Dense, slope []float64) *mat.Dense {
	d.checkLen("slope", slope, d.nh)
	dst = d.sized(dst, d.nh)
	for i := 0; i < d.nh; i++ {
		row := dst.RawRowView(i)
		c := d.alpha * slope[i]
		for j, w := range d.wr[i*d.nh : (i+1)*d.nh] {
			row[j] = c * w
		}
		row[i] += 1 - d.alpha
	}
	return dst
}

// JacobianX returns dF/dx = α diag(f'(u)) W_x (H, I) at (h, x), written into
// dst if dst is not nil (it must then be H x I). It panics if a length or
// dst's size is wrong.
func (d *Dynamics) JacobianX(dst *mat.Dense, h, x []float64) *mat.Dense {
	slope := make([]float64, d.nh)
	d.StepSlope(nil, slope, h, x)
	return d.JacobianXSlope(dst, slope)
}

// JacobianXSlope is JacobianX from the slope f'(u) (H) at the point of
// linearisation.
func (d *Dynamics) JacobianXSlope(dst *mat.Dense, slope []float64) *mat.Dense {
	d.checkLen("slope", slope, d.nh)
	dst = d.sized(dst, d.ni)
	for i := 0; i < d.nh; i++ {
		row := dst.RawRowView(i)
		c := d.alpha * slope[i]
		for j, w := range d.wx[i*d.ni : (i+1)*d.ni] {
			row[j] = c * w
		}
	}
	return dst
}

// sized returns dst, or a new H x cols matrix if dst is nil; it panics if
// dst has another size.
func (d *Dynamics) sized(dst *mat.Dense, cols int) *mat.Dense {
	if dst == nil {
		return mat.NewDense(d.nh, cols, nil)
	}
	if r, c := dst.Dims(); r != d.nh || c != cols {
		panic(fmt.Sprintf("model: Dynamics: dst is %d x %d, want %d x %d", r, c, d.nh, cols))
	}
	return dst
}

// gemv computes y = alpha op(A) x + y for a row-major rows x cols A.
func gemv(t blas.Transpose, rows, cols int, a, x []float64, alpha float64, y []float64) {
	blas64.Gemv(t, alpha,
		blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: a},
		blas64.Vector{N: len(x), Data: x, Inc: 1}, 1,
		blas64.Vector{N: len(y), Data: y, Inc: 1})
}

// activation64 returns f(u) and f'(u) in float64 for the activation, with
// PyTorch's conventions: relu'(0) = 0, and softplus(u) = u (slope 1) above 20.
func activation64(act Activation, u float64) (f, df float64) {
	switch act {
	case ReLU:
		if u > 0 {
			return u, 1
		}
		return 0, 0
	case Sigmoid:
		s := 1 / (1 + math.Exp(-u))
		return s, s * (1 - s)
	case Softplus:
		if u > 20 {
			return u, 1
		}
		e := math.Exp(u)
		return math.Log1p(e), e / (1 + e)
	}
	panic(fmt.Sprintf("model: activation %q, want one of %q", act, Activations()))
}
