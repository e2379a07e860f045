package model

import (
	"fmt"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// fastNet is the Fast graph: still one node per time step, unrolled, with
// gradients from SymDiff, but each node is one fused operation (fused.go):
//
//	XP  = inProj(X, W_x, b_r)
//	h_t = step_t(h_{t-1}, XP, N, W_r)        t = 0..T-1
//	Z   = outProj(W_o, b_o, h_0, …, h_{T-1})
//	L   = loss(Z, targets, weights)
//
// The data inputs are whole-sequence matrices (X (T*B, I), N (T*B, H), the
// targets: class indices (T*B) for CrossEntropy, desired outputs (T*B, O)
// for L1 and L2; loss weights (T*B)) read block by block by the steps,
// with no Slice nodes.
type fastNet[F float] struct {
	s          *seq[F]
	w          [5]*G.Node
	x, n, y, m *G.Node
	z, loss    *G.Node  // loss: the task loss plus the regularisers
	regs       []string // the active regularisers (Regularization.Active)
	xBuf       []F      // inputs and noise converted to float64 (float64 graphs)
	nBuf       []F
	yBuf       []int32 // class indices (CrossEntropy)
	yvBuf      []F     // desired outputs (L1, L2): Targets.Value or the one-hot code of Targets.Class
	mBuf       []F     // loss weights
	zBuf       []F
	xv, nv     views // float32: tensors viewing the caller's inputs and noise
}

// views keeps tensors that view callers' float32 slices, so that a float32
// graph binds the inputs and noise of a run instead of copying them. It
// remembers the last two slices (a caller that alternates two buffers, as
// train's producer does, allocates nothing after the first two runs).
type views struct {
	data [2]*float32
	t    [2]*tensor.Dense
	next int
}

// get returns a (rows, cols) tensor backed by x (len rows*cols).
func (v *views) get(x []float32, rows, cols int) *tensor.Dense {
	p := unsafe.SliceData(x)
	for i, d := range v.data {
		if d == p {
			return v.t[i]
		}
	}
	i := v.next
	v.data[i], v.t[i] = p, view(x, rows, cols)
	v.next = 1 - i
	return v.t[i]
}

func buildFast[F float](g *G.ExprGraph, cfg Config, w *Weights, T, B int, loss Loss) (*fastNet[F], error) {
	I, H := cfg.NInput, cfg.NHidden
	dt := w.Dtype()
	s := newSeq[F](cfg, T, B, loss, loss != "", dt, fmt.Sprintf("@%p", g))
	f := &fastNet[F]{s: s, w: weightNodes(g, w)}
	if is32[F]() {
		// feed binds views of the caller's slices (views)
		f.x = G.NewMatrix(g, dt, G.WithShape(T*B, I), G.WithName("inputs"))
		f.n = G.NewMatrix(g, dt, G.WithShape(T*B, H), G.WithName("noise"))
	} else {
		f.xBuf, f.nBuf = make([]F, T*B*I), make([]F, T*B*H)
		f.x = G.NewMatrix(g, dt, G.WithShape(T*B, I), G.WithName("inputs"), G.WithValue(view(f.xBuf, T*B, I)))
		f.n = G.NewMatrix(g, dt, G.WithShape(T*B, H), G.WithName("noise"), G.WithValue(view(f.nBuf, T*B, H)))
	}
	br, bo := f.w[2], f.w[4]
	Wx, Wr, Wo, err := addEffective(s, w, f.w) // the weights themselves if unconstrained
	if err != nil {
		return nil, err
	}

	xp, err := apply(newInProj(s), "inProj", f.x, Wx, br)
	if err != nil {
		return nil, err
	}
	var h *G.Node
	for t := range T {
		args := G.Nodes{xp, f.n, Wr}
		if h != nil {
			args = append(G.Nodes{h}, args...)
		}
		if h, err = apply(newStep(s, t), "step", args...); err != nil {
			return nil, err
		}
		s.hNodes = append(s.hNodes, h)
	}
	op := newOutProj(s)
	if f.z, err = apply(op, "outProj", append(G.Nodes{Wo, bo}, s.hNodes...)...); err != nil {
		return nil, err
	}
	f.zBuf = vals[F](op.out)
	if loss == "" {
		return f, nil
	}
	if loss == CrossEntropy {
		f.yBuf = make([]int32, T*B)
		f.y = G.NewVector(g, tensor.Int32, G.WithShape(T*B), G.WithName("targets"),
			G.WithValue(tensor.New(tensor.WithShape(T*B), tensor.WithBacking(f.yBuf))))
	} else {
		f.yvBuf = make([]F, T*B*cfg.NOutput)
		f.y = G.NewMatrix(g, dt, G.WithShape(T*B, cfg.NOutput), G.WithName("targets"), G.WithValue(view(f.yvBuf, T*B, cfg.NOutput)))
	}
	f.mBuf = make([]F, T*B)
	f.m = G.NewVector(g, dt, G.WithShape(T*B), G.WithName("loss_weights"), G.WithValue(view(f.mBuf, T*B)))
	if f.loss, err = apply(newLoss(s), "loss", f.z, f.y, f.m); err != nil {
		return nil, err
	}
	f.regs = cfg.Reg.Active()
	if f.loss, err = addRegularizers(s, cfg.Reg, f.loss, [3]*G.Node{Wx, Wr, Wo}); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *fastNet[F]) feed(inputs, noise []float32) {
	if is32[F]() {
		s := f.s
		// the lengths were checked by the caller, so Let cannot fail
		_ = G.Let(f.x, f.xv.get(inputs, s.T*s.B, s.I))
		_ = G.Let(f.n, f.nv.get(noise, s.T*s.B, s.H))
		return
	}
	for i, v := range inputs {
		f.xBuf[i] = F(v)
	}
	for i, v := range noise {
		f.nBuf[i] = F(v)
	}
}

// setTargets copies t (checked by Targets.check) into the target and weight
// buffers; the loss computes Σm itself.
func (f *fastNet[F]) setTargets(t Targets, _ float64) {
	if f.yBuf != nil {
		copy(f.yBuf, t.Class)
	} else if t.Value != nil {
		for i, v := range t.Value {
			f.yvBuf[i] = F(v)
		}
	} else {
		clear(f.yvBuf)
		for i, c := range t.Class {
			f.yvBuf[i*f.s.O+int(c)] = 1
		}
	}
	if t.Mask == nil {
		for i := range f.mBuf {
			f.mBuf[i] = 1
		}
		return
	}
	for i, v := range t.Mask {
		f.mBuf[i] = F(v)
	}
}

func (f *fastNet[F]) weightNodes() [5]*G.Node { return f.w }

// terms appends the task loss and the active regularisers of the last run.
func (f *fastNet[F]) terms(dst []float64) []float64 {
	dst = append(dst, f.s.taskVal)
	for _, name := range f.regs {
		for i, n := range RegularizerNames() {
			if n == name {
				dst = append(dst, f.s.regVals[i])
			}
		}
	}
	return dst
}
func (f *fastNet[F]) lossNode() *G.Node { return f.loss }

func (f *fastNet[F]) inputNodes() G.Nodes {
	ns := append(G.Nodes{}, f.w[:]...)
	ns = append(ns, f.x, f.n)
	if f.y != nil {
		ns = append(ns, f.y, f.m)
	}
	return ns
}

func (f *fastNet[F]) outputNodes() G.Nodes {
	if f.loss != nil {
		return nil // the loss needs Z
	}
	return G.Nodes{f.z}
}

// readOutputs appends Z (O, T*B) transposed to (T*B, O).
func (f *fastNet[F]) readOutputs(dst []float32) []float32 {
	s := f.s
	n := s.T * s.B
	for r := range n {
		for k := range s.O {
			dst = append(dst, float32(f.zBuf[k*n+r]))
		}
	}
	return dst
}

func (f *fastNet[F]) readHidden(dst []float32) []float32 {
	for _, v := range f.s.hs {
		dst = append(dst, float32(v))
	}
	return dst
}

func newFastTrain(g *G.ExprGraph, cfg Config, w *Weights, T, B int, loss Loss) (trainNet, error) {
	if w.Dtype() == tensor.Float32 {
		return buildFast[float32](g, cfg, w, T, B, loss)
	}
	return buildFast[float64](g, cfg, w, T, B, loss)
}

func newFastForward(g *G.ExprGraph, cfg Config, w *Weights, T, B int) (forwardNet, error) {
	if w.Dtype() == tensor.Float32 {
		return buildFast[float32](g, cfg, w, T, B, "")
	}
	return buildFast[float64](g, cfg, w, T, B, "")
}
