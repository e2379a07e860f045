package model

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file defines the fused Gorgonia operations of the Fast graph (built
// in fast.go). Notation: T steps, B trials, I inputs, H units, O outputs; a
// "sequence" matrix has T*B rows, row t*B+b for step t and trial b
// (time-major, like the inputs). α = dt/tau, c = sqrt(2α)·s.
//
// Forward, one instruction each:
//
//	inProj:   XP = X W_xᵀ + b_r                          (T*B, H)
//	step t:   pre = XP_t + h_{t-1} W_rᵀ                    (h_{-1} = 0)
//	          h_t = (1-α) h_{t-1} + α f(pre) + c N_t       (B, H); saves f'(pre)
//	outProj:  Z = W_o Hᵀ + b_o                           (O, T*B), H = [h_0; …; h_{T-1}]
//	loss:     L = mean CE / L1 / L2 of the columns of Z against the targets
//
// Backward, built by the operations' SymDiff, one instruction each:
//
//	lossGrad:    dZ = ∂L/∂Z                              (O, T*B)
//	outGradW:    dW_o = dZ H,   rowSum: db_o = Σ_cols dZ
//	outGradH:    D = dZᵀ W_o   (the output's share of every ∂L/∂h_t)  (T*B, H)
//	block:       ∂L/∂h_{T-1} = D_{T-1}
//	stepGrad t:  P_t = α ∂L/∂h_t ⊙ f'(pre_t)              (∂L/∂pre_t), then
//	             ∂L/∂h_{t-1} = (1-α) ∂L/∂h_t + P_t W_r + D_{t-1}     (t ≥ 1)
//	preGrad 0:   P_0 = α ∂L/∂h_0 ⊙ f'(pre_0)
//	stack:       P = [P_0; …; P_{T-1}] = ∂L/∂XP            (T*B, H)
//	recGrad:     dW_r = Σ_{t≥1} P_tᵀ h_{t-1}  (one product over all steps)
//	inGradW:     dW_x = Pᵀ X,   colSum: db_r = Σ_rows P
//
// Gradient routing. Gorgonia adds up the gradients a node receives from its
// several consumers with one built-in Add each (about 10 µs for a 64×64
// matrix), and every step consumes W_r and XP, every h_t feeds the output
// projection and the next step. To keep one instruction per step, the
// operations route those sums themselves: a step declares (DiffWRT) a
// gradient for W_r and XP only at t = 0, whose SymDiff returns the gradient
// of the whole sequence (recGrad and stack above, built from every step's
// P_t); the output projection declares a gradient only for h_{T-1} and
// passes its share D_t of the other steps to stepGrad. SymDiff runs from the
// last step to the first, so every P_t exists by the time step 0 needs them.
// The total is the exact gradient; the finite-difference tests check it.
//
// Memory. Every operation writes its result into a tensor allocated once when
// the graph is built and returns that tensor, so a run allocates (almost)
// nothing. The per-step results are views of one sequence matrix each (h_t
// of H, P_t of P), so the sequence-wide products read them as one matrix.
// The operations do not implement UsePreallocDo on purpose: the machine
// would hand them registers of other nodes. A few values are saved by one
// operation for a later one, as PyTorch's autograd saves tensors: f'(pre_t)
// (step t for stepGrad t), softmax(Z) (loss for lossGrad) and the packed
// recurrent weights (step 0 for every later step and stepGrad); the reader
// always takes the writer's node as an argument, so the machine runs them in
// that order. stepGrad t writes P_t, block t of P, besides returning
// ∂L/∂h_{t-1}; the stack operation takes every stepGrad node as an argument.

// seq is what the fused operations of one graph share: sizes, constants,
// the sequence buffers and, while Grad runs, the gradient nodes that the
// routing described above passes between operations.
type seq[F float] struct {
	T, B, I, H, O int
	alpha, c      F
	act           Activation
	loss          Loss
	train         bool // steps save f'(pre) for their gradients
	dtype         tensor.Dtype
	id            string // distinguishes this graph's operations in hashes

	xp, hs, deriv, pre, act1 []F       // forward buffers: XP, H, f'(pre), scratch
	wrT                      []F       // W_rᵀ, written by step 0 for all steps (gonum path)
	dpre                     []F       // P, the stacked ∂L/∂pre_t
	prob                     []float64 // softmax(Z) (O, T*B), saved by lossOp for lossGrad
	prob32, colMax           []float32 // the same in float32 (k32 path) and its scratch

	hsDense, dpreDense *tensor.Dense // H and P as (T*B, H) tensors

	k32 *kern32 // float32 kernels (fast32.go); nil: the gonum paths below

	hNodes []*G.Node // the step nodes h_0..h_{T-1}, set by the builder

	// filled during SymDiff
	preGrads []*G.Node // by step, the node that writes P_t (stepGrad t, preGrad 0)
	outGradH *G.Node   // D
	rateGrad *G.Node   // the rate regulariser's gradient op (fused_constraints.go); nil without one
	rateA    F         // its factors of sign(h_t) and h_t in R_t, set by rateGrad's Do
	rateB    F

	taskVal float64    // the task loss of the last run
	regVals [8]float64 // the regularisers of the last run, in the order of RegularizerNames
}

func newSeq[F float](cfg Config, T, B int, loss Loss, train bool, dtype tensor.Dtype, id string) *seq[F] {
	H := cfg.NHidden
	s := &seq[F]{
		T: T, B: B, I: cfg.NInput, H: H, O: cfg.NOutput,
		alpha: F(cfg.Alpha()), c: F(cfg.NoiseScale()),
		act: cfg.Activation, loss: loss, train: train, dtype: dtype, id: id,
		xp:   make([]F, T*B*H),
		hs:   make([]F, T*B*H),
		pre:  make([]F, B*H),
		act1: make([]F, B*H),
	}
	s.hsDense = tensor.New(tensor.WithShape(T*B, H), tensor.WithBacking(s.hs))
	if is32[F]() {
		s.k32 = newKern32(B, H)
	}
	if s.k32 == nil {
		s.wrT = make([]F, H*H)
	}
	if train {
		s.deriv = make([]F, T*B*H)
		s.dpre = make([]F, T*B*H)
		s.dpreDense = tensor.New(tensor.WithShape(T*B, H), tensor.WithBacking(s.dpre))
		s.preGrads = make([]*G.Node, T)
		if s.k32 != nil {
			s.prob32, s.colMax = make([]float32, cfg.NOutput*T*B), make([]float32, T*B)
		} else {
			s.prob = make([]float64, cfg.NOutput*T*B)
		}
	}
	return s
}

// block returns rows [t*B, (t+1)*B) of a sequence matrix with n columns.
func (s *seq[F]) block(x []F, t, n int) []F { return x[t*s.B*n : (t+1)*s.B*n] }

// view returns a tensor of shape sh backed by x.
func view[F float](x []F, sh ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(sh...), tensor.WithBacking(x[:len(x):len(x)]))
}

// fusedOp holds what every fused operation has in common: a unique name,
// the types of its arguments and result, and the tensor it returns.
type fusedOp struct {
	name  string    // unique within the graph and across graphs (includes seq.id)
	types []hm.Type // argument types, then the result type
	arity int
	out   G.Value
	hash  uint32
}

func newFused(name string, out G.Value, argTypes ...hm.Type) fusedOp {
	var ret hm.Type
	switch v := out.(type) {
	case *tensor.Dense:
		ret = G.TensorType{Dims: v.Dims(), Of: v.Dtype()}
	default:
		ret = v.Dtype()
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return fusedOp{name: name, types: append(argTypes, ret), arity: len(argTypes), out: out, hash: h.Sum32()}
}

func (o *fusedOp) Arity() int { return o.arity }

// Type builds a new function type on every call: Gorgonia returns the
// type to a pool after inferring a node's type.
func (o *fusedOp) Type() hm.Type { return hm.NewFnType(o.types...) }

func (o *fusedOp) ReturnsPtr() bool                               { return false }
func (o *fusedOp) CallsExtern() bool                              { return false }
func (o *fusedOp) OverwritesInput() int                           { return -1 }
func (o *fusedOp) WriteHash(h hash.Hash)                          { h.Write([]byte(o.name)) }
func (o *fusedOp) Hashcode() uint32                               { return o.hash }
func (o *fusedOp) String() string                                 { return o.name }
func (o *fusedOp) shape() tensor.Shape                            { return shapeOf(o.out) }
func (o *fusedOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape(), nil }

func shapeOf(v G.Value) tensor.Shape {
	if d, ok := v.(*tensor.Dense); ok {
		return d.Shape().Clone()
	}
	return tensor.ScalarShape()
}

func tt(dims int, dt tensor.Dtype) hm.Type { return G.TensorType{Dims: dims, Of: dt} }

// apply adds op to the graph with the given children and names the node
// after the (unique) operation.
func apply(op G.Op, name string, children ...*G.Node) (*G.Node, error) {
	n, err := G.ApplyOp(op, children...)
	if err != nil {
		return nil, fmt.Errorf("model: fused op %s: %w", name, err)
	}
	G.WithName(op.String())(n)
	return n, nil
}

// ---------------------------------------------------------------- forward

// inProjOp: XP = X W_xᵀ + b_r. Arguments X (T*B, I), W_x (H, I), b_r (H).
type inProjOp[F float] struct {
	fusedOp
	s   *seq[F]
	wxT []F // W_xᵀ (I, H) scratch
}

func newInProj[F float](s *seq[F]) *inProjOp[F] {
	dt := s.dtype
	return &inProjOp[F]{
		fusedOp: newFused("inProj"+s.id, view(s.xp, s.T*s.B, s.H), tt(2, dt), tt(2, dt), tt(1, dt)),
		s:       s, wxT: make([]F, s.I*s.H),
	}
}

func (o *inProjOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	x, wx, b := vals[F](v[0]), vals[F](v[1]), vals[F](v[2])
	if k := s.k32; k != nil {
		k.inProj(s.T*s.B, s.I, s.H, f32(x), f32(wx), f32(b), f32(s.xp))
		return o.out, nil
	}
	for j := 0; j < s.H; j++ {
		for i := 0; i < s.I; i++ {
			o.wxT[i*s.H+j] = wx[j*s.I+i]
		}
	}
	for r := 0; r < s.T*s.B; r++ {
		copy(s.xp[r*s.H:(r+1)*s.H], b)
	}
	gemmAcc(false, s.T*s.B, s.H, s.I, x, s.I, o.wxT, s.H, s.xp, s.H) // += X W_xᵀ
	return o.out, nil
}

func (o *inProjOp[F]) DiffWRT(int) []bool { return []bool{false, true, true} }

// SymDiff: dW_x = dXPᵀ X, db_r = Σ_rows dXP; X is data.
func (o *inProjOp[F]) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	s := o.s
	dWx, err := apply(&inGradWOp[F]{
		fusedOp: newFused("inGradW"+s.id, tensor.New(tensor.Of(s.dtype), tensor.WithShape(s.H, s.I)), tt(2, s.dtype), tt(2, s.dtype)),
		s:       s, tmp: make([]F, s.I*s.H),
	}, "inGradW", in[0], grad)
	if err != nil {
		return nil, err
	}
	// colSum also takes dW_x, which orders it after inGradW (whose product
	// computes the column sums too on the float32 path)
	db, err := apply(&colSumOp[F]{
		fusedOp: newFused("colSum"+s.id, tensor.New(tensor.Of(s.dtype), tensor.WithShape(s.H)), tt(2, s.dtype), tt(2, s.dtype)),
		s:       s,
	}, "colSum", grad, dWx)
	if err != nil {
		return nil, err
	}
	return G.Nodes{nil, dWx, db}, nil
}

// stepOp is time step t: pre = XP_t + h_{t-1} W_rᵀ, h_t = (1-α) h_{t-1} +
// α f(pre) + c N_t. Arguments: h_{t-1} (B, H) (absent at t = 0), XP
// (T*B, H), N (T*B, H), W_r (H, H). The result is block t of H.
type stepOp[F float] struct {
	fusedOp
	s *seq[F]
	t int
}

func newStep[F float](s *seq[F], t int) *stepOp[F] {
	dt := s.dtype
	args := []hm.Type{tt(2, dt), tt(2, dt), tt(2, dt)}
	if t > 0 {
		args = append([]hm.Type{tt(2, dt)}, args...)
	}
	return &stepOp[F]{
		fusedOp: newFused(fmt.Sprintf("step%d%s", t, s.id), view(s.block(s.hs, t, s.H), s.B, s.H), args...),
		s:       s, t: t,
	}
}

func (o *stepOp[F]) Do(v ...G.Value) (G.Value, error) {
	s, t := o.s, o.t
	var hPrev []F
	if t > 0 {
		hPrev, v = vals[F](v[0]), v[1:]
	}
	xp, noise, wr := vals[F](v[0]), vals[F](v[1]), vals[F](v[2])
	if k := s.k32; k != nil {
		if t == 0 {
			k.packRec(s.H, f32(wr), s.train)
		}
		var d []float32
		if s.train {
			d = f32(s.block(s.deriv, t, s.H))
		}
		k.step(s.B, s.H, s.act, float32(s.alpha), float32(s.c), f32(s.block(xp, t, s.H)), f32(hPrev),
			f32(s.block(noise, t, s.H)), f32(s.pre), f32(s.act1), f32(s.block(s.hs, t, s.H)), d)
		return o.out, nil
	}
	if t == 0 {
		// W_rᵀ for every step's product, so that it reads rows of W_rᵀ
		for i := 0; i < s.H; i++ {
			for j := 0; j < s.H; j++ {
				s.wrT[j*s.H+i] = wr[i*s.H+j]
			}
		}
	}
	pre := s.pre
	copy(pre, s.block(xp, t, s.H))
	if t > 0 {
		gemmAcc(false, s.B, s.H, s.H, hPrev, s.H, s.wrT, s.H, pre, s.H) // pre += h_{t-1} W_rᵀ
	}
	fx := s.act1
	if s.train {
		activate(s.act, pre, fx, s.block(s.deriv, t, s.H))
	} else {
		activateOnly(s.act, pre, fx)
	}
	h, n := s.block(s.hs, t, s.H), s.block(noise, t, s.H)
	a, c := s.alpha, s.c
	if t == 0 {
		for i := range h {
			h[i] = a*fx[i] + c*n[i]
		}
	} else {
		for i := range h {
			h[i] = (1-a)*hPrev[i] + a*fx[i] + c*n[i]
		}
	}
	return o.out, nil
}

// DiffWRT: h_{t-1} always; XP and W_r only at t = 0, which returns the
// gradient of the whole sequence (see "Gradient routing"); N is data.
func (o *stepOp[F]) DiffWRT(n int) []bool {
	if o.t == 0 {
		return []bool{true, false, true}
	}
	return []bool{true, false, false, false}
}

func (o *stepOp[F]) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	s, t := o.s, o.t
	dt := s.dtype
	if t > 0 {
		if s.outGradH == nil {
			return nil, fmt.Errorf("model: step %d differentiated before the output projection", t)
		}
		wr := in[3]
		args := G.Nodes{grad, out, wr, s.outGradH}
		if s.rateGrad != nil {
			args = append(args, s.rateGrad)
		}
		types := make([]hm.Type, len(args))
		for i := range types {
			types[i] = tt(2, dt)
		}
		prev, err := apply(&stepGradOp[F]{
			fusedOp: newFused(fmt.Sprintf("stepGrad%d%s", t, s.id), tensor.New(tensor.Of(dt), tensor.WithShape(s.B, s.H)), types...),
			s:       s, t: t,
		}, "stepGrad", args...)
		if err != nil {
			return nil, err
		}
		s.preGrads[t] = prev
		return G.Nodes{prev, nil, nil, nil}, nil
	}
	p, err := apply(&preGradOp[F]{
		fusedOp: newFused(fmt.Sprintf("preGrad%d%s", t, s.id), view(s.block(s.dpre, t, s.H), s.B, s.H), tt(2, dt), tt(2, dt)),
		s:       s, t: t,
	}, "preGrad", grad, out)
	if err != nil {
		return nil, err
	}
	s.preGrads[t] = p
	// t = 0: every P_t exists now (SymDiff ran from the last step down).
	for i, n := range s.preGrads {
		if n == nil {
			return nil, fmt.Errorf("model: gradient of step %d missing at step 0", i)
		}
	}
	stackArgs := make([]hm.Type, s.T)
	for i := range stackArgs {
		stackArgs[i] = tt(2, dt)
	}
	dXP, err := apply(&stackOp[F]{fusedOp: newFused("stack"+s.id, s.dpreDense, stackArgs...)}, "stack", s.preGrads...)
	if err != nil {
		return nil, err
	}
	// recGrad reads P and the states h_0..h_{T-2}.
	recArgs := append(G.Nodes{dXP}, s.hNodes[:s.T-1]...)
	recTypes := make([]hm.Type, len(recArgs))
	for i := range recTypes {
		recTypes[i] = tt(2, dt)
	}
	dWr, err := apply(&recGradOp[F]{
		fusedOp: newFused("recGrad"+s.id, tensor.New(tensor.Of(dt), tensor.WithShape(s.H, s.H)), recTypes...),
		s:       s,
	}, "recGrad", recArgs...)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dXP, nil, dWr}, nil
}

// preGradOp: P_0 = α ∂L/∂h_0 ⊙ f'(pre_0), written into block 0 of P.
// Arguments: ∂L/∂h_0 (B, H) and h_0, which orders it after the forward step
// that saved f'(pre_0).
type preGradOp[F float] struct {
	fusedOp
	s *seq[F]
	t int
}

func (o *preGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	o.s.preGrad(o.t, vals[F](v[0]))
	return o.out, nil
}

// preGrad writes P_t = α g ⊙ f'(pre_t) into block t of P.
func (s *seq[F]) preGrad(t int, g []F) {
	d, p := s.block(s.deriv, t, s.H), s.block(s.dpre, t, s.H)
	if k := s.k32; k != nil {
		k.preGrad(float32(s.alpha), f32(g), f32(d), f32(p))
		return
	}
	a := s.alpha
	for i := range p {
		p[i] = a * g[i] * d[i]
	}
}

// stepGradOp is step t's backward pass (t ≥ 1): P_t = α ∂L/∂h_t ⊙
// f'(pre_t) into block t of P, and the result ∂L/∂h_{t-1} = (1-α) ∂L/∂h_t +
// P_t W_r + D_{t-1} (+ R_{t-1} with a rate regulariser). Arguments:
// ∂L/∂h_t (B, H), h_t (which orders it after the forward step that saved
// f'(pre_t)), W_r (H, H), D (T*B, H), and, with a rate regulariser, its
// gradient op (which orders it after the op that sets R's factors).
type stepGradOp[F float] struct {
	fusedOp
	s *seq[F]
	t int
}

func (o *stepGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	g, wr, d := vals[F](v[0]), vals[F](v[2]), vals[F](v[3])
	s.preGrad(o.t, g)
	p := s.block(s.dpre, o.t, s.H)
	out := vals[F](o.out)
	dPrev := s.block(d, o.t-1, s.H)
	if k := s.k32; k != nil {
		k.prevGrad(s.B, s.H, float32(s.alpha), f32(g), f32(dPrev), f32(p), f32(out))
	} else {
		a := s.alpha
		for i := range out {
			out[i] = (1-a)*g[i] + dPrev[i]
		}
		gemmAcc(false, s.B, s.H, s.H, p, s.H, wr, s.H, out, s.H) // += P_t W_r
	}
	if len(v) > 4 { // rateGrad ran: add R_{t-1}
		s.rateInto(o.t-1, out)
	}
	return o.out, nil
}

// stackOp: P = [P_0; …; P_{T-1}]. The P_t are written into P already, so it
// only returns P; its arguments order it after every stepGrad and preGrad 0.
type stackOp[F float] struct{ fusedOp }

func (o *stackOp[F]) Do(...G.Value) (G.Value, error) { return o.out, nil }

// recGradOp: dW_r = Σ_{t≥1} P_tᵀ h_{t-1}, one product of P's rows B.. with
// H's rows ..(T-1)B. Arguments: P, h_0, …, h_{T-2}.
type recGradOp[F float] struct {
	fusedOp
	s *seq[F]
}

func (o *recGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	out := vals[F](o.out)
	n := (s.T - 1) * s.B
	p := vals[F](v[0])
	if k := s.k32; k != nil {
		k.mm.mul(s.H, s.H, n, f32(p[s.B*s.H:]), 1, s.H, f32(s.hs), s.H, f32(out), s.H, false) // P[1:]ᵀ H[:T-1]
		return o.out, nil
	}
	clear(out)
	gemmAcc(true, s.H, s.H, n, p[s.B*s.H:], s.H, s.hs[:n*s.H], s.H, out, s.H) // += P[1:]ᵀ H[:T-1]
	return o.out, nil
}

// inGradWOp: dW_x = dXPᵀ X (H, I), computed as (Xᵀ dXP)ᵀ so that the
// product's result has H columns. Arguments: X (T*B, I), dXP (T*B, H).
type inGradWOp[F float] struct {
	fusedOp
	s   *seq[F]
	tmp []F // Xᵀ dXP (I, H)
}

func (o *inGradWOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	x, dxp := vals[F](v[0]), vals[F](v[1])
	tmp := o.tmp
	if k := s.k32; k != nil {
		k.dxb = grow(k.dxb, (s.I+1)*s.H)
		k.inGrad(s.T*s.B, s.I, s.H, f32(dxp), k.dxb) // [X 1]ᵀ dXP
		tmp = any(k.dxb).([]F)
	} else {
		clear(tmp)
		gemmAcc(true, s.I, s.H, s.T*s.B, x, s.I, dxp, s.H, tmp, s.H)
	}
	out := vals[F](o.out)
	for i := 0; i < s.I; i++ {
		for j := 0; j < s.H; j++ {
			out[j*s.I+i] = tmp[i*s.H+j]
		}
	}
	return o.out, nil
}

// colSumOp: the sum of the rows of a matrix (its column sums). Arguments:
// the matrix, and dW_x, which orders it after inGradW: on the float32 path
// inGradW's product has computed the sums already (its last row).
type colSumOp[F float] struct {
	fusedOp
	s *seq[F]
}

func (o *colSumOp[F]) Do(v ...G.Value) (G.Value, error) {
	x, out := vals[F](v[0]), vals[F](o.out)
	n := len(out)
	if k := o.s.k32; k != nil {
		copy(f32(out), k.dxb[o.s.I*n:])
		return o.out, nil
	}
	clear(out)
	for r := 0; r < len(x); r += n {
		axpy(1, x[r:r+n], out)
	}
	return o.out, nil
}

// rowSumOp: the sum of the columns of a matrix (its row sums).
type rowSumOp[F float] struct{ fusedOp }

func (o *rowSumOp[F]) Do(v ...G.Value) (G.Value, error) {
	x, out := vals[F](v[0]), vals[F](o.out)
	n := len(x) / len(out)
	for i := range out {
		var sum F
		for _, e := range x[i*n : (i+1)*n] {
			sum += e
		}
		out[i] = sum
	}
	return o.out, nil
}

// ---------------------------------------------------------------- output

// outProjOp: Z = W_o Hᵀ + b_o (O, T*B); one product whose result has T*B
// columns (gonum is slow when a product's result has only O = 3 columns).
// Arguments: W_o (O, H), b_o (O), h_0, …, h_{T-1} (views of H).
type outProjOp[F float] struct {
	fusedOp
	s *seq[F]
}

func newOutProj[F float](s *seq[F]) *outProjOp[F] {
	dt := s.dtype
	args := []hm.Type{tt(2, dt), tt(1, dt)}
	for range s.T {
		args = append(args, tt(2, dt))
	}
	return &outProjOp[F]{
		fusedOp: newFused("outProj"+s.id, tensor.New(tensor.Of(dt), tensor.WithShape(s.O, s.T*s.B)), args...),
		s:       s,
	}
}

func (o *outProjOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	wo, bo := vals[F](v[0]), vals[F](v[1])
	z := vals[F](o.out)
	n := s.T * s.B
	if k := s.k32; k != nil {
		k.outProj(n, s.H, s.O, f32(wo), f32(bo), f32(s.hs), f32(z))
		return o.out, nil
	}
	for k := 0; k < s.O; k++ {
		row := z[k*n : (k+1)*n]
		for i := range row {
			row[i] = bo[k]
		}
	}
	gemm(blas.NoTrans, blas.Trans, s.O, n, s.H, 1, wo, s.H, s.hs, s.H, 1, z, n)
	return o.out, nil
}

// DiffWRT: W_o, b_o and only the last state; the output's share of the
// other states' gradients goes to stepGrad (see "Gradient routing").
func (o *outProjOp[F]) DiffWRT(n int) []bool {
	d := make([]bool, n)
	d[0], d[1], d[n-1] = true, true, true
	return d
}

func (o *outProjOp[F]) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	s := o.s
	dt := s.dtype
	n := s.T * s.B
	wArgs := []hm.Type{tt(2, dt)}
	for range s.T {
		wArgs = append(wArgs, tt(2, dt))
	}
	dWo, err := apply(&outGradWOp[F]{
		fusedOp: newFused("outGradW"+s.id, tensor.New(tensor.Of(dt), tensor.WithShape(s.O, s.H)), wArgs...),
		s:       s,
	}, "outGradW", append(G.Nodes{grad}, in[2:]...)...)
	if err != nil {
		return nil, err
	}
	dbo, err := apply(&rowSumOp[F]{
		fusedOp: newFused("rowSum"+s.id, tensor.New(tensor.Of(dt), tensor.WithShape(s.O)), tt(2, dt)),
	}, "rowSum", grad)
	if err != nil {
		return nil, err
	}
	dBuf := make([]F, n*s.H)
	d, err := apply(&outGradHOp[F]{
		fusedOp: newFused("outGradH"+s.id, view(dBuf, n, s.H), tt(2, dt), tt(2, dt)),
		s:       s,
	}, "outGradH", grad, in[0])
	if err != nil {
		return nil, err
	}
	s.outGradH = d
	last, err := apply(&blockOp[F]{
		fusedOp: newFused("lastBlock"+s.id, view(s.block(dBuf, s.T-1, s.H), s.B, s.H), tt(2, dt)),
	}, "lastBlock", d)
	if err != nil {
		return nil, err
	}
	grads := make(G.Nodes, len(in))
	grads[0], grads[1], grads[len(in)-1] = dWo, dbo, last
	return grads, nil
}

// outGradWOp: dW_o = dZ H (O, H). Arguments: dZ (O, T*B), h_0, …, h_{T-1}.
type outGradWOp[F float] struct {
	fusedOp
	s *seq[F]
}

func (o *outGradWOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	dz := vals[F](v[0])
	n := s.T * s.B
	out := vals[F](o.out)
	if k := s.k32; k != nil {
		k.mm.mul(s.O, s.H, n, f32(dz), n, 1, f32(s.hs), s.H, f32(out), s.H, false)
		return o.out, nil
	}
	clear(out)
	gemmAcc(false, s.O, s.H, n, dz, n, s.hs, s.H, out, s.H)
	return o.out, nil
}

// outGradHOp: D = dZᵀ W_o (T*B, H). Arguments: dZ (O, T*B), W_o (O, H).
type outGradHOp[F float] struct {
	fusedOp
	s *seq[F]
}

func (o *outGradHOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	dz, wo := vals[F](v[0]), vals[F](v[1])
	n := s.T * s.B
	out := vals[F](o.out)
	if k := s.k32; k != nil {
		k.mm.mul(n, s.H, s.O, f32(dz), 1, n, f32(wo), s.H, f32(out), s.H, false) // dZᵀ W_o
		return o.out, nil
	}
	clear(out)
	gemmAcc(true, n, s.H, s.O, dz, n, wo, s.H, out, s.H)
	return o.out, nil
}

// blockOp returns a fixed block of its argument's tensor (a view made once).
type blockOp[F float] struct{ fusedOp }

func (o *blockOp[F]) Do(...G.Value) (G.Value, error) { return o.out, nil }

// ---------------------------------------------------------------- loss

// lossOp: the weighted mean loss of Z's columns against the targets.
// Arguments: Z (O, T*B); the targets, class indices y (T*B) int32 for
// CrossEntropy or desired outputs Y (T*B, O) for L1 and L2; the weights m
// (T*B). With ℓ_r the loss of column r,
//
//	L = Σ_r m_r ℓ_r / Σ_r m_r           (0 if Σ_r m_r = 0)
//	CrossEntropy: ℓ_r = log Σ_k exp(Z_kr) - Z_{y_r r}
//	L1:           ℓ_r = mean_k |Z_kr - Y_rk|
//	L2:           ℓ_r = mean_k (Z_kr - Y_rk)²
//
// The sums run in the order of the unweighted mean (columns; for L1 and L2
// outputs outer, columns inner), so weights of 1 give its value exactly.
type lossOp[F float] struct {
	fusedOp
	s *seq[F]
}

func newLoss[F float](s *seq[F]) *lossOp[F] {
	var out G.Value
	if is32[F]() {
		out = G.NewF32(0)
	} else {
		out = G.NewF64(0)
	}
	return &lossOp[F]{fusedOp: newFused("loss"+s.id, out, tt(2, s.dtype), targetType(s), tt(1, s.dtype)), s: s}
}

// targetType is the type of the loss's target argument.
func targetType[F float](s *seq[F]) hm.Type {
	if s.loss == CrossEntropy {
		return tt(1, tensor.Int32)
	}
	return tt(2, s.dtype)
}

// weightSum returns Σ m in float64, summed in order.
func weightSum[F float](m []F) float64 {
	var sum float64
	for _, w := range m {
		sum += float64(w)
	}
	return sum
}

func (o *lossOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	z, m := vals[F](v[0]), vals[F](v[2])
	n := s.T * s.B
	var sum float64
	switch s.loss {
	case CrossEntropy:
		// saves the softmax probabilities for lossGrad
		y := v[1].(*tensor.Dense).Int32s()
		if k := s.k32; k != nil {
			sum = k.crossEntropy(s.O, n, f32(z), y, f32(m), s.prob32, s.colMax)
			if sm := weightSum(m); sm > 0 {
				sum /= sm
			} else {
				sum = 0
			}
			break
		}
		for r, c := range y {
			zm := z[r]
			for k := 1; k < s.O; k++ {
				zm = max(zm, z[k*n+r])
			}
			var e float64
			for k := 0; k < s.O; k++ {
				ek := math.Exp(float64(z[k*n+r] - zm))
				s.prob[k*n+r] = ek
				e += ek
			}
			for k := 0; k < s.O; k++ {
				s.prob[k*n+r] /= e
			}
			if w := float64(m[r]); w != 0 {
				sum += w * (float64(zm) + math.Log(e) - float64(z[int(c)*n+r]))
			}
		}
		if sm := weightSum(m); sm > 0 {
			sum /= sm
		} else {
			sum = 0
		}
	case L1, L2:
		y := vals[F](v[1])
		for k := 0; k < s.O; k++ {
			for r := range n {
				w := float64(m[r])
				if w == 0 {
					continue
				}
				d := float64(z[k*n+r]) - float64(y[r*s.O+k])
				if s.loss == L1 {
					sum += w * math.Abs(d)
				} else {
					sum += w * (d * d)
				}
			}
		}
		if sm := weightSum(m); sm > 0 {
			sum /= float64(s.O) * sm
		} else {
			sum = 0
		}
	}
	s.taskVal = float64(F(sum)) // the value the graph adds up
	setScalar(o.out, sum)
	return o.out, nil
}

func (o *lossOp[F]) DiffWRT(int) []bool { return []bool{true, false, false} }

func (o *lossOp[F]) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	s := o.s
	dz, err := apply(&lossGradOp[F]{
		fusedOp: newFused("lossGrad"+s.id, tensor.New(tensor.Of(s.dtype), tensor.WithShape(s.O, s.T*s.B)),
			tt(2, s.dtype), targetType(s), tt(1, s.dtype), s.dtype, s.dtype),
		s: s,
	}, "lossGrad", in[0], in[1], in[2], out, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dz, nil, nil}, nil
}

// lossGradOp: dZ = g ∂L/∂Z. Arguments: Z, the targets, the weights m, the
// loss L (which orders it after lossOp, whose saved softmax it reads) and g
// (scalar). Column r of dZ is 0 where m_r = 0, and everywhere if Σm = 0;
// otherwise
//
//	CrossEntropy: m_r (softmax(Z_·r) - onehot(y_r)) / Σm
//	L1:           m_r sign(Z_·r - Y_r) / (O Σm)
//	L2:           2 m_r (Z_·r - Y_r) / (O Σm)
type lossGradOp[F float] struct {
	fusedOp
	s *seq[F]
}

func (o *lossGradOp[F]) Do(v ...G.Value) (G.Value, error) {
	s := o.s
	z, m, g := vals[F](v[0]), vals[F](v[2]), scalarValue(v[4])
	dz := vals[F](o.out)
	n := s.T * s.B
	sm := weightSum(m)
	if !(sm > 0) {
		clear(dz)
		return o.out, nil
	}
	switch s.loss {
	case CrossEntropy:
		y := v[1].(*tensor.Dense).Int32s()
		scale := g / sm
		for k := 0; k < s.O; k++ {
			for r, c := range y {
				w := scale * float64(m[r])
				if w == 0 {
					dz[k*n+r] = 0
					continue
				}
				var p float64 // saved by lossOp
				if s.k32 != nil {
					p = float64(s.prob32[k*n+r])
				} else {
					p = s.prob[k*n+r]
				}
				if k == int(c) {
					p--
				}
				dz[k*n+r] = F(w * p)
			}
		}
	case L1, L2:
		y := vals[F](v[1])
		scale := g / (float64(s.O) * sm)
		for k := 0; k < s.O; k++ {
			for r := range n {
				w := scale * float64(m[r])
				if w == 0 {
					dz[k*n+r] = 0
					continue
				}
				d := float64(z[k*n+r]) - float64(y[r*s.O+k])
				if s.loss == L1 {
					switch {
					case d > 0:
						d = 1
					case d < 0:
						d = -1
					}
				} else {
					d *= 2
				}
				dz[k*n+r] = F(w * d)
			}
		}
	}
	return o.out, nil
}

// axpy computes y += a x.
func axpy[F float](a F, x, y []F) {
	if is32[F]() {
		blasImpl.Saxpy(len(x), float32(a), f32(x), 1, f32(y), 1)
		return
	}
	blasImpl.Daxpy(len(x), float64(a), f64(x), 1, f64(y), 1)
}
