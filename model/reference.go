package model

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file is the Reference graph: the model's equations written directly
// with Gorgonia's built-in operations, one group of nodes per time step. It
// is slow (thousands of tape instructions) but easy to check, and the Fast
// graph is tested against it.
//
// Gorgonia traps it avoids (see ../shared/reference/gorgonia-notes.md and
// traps_test.go): no Slice or Concat anywhere (their hashes keep one byte of
// each bound, so x[256:260] would silently become x[0:4]), so every step's
// inputs are separate input nodes viewing one buffer; every input node has a
// unique name (same-named or unnamed inputs are merged); no SoftMax (its
// last-axis version reads the wrong row maximum).

// refNet is the Reference graph of one (steps, batch) shape.
type refNet struct {
	w                [5]*G.Node // weight nodes, order of StateDictNames
	x, noise, y, m   []*G.Node  // per step: inputs (B, I), standard normals (B, H), targets (B, O), L1/L2 weights (B, O)
	h, logits        []*G.Node  // per step: hidden state (B, H), logits (B, O)
	loss             *G.Node    // scalar mean loss; nil for a forward-only graph
	xBuf, nBuf, yBuf buffer     // backing arrays of x, noise, y, time-major
	mBuf             buffer     // backing array of m (L1, L2)
	scale            *G.Node    // the loss's normalisation, set per run (see setTargets)
	scaleVal         G.Value    // scale's bound *G.F32 or *G.F64, overwritten in place
	lossKind         Loss
	nOut             int

	consts   G.Nodes // C of the constrained matrices (constraints.go)
	taskLoss *G.Node // the task loss; loss adds the regularisers to it
	regs     G.Nodes // the active regularisers, in the order of Regularization.Active
}

// weightNodes adds the five weights to g as named input nodes bound to w's tensors.
func weightNodes(g *G.ExprGraph, w *Weights) [5]*G.Node {
	var nodes [5]*G.Node
	for i, t := range w.Tensors() {
		nodes[i] = G.NewTensor(g, t.Dtype(), t.Dims(), G.WithShape(t.Shape()...),
			G.WithName(StateDictNames[i]), G.WithValue(t))
	}
	return nodes
}

// constant returns a scalar constant of the graph's dtype (constants must
// match it: float32(0.8) in a float32 graph).
func constant(dt tensor.Dtype, v float64) *G.Node {
	if dt == tensor.Float32 {
		return G.NewConstant(float32(v))
	}
	return G.NewConstant(v)
}

// buildReference adds the unrolled network for T steps and B trials to g.
// If loss is not empty it also adds the mean loss against one-hot targets.
func buildReference(g *G.ExprGraph, cfg Config, w *Weights, T, B int, loss Loss) (*refNet, error) {
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	dt := w.Dtype()
	r := &refNet{
		w:    weightNodes(g, w),
		xBuf: newBuffer(dt, T*B*I),
		nBuf: newBuffer(dt, T*B*H),
		nOut: O,
	}
	Wx, Wr, br, Wo, bo := r.w[0], r.w[1], r.w[2], r.w[3], r.w[4]
	alpha := cfg.Alpha()
	leak := constant(dt, 1-alpha)
	gain := constant(dt, alpha)
	noiseScale := constant(dt, cfg.NoiseScale())

	must := func(n *G.Node, err error) *G.Node {
		if err != nil {
			panic(err)
		}
		return n
	}
	var terms G.Nodes
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("model: build reference graph: %v", p)
			}
		}()
		// the effective matrices g(W) ⊙ C (constraints.go)
		for m, wn := range []**G.Node{&Wx, &Wr, &Wo} {
			c := w.effScale(m)
			if c == nil {
				continue
			}
			sh := (*wn).Shape()
			cn := G.NewMatrix(g, dt, G.WithShape(sh...), G.WithName(StateDictNames[matrixIndex(m)]+".eff_scale"),
				G.WithValue(newDense(dt, sh, c)))
			r.consts = append(r.consts, cn)
			base := *wn
			if w.rectified(m) {
				base = must(G.Abs(base))
			}
			*wn = must(G.HadamardProd(base, cn))
		}
		WxT := must(G.Transpose(Wx)) // (I, H)
		WrT := must(G.Transpose(Wr)) // (H, H)
		WoT := must(G.Transpose(Wo)) // (H, O)
		if loss != "" {
			r.yBuf = newBuffer(dt, T*B*O)
			if loss != CrossEntropy {
				r.mBuf = newBuffer(dt, T*B*O)
			}
			if dt == tensor.Float32 {
				r.scaleVal = G.NewF32(0)
			} else {
				r.scaleVal = G.NewF64(0)
			}
			r.scale = G.NewScalar(g, dt, G.WithName("loss_scale"), G.WithValue(r.scaleVal))
		}
		// h_0 = 0, a constant (B, H) of zeros
		h := G.NewConstant(tensor.New(tensor.Of(dt), tensor.WithShape(B, H)), G.WithName("h0"), G.In(g))
		for t := 0; t < T; t++ {
			x := G.NewMatrix(g, dt, G.WithShape(B, I), G.WithName(fmt.Sprintf("x_%d", t)), G.WithValue(r.xBuf.view(t*B*I, B, I)))
			n := G.NewMatrix(g, dt, G.WithShape(B, H), G.WithName(fmt.Sprintf("noise_%d", t)), G.WithValue(r.nBuf.view(t*B*H, B, H)))
			r.x = append(r.x, x)
			r.noise = append(r.noise, n)

			// pre = x W_x^T + h W_r^T + b_r
			pre := must(G.Add(must(G.Mul(x, WxT)), must(G.Mul(h, WrT))))
			pre = must(G.BroadcastAdd(pre, br, nil, []byte{0}))

			// h = (1-α) h + α f(pre) + sqrt(2α) s n
			var act *G.Node
			switch cfg.Activation {
			case ReLU:
				act = must(G.Rectify(pre))
			case Sigmoid:
				act = must(G.Sigmoid(pre))
			case Softplus:
				act = must(G.Softplus(pre))
			default:
				return fmt.Errorf("model: activation %q, want one of %q", cfg.Activation, Activations())
			}
			h = must(G.Add(must(G.Add(must(G.HadamardProd(h, leak)), must(G.HadamardProd(act, gain)))),
				must(G.HadamardProd(n, noiseScale))))
			r.h = append(r.h, h)

			// o = h W_o^T + b_o
			o := must(G.BroadcastAdd(must(G.Mul(h, WoT)), bo, nil, []byte{0}))
			r.logits = append(r.logits, o)

			if loss == "" {
				continue
			}
			y := G.NewMatrix(g, dt, G.WithShape(B, O), G.WithName(fmt.Sprintf("target_%d", t)), G.WithValue(r.yBuf.view(t*B*O, B, O)))
			r.y = append(r.y, y)
			var term *G.Node
			switch loss {
			case CrossEntropy:
				// sum_b m_b log softmax(o_b)[y_b], with the row maximum
				// subtracted first; y holds m_b times the one-hot code
				m := must(G.Max(o, 1))
				sh := must(G.BroadcastSub(o, m, nil, []byte{1}))
				lse := must(G.Log(must(G.Sum(must(G.Exp(sh)), 1))))
				logp := must(G.BroadcastSub(sh, lse, nil, []byte{1}))
				term = must(G.Sum(must(G.HadamardProd(y, logp))))
			case L1, L2:
				// sum_{b,k} m_b |o_bk - y_bk| (or squared)
				w := G.NewMatrix(g, dt, G.WithShape(B, O), G.WithName(fmt.Sprintf("weight_%d", t)), G.WithValue(r.mBuf.view(t*B*O, B, O)))
				r.m = append(r.m, w)
				var e *G.Node
				if loss == L1 {
					e = must(G.Abs(must(G.Sub(o, y))))
				} else {
					e = must(G.Square(must(G.Sub(o, y))))
				}
				term = must(G.Sum(must(G.HadamardProd(e, w))))
			default:
				return fmt.Errorf("model: loss %q, want one of %q", loss, Losses())
			}
			terms = append(terms, term)
		}
		if loss == "" {
			return nil
		}
		r.lossKind = loss
		r.taskLoss = must(G.HadamardProd(must(G.ReduceAdd(terms)), r.scale))
		r.loss = r.taskLoss
		// the regularisers (Regularization), each λ times a mean
		lam := cfg.Reg.Weights()
		mats := []*G.Node{Wx, Wr, Wo}
		for i, l := range lam {
			if !(l > 0) {
				continue
			}
			var reg *G.Node
			if i < 6 {
				x := mats[i/2]
				if i%2 == 0 {
					x = must(G.Abs(x))
				} else {
					x = must(G.Square(x))
				}
				reg = must(G.HadamardProd(must(G.Mean(x)), constant(dt, l)))
			} else {
				var sums G.Nodes
				for _, h := range r.h {
					if i == 6 {
						sums = append(sums, must(G.Sum(must(G.Abs(h)))))
					} else {
						sums = append(sums, must(G.Sum(must(G.Square(h)))))
					}
				}
				reg = must(G.HadamardProd(must(G.ReduceAdd(sums)), constant(dt, l/float64(T*B*H))))
			}
			r.regs = append(r.regs, reg)
			r.loss = must(G.Add(r.loss, reg))
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return r, nil
}

// inputs returns every input node of the graph: weights, then data.
func (r *refNet) inputs() G.Nodes {
	ns := append(G.Nodes{}, r.w[:]...)
	ns = append(ns, r.x...)
	ns = append(ns, r.noise...)
	ns = append(ns, r.y...)
	ns = append(ns, r.m...)
	ns = append(ns, r.consts...)
	if r.scale != nil {
		ns = append(ns, r.scale)
	}
	return ns
}

// refReads copies per-step values out during the run: a node's bound value
// may be overwritten in place by a later instruction that reuses its
// register, so outputs are read with Read nodes at the point they are made.
type refReads struct {
	nodes G.Nodes
	vals  []*G.Value // Read keeps the pointer, so each Value lives on its own
}

func (rr *refReads) add(ns []*G.Node) {
	for _, n := range ns {
		v := new(G.Value)
		rr.vals = append(rr.vals, v)
		rr.nodes = append(rr.nodes, G.Read(n, v))
	}
}

func (rr *refReads) appendRange(dst []float32, from, to int) []float32 {
	for _, v := range rr.vals[from:to] {
		dst = copyTo32(dst, (*v).(*tensor.Dense))
	}
	return dst
}

// refTrain adapts refNet to TrainGraph.
type refTrain struct {
	*refNet
	reads refReads
}

func newRefTrain(g *G.ExprGraph, cfg Config, w *Weights, T, B int, loss Loss) (*refTrain, error) {
	r, err := buildReference(g, cfg, w, T, B, loss)
	if err != nil {
		return nil, err
	}
	rt := &refTrain{refNet: r}
	rt.reads.add(r.logits)
	if len(r.regs) > 0 {
		rt.reads.add(append(G.Nodes{r.taskLoss}, r.regs...))
	}
	return rt, nil
}

// terms appends the task loss and the active regularisers of the last run.
func (r *refTrain) terms(dst []float64) []float64 {
	if len(r.regs) == 0 {
		return append(dst, scalarOrNaN(r.loss.Value()))
	}
	for _, v := range r.reads.vals[len(r.logits):] {
		dst = append(dst, scalarOrNaN(*v))
	}
	return dst
}

func (r *refTrain) weightNodes() [5]*G.Node { return r.w }
func (r *refTrain) lossNode() *G.Node       { return r.loss }
func (r *refTrain) inputNodes() G.Nodes     { return r.inputs() }
func (r *refTrain) outputNodes() G.Nodes    { return r.reads.nodes }

func (r *refTrain) feed(inputs, noise []float32) {
	r.xBuf.load(inputs)
	r.nBuf.load(noise)
}

// setTargets fills the targets and weights and sets the normalisation:
// -1/Σm for CrossEntropy (whose terms are log-probabilities), 1/(O Σm) for
// L1 and L2, and 0 if Σm = 0 (the loss and its gradients are then 0).
func (r *refTrain) setTargets(t Targets, sumMask float64) {
	ce := r.lossKind == CrossEntropy
	r.yBuf.targets(t, r.nOut, ce)
	if !ce {
		r.mBuf.repeatRows(t.Mask, r.nOut)
	}
	var s float64
	if sumMask > 0 {
		if ce {
			s = -1 / sumMask
		} else {
			s = 1 / (float64(r.nOut) * sumMask)
		}
	}
	switch v := r.scaleVal.(type) {
	case *G.F32:
		*v = G.F32(s)
	case *G.F64:
		*v = G.F64(s)
	}
}

func (r *refTrain) readOutputs(dst []float32) []float32 {
	return r.reads.appendRange(dst, 0, len(r.logits))
}

// refForward adapts refNet to ForwardGraph.
type refForward struct {
	*refNet
	reads refReads // hidden states of every step, then logits of every step
}

func newRefForward(g *G.ExprGraph, cfg Config, w *Weights, T, B int) (*refForward, error) {
	r, err := buildReference(g, cfg, w, T, B, "")
	if err != nil {
		return nil, err
	}
	rf := &refForward{refNet: r}
	rf.reads.add(r.h)
	rf.reads.add(r.logits)
	return rf, nil
}

func (r *refForward) inputNodes() G.Nodes  { return r.inputs() }
func (r *refForward) outputNodes() G.Nodes { return r.reads.nodes }

func (r *refForward) feed(inputs, noise []float32) {
	r.xBuf.load(inputs)
	r.nBuf.load(noise)
}

func (r *refForward) readHidden(dst []float32) []float32 {
	return r.reads.appendRange(dst, 0, len(r.h))
}

func (r *refForward) readOutputs(dst []float32) []float32 {
	return r.reads.appendRange(dst, len(r.h), len(r.reads.vals))
}
