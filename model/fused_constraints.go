package model

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the fused operations of the Fast graph for the
// constraints (constraints.go) and the regularisers (Regularization), one
// instruction each, computed once per pass:
//
//	eff m:       W_eff = g(W) ⊙ C                     (O(H²); the steps read W_eff)
//	effGrad m:   dW = dW_eff ⊙ C ⊙ g'(W)
//	weightReg:   Σ_m λ1_m mean|W_eff,m| + λ2_m mean W_eff,m²   (scalar)
//	weightRegGrad m: g (λ1_m sign(W_eff,m) + 2 λ2_m W_eff,m) / n_m
//	rateReg:     λ1 mean|H| + λ2 mean H²                (scalar, over T*B*H)
//	rateGrad:    R_t = g (λ1 sign(h_t) + 2 λ2 h_t) / (T*B*H)  for t = T-1
//
// The rate regulariser's gradient is routed like the output projection's
// (fused.go, "Gradient routing"): it declares a gradient only for h_{T-1}
// (R_{T-1}) and stepGrad t adds R_{t-1} to ∂L/∂h_{t-1} itself, from the
// saved states, so that the T states need no built-in Add each and R is
// never stored.

// effOp: W_eff = g(W) ⊙ C. Argument: W.
type effOp[F float] struct {
	fusedOp
	s   *seq[F]
	c   []F
	abs bool // g = |·|; otherwise the identity
}

func newEff[F float](s *seq[F], name string, shape tensor.Shape, c []float64, abs bool) *effOp[F] {
	cf := make([]F, len(c))
	for i, v := range c {
		cf[i] = F(v)
	}
	out := tensor.New(tensor.Of(s.dtype), tensor.WithShape(shape...))
	return &effOp[F]{fusedOp: newFused("eff"+name+s.id, out, tt(2, s.dtype)), s: s, c: cf, abs: abs}
}

func (o *effOp[F]) Do(v ...G.Value) (G.Value, error) {
	w, out := vals[F](v[0]), vals[F](o.out)
	for i, x := range w {
		if o.abs && x < 0 {
			x = -x
		}
		out[i] = x * o.c[i]
	}
	return o.out, nil
}

func (o *effOp[F]) DiffWRT(int) []bool { return []bool{true} }

func (o *effOp[F]) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dt := o.s.dtype
	out := tensor.New(tensor.Of(dt), tensor.WithShape(o.shape()...))
	d, err := apply(&effGradOp[F]{fusedOp: newFused("effGrad"+o.name, out, tt(2, dt), tt(2, dt)), e: o}, "effGrad", grad, in[0])
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// effGradOp: dW = dW_eff ⊙ C ⊙ g'(W), with sign(0) = 0. Arguments: dW_eff, W.
type effGradOp[F float] struct {
	fusedOp
	e *effOp[F]
}

func (o *effGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	g, w, out := vals[F](v[0]), vals[F](v[1]), vals[F](o.out)
	for i := range out {
		d := g[i] * o.e.c[i]
		if o.e.abs {
			switch {
			case w[i] < 0:
				d = -d
			case w[i] == 0:
				d = 0
			}
		}
		out[i] = d
	}
	return o.out, nil
}

// weightRegOp: Σ_m λ1_m mean|W_m| + λ2_m mean W_m² over its arguments, the
// (effective) matrices with a weight regulariser. It records each term in
// s.regVals.
type weightRegOp[F float] struct {
	fusedOp
	s   *seq[F]
	lam [][2]float64 // per argument: λ1, λ2
	idx [][2]int     // per argument: the terms' indices in RegularizerNames (-1: off)
}

func (o *weightRegOp[F]) Do(v ...G.Value) (G.Value, error) {
	var total float64
	for a, x := range v {
		w := vals[F](x)
		var s1, s2 float64
		for _, e := range w {
			s1 += math.Abs(float64(e))
			s2 += float64(e) * float64(e)
		}
		n := float64(len(w))
		for k, s := range [2]float64{s1, s2} {
			if i := o.idx[a][k]; i >= 0 {
				t := float64(F(o.lam[a][k] * s / n))
				o.s.regVals[i] = t
				total += t
			}
		}
	}
	setScalar(o.out, total)
	return o.out, nil
}

func (o *weightRegOp[F]) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

func (o *weightRegOp[F]) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dt := o.s.dtype
	grads := make(G.Nodes, len(in))
	for a, n := range in {
		out := tensor.New(tensor.Of(dt), tensor.WithShape(n.Shape()...))
		var err error
		grads[a], err = apply(&weightRegGradOp[F]{
			fusedOp: newFused(fmt.Sprintf("weightRegGrad%d%s", a, o.s.id), out, dt, tt(2, dt)),
			lam:     o.lam[a],
		}, "weightRegGrad", grad, n)
		if err != nil {
			return nil, err
		}
	}
	return grads, nil
}

// weightRegGradOp: g (λ1 sign(W) + 2 λ2 W) / n. Arguments: g (scalar), W.
type weightRegGradOp[F float] struct {
	fusedOp
	lam [2]float64
}

func (o *weightRegGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	g, w, out := scalarValue(v[0]), vals[F](v[1]), vals[F](o.out)
	n := float64(len(w))
	a, b := g*o.lam[0]/n, 2*g*o.lam[1]/n
	for i, e := range w {
		out[i] = F(a*sign(float64(e)) + b*float64(e))
	}
	return o.out, nil
}

// rateRegOp: λ1 mean|H| + λ2 mean H² over the T*B*H states. Arguments:
// h_0, …, h_{T-1} (views of H). It records each term in s.regVals.
type rateRegOp[F float] struct {
	fusedOp
	s   *seq[F]
	lam [2]float64
}

func (o *rateRegOp[F]) Do(...G.Value) (G.Value, error) {
	s := o.s
	var s1, s2 float64
	for t := range s.T {
		// per step (B*H elements) in the graph's type, summed in float64
		h := s.block(s.hs, t, s.H)
		if o.lam[0] > 0 {
			s1 += asum(h)
		}
		if o.lam[1] > 0 {
			s2 += dot(h, h)
		}
	}
	n := float64(len(s.hs))
	var total float64
	for k, sum := range [2]float64{s1, s2} {
		if o.lam[k] > 0 {
			t := float64(F(o.lam[k] * sum / n))
			s.regVals[6+k] = t
			total += t
		}
	}
	setScalar(o.out, total)
	return o.out, nil
}

// DiffWRT: only the last state (see the top of this file).
func (o *rateRegOp[F]) DiffWRT(n int) []bool {
	d := make([]bool, n)
	d[n-1] = true
	return d
}

func (o *rateRegOp[F]) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	s := o.s
	dt := s.dtype
	r, err := apply(&rateGradOp[F]{
		fusedOp: newFused("rateGrad"+s.id, tensor.New(tensor.Of(dt), tensor.WithShape(s.B, s.H)), dt, tt(2, dt)),
		s:       s, lam: o.lam,
	}, "rateGrad", grad, in[len(in)-1])
	if err != nil {
		return nil, err
	}
	s.rateGrad = r
	grads := make(G.Nodes, len(in))
	grads[len(in)-1] = r
	return grads, nil
}

// rateGradOp: the rate regulariser's gradient of h_{T-1}, R_{T-1} = g (λ1
// sign(h_{T-1}) + 2 λ2 h_{T-1}) / (T*B*H). It also stores the factors
// g λ1/(T*B*H) and 2 g λ2/(T*B*H) for the stepGrad operations, which add
// R_{t-1} themselves (rateInto) and take this node as an argument so that
// they run after it. Arguments: g (scalar) and h_{T-1}.
type rateGradOp[F float] struct {
	fusedOp
	s   *seq[F]
	lam [2]float64
}

func (o *rateGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	g := scalarValue(v[0])
	n := float64(len(s.hs))
	s.rateA, s.rateB = F(g*o.lam[0]/n), F(2*g*o.lam[1]/n)
	out := vals[F](o.out)
	clear(out)
	s.rateInto(s.T-1, out)
	return o.out, nil
}

// rateInto adds R_t = rateA sign(h_t) + rateB h_t to dst (B, H).
func (s *seq[F]) rateInto(t int, dst []F) {
	h := s.block(s.hs, t, s.H)
	if s.rateB != 0 {
		axpy(s.rateB, h, dst)
	}
	if a := s.rateA; a != 0 {
		for i, e := range h {
			switch {
			case e > 0:
				dst[i] += a
			case e < 0:
				dst[i] -= a
			}
		}
	}
}

// asum returns Σ|x| in float64.
func asum[F float](x []F) float64 {
	var s float64
	for _, e := range x {
		s += math.Abs(float64(e))
	}
	return s
}

// dot returns x·y, accumulated in the type of x (vectorised for float32),
// as float64.
func dot[F float](x, y []F) float64 {
	if is32[F]() {
		return float64(blasImpl.Sdot(len(x), f32(x), 1, f32(y), 1))
	}
	return blasImpl.Ddot(len(x), f64(x), 1, f64(y), 1)
}

// sign is -1, 0 or +1 (NaN gives 0).
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// setScalar stores v in a *G.F32 or *G.F64.
func setScalar(out G.Value, v float64) {
	switch o := out.(type) {
	case *G.F32:
		*o = G.F32(v)
	case *G.F64:
		*o = G.F64(v)
	}
}

// newScalarOut returns a scalar result of the graph's float type.
func newScalarOut[F float]() G.Value {
	if is32[F]() {
		return G.NewF32(0)
	}
	return G.NewF64(0)
}

// addConstraintsAndRegs inserts the effective-weight operations of w's
// constraints between the weight nodes and their users (Wx, Wr, Wo are
// replaced by W_eff nodes) and returns them.
func addEffective[F float](s *seq[F], w *Weights, wn [5]*G.Node) (wx, wr, wo *G.Node, err error) {
	mats := [3]*G.Node{wn[0], wn[1], wn[3]}
	for m := range mats {
		c := w.effScale(m)
		if c == nil {
			continue
		}
		name := StateDictNames[matrixIndex(m)]
		if mats[m], err = apply(newEff(s, name, mats[m].Shape(), c, w.rectified(m)), "eff", mats[m]); err != nil {
			return nil, nil, nil, err
		}
	}
	return mats[0], mats[1], mats[2], nil
}

// sumOp: the sum of its scalar arguments (the task loss and the
// regularisers), in one instruction; the gradient of each argument is the
// incoming gradient itself, so the backward pass adds no instruction.
type sumOp[F float] struct{ fusedOp }

func (o *sumOp[F]) Do(v ...G.Value) (G.Value, error) {
	var sum F
	for _, x := range v {
		sum += F(scalarValue(x))
	}
	setScalar(o.out, float64(sum))
	return o.out, nil
}

func (o *sumOp[F]) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

func (o *sumOp[F]) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	grads := make(G.Nodes, len(in))
	for i := range grads {
		grads[i] = grad
	}
	return grads, nil
}

// addRegularizers adds the active regularisers of reg to the task loss
// node and returns the total (the task loss itself if none is active).
func addRegularizers[F float](s *seq[F], reg Regularization, task *G.Node, mats [3]*G.Node) (*G.Node, error) {
	lam := reg.Weights()
	dt := s.dtype
	terms := G.Nodes{task}
	wr := &weightRegOp[F]{s: s}
	var args G.Nodes
	for m := range 3 {
		l1, l2 := lam[2*m], lam[2*m+1]
		if !(l1 > 0 || l2 > 0) {
			continue
		}
		idx := [2]int{-1, -1}
		if l1 > 0 {
			idx[0] = 2 * m
		}
		if l2 > 0 {
			idx[1] = 2*m + 1
		}
		wr.lam = append(wr.lam, [2]float64{l1, l2})
		wr.idx = append(wr.idx, idx)
		args = append(args, mats[m])
	}
	if len(args) > 0 {
		types := make([]hm.Type, len(args))
		for i := range types {
			types[i] = tt(2, dt)
		}
		wr.fusedOp = newFused("weightReg"+s.id, newScalarOut[F](), types...)
		n, err := apply(wr, "weightReg", args...)
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
	}
	if l1, l2 := lam[6], lam[7]; l1 > 0 || l2 > 0 {
		types := make([]hm.Type, s.T)
		for i := range types {
			types[i] = tt(2, dt)
		}
		op := &rateRegOp[F]{fusedOp: newFused("rateReg"+s.id, newScalarOut[F](), types...), s: s, lam: [2]float64{l1, l2}}
		n, err := apply(op, "rateReg", s.hNodes...)
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
	}
	if len(terms) == 1 {
		return task, nil
	}
	types := make([]hm.Type, len(terms))
	for i := range types {
		types[i] = dt
	}
	return apply(&sumOp[F]{newFused("lossSum"+s.id, newScalarOut[F](), types...)}, "lossSum", terms...)
}
