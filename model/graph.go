package model

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// GraphKind selects how the unrolled graph is built. Both kinds compute the
// same function and gradients.
type GraphKind int

const (
	// Fast fuses each time step into one operation (fast.go, fused.go); the default.
	Fast GraphKind = iota
	// Reference uses Gorgonia's built-in operations step by step (reference.go).
	Reference
)

// String returns "fast" or "reference".
func (k GraphKind) String() string {
	switch k {
	case Fast:
		return "fast"
	case Reference:
		return "reference"
	}
	return fmt.Sprintf("GraphKind(%d)", int(k))
}

// trainNet is what TrainGraph needs from a graph builder.
type trainNet interface {
	weightNodes() [5]*G.Node
	lossNode() *G.Node
	inputNodes() G.Nodes
	outputNodes() G.Nodes // nodes besides the loss and the gradients that must be computed
	feed(inputs, noise []float32)
	setTargets(t Targets, sumMask float64) // t checked by Targets.check, which returned sumMask
	readOutputs(dst []float32) []float32   // appends the (T, B, O) logits of the last run
	terms(dst []float64) []float64         // appends the task loss and the active regularisers of the last run
}

// TrainGraph is one unrolled forward and backward pass of the network over
// seqLen steps and batch trials, compiled for a TapeMachine whose gradients
// accumulate into the five weight nodes (BindDualValues). Its Learnables are
// meant for a Gorgonia solver: Run, then solver.Step(g.Learnables()), which
// updates the Weights' tensors in place and zeroes the gradients.
//
// A TrainGraph is not safe for concurrent use.
type TrainGraph struct {
	cfg   Config
	T, B  int
	loss  Loss
	kind  GraphKind
	g     *G.ExprGraph
	vm    G.VM
	run   func() error // resets vm and runs its program (tape.go)
	net   trainNet
	learn []G.ValueGrad
	out   []float32
}

// NewTrainGraph builds the training graph of kind for cfg over seqLen steps
// and batch trials, with loss, on the weights w (which must have cfg's shapes;
// their dtype, Float32 or Float64, is the graph's). The graph binds w's tensors
// and updates them through the solver. It returns an error for an invalid
// config, loss, kind, size or weights.
func NewTrainGraph(cfg Config, w *Weights, seqLen, batch int, loss Loss, kind GraphKind) (*TrainGraph, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errors.New("model: NewTrainGraph: weights are nil")
	}
	if err := w.check(cfg); err != nil {
		return nil, err
	}
	if seqLen <= 0 || batch <= 0 {
		return nil, fmt.Errorf("model: NewTrainGraph: seqLen = %d, batch = %d, want both > 0", seqLen, batch)
	}
	if !loss.Valid() {
		return nil, fmt.Errorf("model: NewTrainGraph: loss %q, want one of %q", loss, Losses())
	}
	tg := &TrainGraph{cfg: cfg, T: seqLen, B: batch, loss: loss, kind: kind, g: G.NewGraph()}
	var err error
	switch kind {
	case Reference:
		tg.net, err = newRefTrain(tg.g, cfg, w, seqLen, batch, loss)
	case Fast:
		tg.net, err = newFastTrain(tg.g, cfg, w, seqLen, batch, loss)
	default:
		err = fmt.Errorf("model: NewTrainGraph: kind %d, want Fast (%d) or Reference (%d)", int(kind), int(Fast), int(Reference))
	}
	if err != nil {
		return nil, err
	}
	wn := tg.net.weightNodes()
	grads, err := G.Grad(tg.net.lossNode(), wn[:]...)
	if err != nil {
		return nil, fmt.Errorf("model: differentiate %s graph: %w", kind, err)
	}
	// CompileFunction keeps only what the loss, the gradients and the
	// outputs need: Grad also builds gradients of the data inputs.
	outs := append(G.Nodes{tg.net.lossNode()}, grads...)
	outs = append(outs, tg.net.outputNodes()...)
	prog, locMap, err := G.CompileFunction(tg.g, tg.net.inputNodes(), outs)
	if err != nil {
		return nil, fmt.Errorf("model: compile %s graph: %w", kind, err)
	}
	vm := G.NewTapeMachine(tg.g, G.WithPrecompiled(prog, locMap), G.BindDualValues(wn[:]...))
	tg.vm = vm
	if tg.run, err = tapeRun(vm, prog); err != nil {
		return nil, err
	}
	for _, n := range wn {
		tg.learn = append(tg.learn, n)
	}
	tg.out = make([]float32, 0, seqLen*batch*cfg.NOutput)
	return tg, nil
}

// Run does one forward and backward pass: inputs (T, B, I) row-major,
// targets t (see Targets: class indices or desired outputs, and optional
// loss weights), noise (T, B, H) standard normal values (scaled by
// sqrt(2α)·NetworkNoise inside). It returns the (weighted) mean loss and
// adds the gradients to the learnables (a solver's Step zeroes them, so two
// Runs without a Step sum two gradients). It resets the machine itself.
// Errors: wrong lengths; neither or both of Class and Value; Value with
// CrossEntropy; class indices outside [0, O); non-finite values; negative or
// non-finite mask weights; a failure inside the machine.
func (g *TrainGraph) Run(inputs []float32, t Targets, noise []float32) (float64, error) {
	if err := checkRunArgs(g.cfg, g.T, g.B, inputs, noise); err != nil {
		return 0, err
	}
	sumMask, err := t.check(g.cfg, g.T, g.B, g.loss)
	if err != nil {
		return 0, err
	}
	g.net.feed(inputs, noise)
	g.net.setTargets(t, sumMask)
	if err := g.run(); err != nil {
		return 0, fmt.Errorf("model: run %s train graph: %w", g.kind, err)
	}
	loss, err := scalarOf(g.net.lossNode().Value())
	if err != nil {
		return 0, err
	}
	g.out = g.net.readOutputs(g.out[:0])
	return loss, nil
}

// LossTerms returns the names and values of the parts of the loss of the
// last Run: "task_loss" (the loss of the outputs against the targets), then
// each active regulariser under its name (Regularization.Active), whose
// sum is the loss Run returned. Values are float64 (the graph's float32
// values converted for a float32 graph). The slices are new.
func (g *TrainGraph) LossTerms() (names []string, values []float64) {
	names = append([]string{"task_loss"}, g.cfg.Reg.Active()...)
	return names, g.net.terms(nil)
}

// Learnables returns the five weight nodes in the order of StateDictNames.
// It returns the same slice on every call (Gorgonia's Adam keeps its state by
// position in it); do not modify it.
func (g *TrainGraph) Learnables() []G.ValueGrad { return g.learn }

// Outputs returns the (T, B, O) logits of the last Run, row-major. The slice
// is owned by the graph and overwritten by the next Run.
func (g *TrainGraph) Outputs() []float32 { return g.out }

// Gradients returns copies of the accumulated gradients, in the order of
// StateDictNames, as float64 (for tests and diagnostics).
func (g *TrainGraph) Gradients() ([5][]float64, error) {
	var out [5][]float64
	for i, l := range g.learn {
		v, err := l.Grad()
		if err != nil {
			return out, fmt.Errorf("model: gradient of %s: %w", StateDictNames[i], err)
		}
		d, ok := v.(*tensor.Dense)
		if !ok {
			return out, fmt.Errorf("model: gradient of %s is a %T, want *tensor.Dense", StateDictNames[i], v)
		}
		out[i] = float64s(d)
	}
	return out, nil
}

// ZeroGradients sets the accumulated gradients to zero (a solver's Step does
// this too).
func (g *TrainGraph) ZeroGradients() {
	for _, l := range g.learn {
		if v, err := l.Grad(); err == nil {
			if d, ok := v.(*tensor.Dense); ok {
				d.Zero()
			}
		}
	}
}

// Close releases the machine.
func (g *TrainGraph) Close() error {
	if g.vm == nil {
		return nil
	}
	err := g.vm.Close()
	g.vm = nil
	return err
}

// forwardNet is what ForwardGraph needs from a graph builder.
type forwardNet interface {
	inputNodes() G.Nodes
	outputNodes() G.Nodes
	feed(inputs, noise []float32)
	readHidden(dst []float32) []float32  // appends (T, B, H)
	readOutputs(dst []float32) []float32 // appends (T, B, O)
}

// ForwardGraph evaluates the network without gradients on any number of
// steps and trials. It binds the Weights' tensors, so it sees the updates a
// TrainGraph's solver makes to the same Weights. It keeps no gradients and
// is separate from the TrainGraph on purpose: a forward pass on the training
// machine would add into the next gradient.
//
// A ForwardGraph is not safe for concurrent use.
type ForwardGraph struct {
	cfg  Config
	T, B int
	vm   G.VM
	run  func() error // resets vm and runs its program (tape.go)
	net  forwardNet
}

// NewForwardGraph builds the forward-only graph (Fast kind) for steps and
// batch (any positive sizes) on the weights w.
func NewForwardGraph(cfg Config, w *Weights, steps, batch int) (*ForwardGraph, error) {
	return NewForwardGraphKind(cfg, w, steps, batch, Fast)
}

// NewForwardGraphKind is NewForwardGraph with a choice of graph kind.
func NewForwardGraphKind(cfg Config, w *Weights, steps, batch int, kind GraphKind) (*ForwardGraph, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errors.New("model: NewForwardGraph: weights are nil")
	}
	if err := w.check(cfg); err != nil {
		return nil, err
	}
	if steps <= 0 || batch <= 0 {
		return nil, fmt.Errorf("model: NewForwardGraph: steps = %d, batch = %d, want both > 0", steps, batch)
	}
	g := G.NewGraph()
	f := &ForwardGraph{cfg: cfg, T: steps, B: batch}
	var err error
	switch kind {
	case Reference:
		f.net, err = newRefForward(g, cfg, w, steps, batch)
	case Fast:
		f.net, err = newFastForward(g, cfg, w, steps, batch)
	default:
		err = fmt.Errorf("model: NewForwardGraph: kind %d, want Fast (%d) or Reference (%d)", int(kind), int(Fast), int(Reference))
	}
	if err != nil {
		return nil, err
	}
	prog, locMap, err := G.CompileFunction(g, f.net.inputNodes(), f.net.outputNodes())
	if err != nil {
		return nil, fmt.Errorf("model: compile %s forward graph: %w", kind, err)
	}
	vm := G.NewTapeMachine(g, G.WithPrecompiled(prog, locMap))
	f.vm = vm
	if f.run, err = tapeRun(vm, prog); err != nil {
		return nil, err
	}
	return f, nil
}

// Run evaluates the network on inputs (T, B, I) and standard normal noise
// (T, B, H). It returns the hidden states (T, B, H) (each after that step's
// noise) and the logits (T, B, O), row-major, in new slices owned by the caller.
func (f *ForwardGraph) Run(inputs, noise []float32) (hidden, outputs []float32, err error) {
	if err := checkRunArgs(f.cfg, f.T, f.B, inputs, noise); err != nil {
		return nil, nil, err
	}
	f.net.feed(inputs, noise)
	if err := f.run(); err != nil {
		return nil, nil, fmt.Errorf("model: run forward graph: %w", err)
	}
	hidden = f.net.readHidden(make([]float32, 0, f.T*f.B*f.cfg.NHidden))
	outputs = f.net.readOutputs(make([]float32, 0, f.T*f.B*f.cfg.NOutput))
	return hidden, outputs, nil
}

// Close releases the machine.
func (f *ForwardGraph) Close() error {
	if f.vm == nil {
		return nil
	}
	err := f.vm.Close()
	f.vm = nil
	return err
}
