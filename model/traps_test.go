package model

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// These tests pin the Gorgonia v0.9.18 behaviours that the graphs are built
// to avoid (../shared/reference/gorgonia-notes.md). If a Gorgonia upgrade
// fixes one, its test fails here and the workaround can be reconsidered.

func vec32(vs ...float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(len(vs)), tensor.WithBacking(vs))
}

// TestTrapSliceHash: Slice hashes each bound modulo 256, so x[256:260] is
// merged with x[0:4]. The graphs use no Slice nodes; TestForwardGraphMatchesGo
// runs 300 steps and 300 trials.
func TestTrapSliceHash(t *testing.T) {
	g := G.NewGraph()
	data := make([]float32, 300)
	for i := range data {
		data[i] = float32(i)
	}
	x := G.NewVector(g, tensor.Float32, G.WithShape(300), G.WithName("x"), G.WithValue(vec32(data...)))
	a := G.Must(G.Slice(x, G.S(0, 4)))
	b := G.Must(G.Slice(x, G.S(256, 260)))
	sa := G.Must(G.Sum(a))
	sb := G.Must(G.Sum(b))
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	got := float64(sb.Value().Data().(float32))
	if want := 256.0 + 257 + 258 + 259; got == want {
		t.Errorf("x[256:260] sums to %v correctly: the Slice hash trap is fixed", got)
	}
	if a != b || sa.Value().Data().(float32) != 6 {
		t.Errorf("x[0:4] and x[256:260] are distinct nodes (sum of x[0:4] = %v)", sa.Value())
	}
}

// TestTrapSameNamedInputs: input nodes with the same name (or none) are
// merged into one node. Every input node of the graphs has a unique name.
func TestTrapSameNamedInputs(t *testing.T) {
	g := G.NewGraph()
	a := G.NewVector(g, tensor.Float32, G.WithShape(2), G.WithName("same"))
	b := G.NewVector(g, tensor.Float32, G.WithShape(2), G.WithName("same"))
	if a != b {
		t.Errorf("same-named inputs gave two nodes: the merge trap is fixed")
	}
	c := G.NewVector(g, tensor.Float32, G.WithShape(2), G.WithName("other"))
	if c == a {
		t.Errorf("differently named inputs were merged")
	}
	u1 := G.NewVector(g, tensor.Float32, G.WithShape(3))
	u2 := G.NewVector(g, tensor.Float32, G.WithShape(3))
	if u1 != u2 {
		t.Errorf("unnamed inputs gave two nodes: the merge trap is fixed")
	}
}

// TestTrapSoftMaxLastAxis: Gorgonia's SoftMax over the last axis takes the
// row maximum from the wrong element, so [-100, 0, 0] in float32 gives NaN.
// Neither graph uses it: the fused cross-entropy and the reference graph's
// Max / log-sum-exp give the right loss and finite gradients for such logits.
func TestTrapSoftMaxLastAxis(t *testing.T) {
	g := G.NewGraph()
	x := G.NewMatrix(g, tensor.Float32, G.WithShape(2, 3), G.WithName("logits"),
		G.WithValue(tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{100, 0, 0, -100, 0, 0}))))
	sm := G.Must(G.SoftMax(x))
	vm := G.NewTapeMachine(g)
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	vm.Close()
	bad := false
	for _, v := range sm.Value().Data().([]float32) {
		bad = bad || math.IsNaN(float64(v)) || math.IsInf(float64(v), 0)
	}
	if !bad {
		t.Errorf("SoftMax of [-100 0 0] is finite now (%v): the trap is fixed", sm.Value())
	}

	// the fused loss on huge logits: make W_o large so that Z reaches ±100s
	cfg := smallConfig(ReLU)
	w := scaledWeights(cfg, 1, tensor.Float32, 1)
	wo := w.RecOut.Data().([]float32)
	for i := range wo {
		wo[i] *= 500
	}
	const T, B = 4, 3
	inputs, targets, noise := testData(cfg, T, B, 3)
	_, logits := goForward(cfg, w, inputs, noise, T, B)
	want := goLoss(CrossEntropy, logits, Targets{Class: targets}, cfg.NOutput)
	for _, kind := range kinds {
		tg, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, kind)
		if err != nil {
			t.Fatal(err)
		}
		loss, err := tg.Run(inputs, Targets{Class: targets}, noise)
		if err != nil {
			t.Fatal(err)
		}
		var maxAbs float64
		for _, z := range tg.Outputs() {
			maxAbs = math.Max(maxAbs, math.Abs(float64(z)))
		}
		if maxAbs < 50 {
			t.Fatalf("test setup: logits reach only %v", maxAbs)
		}
		grads, err := tg.Gradients()
		if err != nil {
			t.Fatal(err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) || math.Abs(loss-want) > 1e-4*want {
			t.Errorf("%s: loss %v with logits up to %v, want %v", kind, loss, maxAbs, want)
		}
		for i, gr := range grads {
			for _, v := range gr {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s: non-finite gradient of %s with logits up to %v", kind, StateDictNames[i], maxAbs)
				}
			}
		}
		tg.Close()
	}
}

// TestTrapGradientsAccumulate: with BindDualValues every run adds into the
// gradients and only a solver step (or ZeroGradients) clears them. So
// evaluation runs on a separate ForwardGraph, which must leave the
// TrainGraph's gradients alone.
func TestTrapGradientsAccumulate(t *testing.T) {
	cfg := smallConfig(ReLU)
	const T, B = 5, 3
	for _, kind := range kinds {
		w := scaledWeights(cfg, 2, tensor.Float64, 1)
		inputs, targets, noise := testData(cfg, T, B, 5)
		tg, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, kind)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tg.Run(inputs, Targets{Class: targets}, noise); err != nil {
			t.Fatal(err)
		}
		once, _ := tg.Gradients()

		f, err := NewForwardGraphKind(cfg, w, T, B, kind)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.Run(inputs, noise); err != nil {
			t.Fatal(err)
		}
		f.Close()
		after, _ := tg.Gradients()
		if d := maxRelDiff(after[1], once[1]); d != 0 {
			t.Errorf("%s: a forward graph run changed the training gradients by %g", kind, d)
		}

		if _, err := tg.Run(inputs, Targets{Class: targets}, noise); err != nil {
			t.Fatal(err)
		}
		twice, _ := tg.Gradients()
		for i := range once {
			doubled := make([]float64, len(once[i]))
			for j, v := range once[i] {
				doubled[j] = 2 * v
			}
			if d := maxRelDiff(twice[i], doubled); d > 1e-12 {
				t.Errorf("%s: two runs without a step: gradient of %s is not twice one run's (%g)", kind, StateDictNames[i], d)
			}
		}
		tg.ZeroGradients()
		if _, err := tg.Run(inputs, Targets{Class: targets}, noise); err != nil {
			t.Fatal(err)
		}
		again, _ := tg.Gradients()
		if d := maxRelDiff(again[1], once[1]); d > 1e-12 {
			t.Errorf("%s: after ZeroGradients the gradient differs from the first run's by %g", kind, d)
		}
		tg.Close()
	}
}

// TestTrapReset: without Reset a tape machine's RunAll does nothing. Run
// resets, so a second Run on new data computes a new loss.
func TestTrapReset(t *testing.T) {
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float64, G.WithName("x"), G.WithValue(1.0))
	y := G.Must(G.Mul(x, G.NewConstant(2.0)))
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	G.Let(x, 5.0)
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := y.Value().Data().(float64); got != 2 {
		t.Errorf("RunAll without Reset recomputed (%v): the trap is fixed", got)
	}

	cfg := smallConfig(Sigmoid)
	const T, B = 4, 2
	for _, kind := range kinds {
		tg, err := NewTrainGraph(cfg, scaledWeights(cfg, 3, tensor.Float64, 1), T, B, L2, kind)
		if err != nil {
			t.Fatal(err)
		}
		in1, tar, noise := testData(cfg, T, B, 1)
		in2, _, _ := testData(cfg, T, B, 2)
		l1, err := tg.Run(in1, Targets{Class: tar}, noise)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := tg.Run(in2, Targets{Class: tar}, noise)
		if err != nil {
			t.Fatal(err)
		}
		l3, err := tg.Run(in1, Targets{Class: tar}, noise)
		if err != nil {
			t.Fatal(err)
		}
		if l1 == l2 || l1 != l3 {
			t.Errorf("%s: losses %v, %v, %v: want the second to differ and the third to repeat the first", kind, l1, l2, l3)
		}
		tg.Close()
	}
}

// TestSolverUpdatesSharedWeights: Adam updates the Weights' tensors in place,
// so a ForwardGraph built on the same Weights sees the trained values.
func TestSolverUpdatesSharedWeights(t *testing.T) {
	cfg := smallConfig(ReLU)
	const T, B = 5, 3
	w := scaledWeights(cfg, 4, tensor.Float32, 1)
	before := w.Clone()
	inputs, targets, noise := testData(cfg, T, B, 9)
	tg, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, Fast)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	f, err := NewForwardGraph(cfg, w, T, B)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, out0, _ := f.Run(inputs, noise)
	solver := G.NewAdamSolver(G.WithLearnRate(0.01))
	for range 3 {
		if _, err := tg.Run(inputs, Targets{Class: targets}, noise); err != nil {
			t.Fatal(err)
		}
		if err := solver.Step(tg.Learnables()); err != nil {
			t.Fatal(err)
		}
	}
	for i, tt := range w.Tensors() {
		if maxRelDiff(float64s(tt), float64s(before.Tensors()[i])) == 0 {
			t.Errorf("%s unchanged after three Adam steps", StateDictNames[i])
		}
	}
	_, out1, _ := f.Run(inputs, noise)
	_, want := goForward(cfg, w, inputs, noise, T, B)
	if d := maxRelDiff(to64(out1), want); d > 1e-5 {
		t.Errorf("forward graph after training differs from the trained weights' output by %g", d)
	}
	if maxRelDiff(to64(out1), to64(out0)) == 0 {
		t.Errorf("forward graph output unchanged by training")
	}
}
