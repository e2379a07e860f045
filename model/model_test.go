package model

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// smallConfig is the size used by the gradient checks.
func smallConfig(act Activation) Config {
	return Config{NInput: 3, NHidden: 4, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: act}
}

// tutorialConfig is the tutorial's network.
func tutorialConfig() Config {
	return Config{NInput: 3, NHidden: 64, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: ReLU}
}

// testData returns deterministic inputs (T,B,I), targets (T,B) and noise (T,B,H).
func testData(cfg Config, T, B int, seed uint64) (inputs []float32, targets []int32, noise []float32) {
	r := rand.New(rand.NewPCG(seed, 7))
	inputs = make([]float32, T*B*cfg.NInput)
	for i := range inputs {
		inputs[i] = float32(r.Float64()*2 - 0.5)
	}
	targets = make([]int32, T*B)
	for i := range targets {
		targets[i] = int32(r.IntN(cfg.NOutput))
	}
	noise = make([]float32, T*B*cfg.NHidden)
	for i := range noise {
		noise[i] = float32(r.NormFloat64())
	}
	return inputs, targets, noise
}

// scaledWeights returns InitWeights scaled by k (larger weights give more
// varied hidden states in short tests).
func scaledWeights(cfg Config, seed int64, dt tensor.Dtype, k float64) *Weights {
	w := InitWeights(cfg, seed, tensor.Float64)
	for _, t := range w.Tensors() {
		d := t.Data().([]float64)
		for i := range d {
			d[i] *= k
		}
	}
	return w.AsType(dt)
}

// goForward is an independent plain-Go float64 implementation of the model:
// hidden (T,B,H) and logits (T,B,O).
func goForward(cfg Config, w *Weights, inputs, noise []float32, T, B int) (hidden, logits []float64) {
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	Wx, Wr, br := float64s(w.InputRec), float64s(w.RecRec), float64s(w.RecBias)
	Wo, bo := float64s(w.RecOut), float64s(w.OutBias)
	a := cfg.Alpha()
	c := math.Sqrt(2*a) * cfg.NetworkNoise
	f := func(x float64) float64 {
		switch cfg.Activation {
		case ReLU:
			return math.Max(x, 0)
		case Sigmoid:
			return 1 / (1 + math.Exp(-x))
		default:
			if x > 20 {
				return x
			}
			return math.Log1p(math.Exp(x))
		}
	}
	hidden = make([]float64, T*B*H)
	logits = make([]float64, T*B*O)
	h := make([]float64, B*H)
	for t := 0; t < T; t++ {
		next := make([]float64, B*H)
		for b := 0; b < B; b++ {
			for j := 0; j < H; j++ {
				pre := br[j]
				for i := 0; i < I; i++ {
					pre += Wx[j*I+i] * float64(inputs[(t*B+b)*I+i])
				}
				for k := 0; k < H; k++ {
					pre += Wr[j*H+k] * h[b*H+k]
				}
				next[b*H+j] = (1-a)*h[b*H+j] + a*f(pre) + c*float64(noise[(t*B+b)*H+j])
			}
		}
		h = next
		copy(hidden[t*B*H:], h)
		for b := 0; b < B; b++ {
			for o := 0; o < O; o++ {
				z := bo[o]
				for k := 0; k < H; k++ {
					z += Wo[o*H+k] * h[b*H+k]
				}
				logits[(t*B+b)*O+o] = z
			}
		}
	}
	return hidden, logits
}

// goLoss is the loss of logits (N, O) against targets: Σ_n m_n ℓ_n / Σ_n m_n
// (plain mean without a mask; 0 if Σm = 0), ℓ_n the cross-entropy, or the
// mean over O of |z-y| or (z-y)² with y Value or the one-hot code of Class.
func goLoss(loss Loss, logits []float64, tg Targets, O int) float64 {
	var s, sm float64
	for n := range len(logits) / O {
		z := logits[n*O : (n+1)*O]
		w := 1.0
		if tg.Mask != nil {
			w = float64(tg.Mask[n])
		}
		sm += w
		var l float64
		switch loss {
		case CrossEntropy:
			m := math.Inf(-1)
			for _, v := range z {
				m = math.Max(m, v)
			}
			var e float64
			for _, v := range z {
				e += math.Exp(v - m)
			}
			l = m + math.Log(e) - z[tg.Class[n]]
		default:
			for o, v := range z {
				var y float64
				if tg.Value != nil {
					y = float64(tg.Value[n*O+o])
				} else if o == int(tg.Class[n]) {
					y = 1
				}
				if loss == L1 {
					l += math.Abs(v - y)
				} else {
					l += (v - y) * (v - y)
				}
			}
			l /= float64(O)
		}
		s += w * l
	}
	if sm == 0 {
		return 0
	}
	return s / sm
}

// targetMode selects the kind of Targets testTargets makes.
type targetMode int

const (
	classTargets       targetMode = iota // Class, no mask
	maskedClassTargets                   // Class and a mask with zeros
	maskedValueTargets                   // Value and a mask with zeros
)

func (m targetMode) String() string {
	return [...]string{"class", "class+mask", "value+mask"}[m]
}

// modesFor returns the target modes that apply to loss.
func modesFor(loss Loss) []targetMode {
	if loss == CrossEntropy {
		return []targetMode{classTargets, maskedClassTargets}
	}
	return []targetMode{classTargets, maskedClassTargets, maskedValueTargets}
}

// testTargets returns Targets of mode for T steps and B trials: class is the
// class indices of testData; values are uniform in [-0.5, 1.5); mask
// weights are uniform in [0, 2) with about a quarter of them 0.
func testTargets(cfg Config, T, B int, class []int32, mode targetMode, seed uint64) Targets {
	r := rand.New(rand.NewPCG(seed, 99))
	var tg Targets
	if mode == maskedValueTargets {
		tg.Value = make([]float32, T*B*cfg.NOutput)
		for i := range tg.Value {
			tg.Value[i] = float32(r.Float64()*2 - 0.5)
		}
	} else {
		tg.Class = class
	}
	if mode != classTargets {
		tg.Mask = make([]float32, T*B)
		for i := range tg.Mask {
			if r.IntN(4) > 0 {
				tg.Mask[i] = float32(r.Float64() * 2)
			}
		}
	}
	return tg
}

func maxRelDiff(got, want []float64) float64 {
	var num, den float64
	for i := range got {
		num = math.Max(num, math.Abs(got[i]-want[i]))
		den = math.Max(den, math.Abs(want[i]))
	}
	if den == 0 {
		return num
	}
	return num / den
}

func to64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

var kinds = []GraphKind{Reference, Fast}

// TestTrainGraphMatchesGo checks loss and logits of both kinds against goForward.
func TestTrainGraphMatchesGo(t *testing.T) {
	const T, B = 7, 5
	for _, kind := range kinds {
		for _, act := range Activations() {
			for _, loss := range Losses() {
				cfg := smallConfig(act)
				w := scaledWeights(cfg, 3, tensor.Float64, 2)
				inputs, targets, noise := testData(cfg, T, B, 11)
				g, err := NewTrainGraph(cfg, w, T, B, loss, kind)
				if err != nil {
					t.Fatal(err)
				}
				_, logits := goForward(cfg, w, inputs, noise, T, B)
				for _, mode := range modesFor(loss) {
					tg := testTargets(cfg, T, B, targets, mode, 12)
					got, err := g.Run(inputs, tg, noise)
					if err != nil {
						t.Fatal(err)
					}
					want := goLoss(loss, logits, tg, cfg.NOutput)
					if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
						t.Errorf("%s %s %s %s: loss %v, want %v", kind, act, loss, mode, got, want)
					}
					if d := maxRelDiff(to64(g.Outputs()), logits); d > 1e-6 {
						t.Errorf("%s %s %s: logits differ by %g (relative)", kind, act, loss, d)
					}
				}
				g.Close()
			}
		}
	}
}

// TestGradientFiniteDifference checks every gradient of the whole graph
// against central finite differences of its loss, in float64, for class
// targets, and for masked class and value targets.
func TestGradientFiniteDifference(t *testing.T) {
	checkFiniteDifference(t, 5, 3, Activations(), Losses(), nil)
}

// TestGradientFiniteDifferenceEdges: one step, one trial.
func TestGradientFiniteDifferenceEdges(t *testing.T) {
	checkFiniteDifference(t, 1, 2, []Activation{ReLU}, []Loss{CrossEntropy}, nil)
	checkFiniteDifference(t, 3, 1, []Activation{Softplus}, []Loss{L2}, nil)
}

// checkFiniteDifference runs the check for every target mode of each loss,
// or only for modes if not nil.
func checkFiniteDifference(t *testing.T, T, B int, acts []Activation, losses []Loss, modes []targetMode) {
	t.Helper()
	for _, kind := range kinds {
		for _, act := range acts {
			for _, loss := range losses {
				ms := modes
				if ms == nil {
					ms = modesFor(loss)
				}
				for _, mode := range ms {
					checkFiniteDifferenceOne(t, T, B, kind, act, loss, mode)
				}
			}
		}
	}
}

func checkFiniteDifferenceOne(t *testing.T, T, B int, kind GraphKind, act Activation, loss Loss, mode targetMode) {
	t.Helper()
	cfg := smallConfig(act)
	w := scaledWeights(cfg, 5, tensor.Float64, 2)
	inputs, class, noise := testData(cfg, T, B, 13)
	targets := testTargets(cfg, T, B, class, mode, 14)
	g, err := NewTrainGraph(cfg, w, T, B, loss, kind)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Run(inputs, targets, noise); err != nil {
		t.Fatal(err)
	}
	grads, err := g.Gradients()
	if err != nil {
		t.Fatal(err)
	}
	const eps = 1e-6
	for i, wt := range w.Tensors() {
		d := wt.Data().([]float64)
		fd := centralDiff(t, d, eps, func() (float64, error) { return g.Run(inputs, targets, noise) })
		if e := maxRelDiff(grads[i], fd); e > 1e-6 || math.IsNaN(e) {
			t.Errorf("%s %s %s %s: gradient of %s: relative error %.3g > 1e-6\n got %v\nwant %v",
				kind, act, loss, mode, StateDictNames[i], e, grads[i], fd)
		}
	}
	g.Close()
}

// TestForwardGraphMatchesGo checks the forward-only graphs, including sizes
// beyond 256 steps and trials (Gorgonia's Slice trap).
func TestForwardGraphMatchesGo(t *testing.T) {
	cases := []struct{ T, B int }{{4, 3}, {20, 300}, {300, 2}}
	for _, kind := range kinds {
		for _, act := range Activations() {
			for _, c := range cases {
				if kind == Reference && act != ReLU && c.T*c.B > 100 {
					continue // the reference graph is slow to build at these sizes
				}
				cfg := smallConfig(act)
				cfg.NHidden = 8
				w := scaledWeights(cfg, 9, tensor.Float32, 2)
				inputs, _, noise := testData(cfg, c.T, c.B, 17)
				f, err := NewForwardGraphKind(cfg, w, c.T, c.B, kind)
				if err != nil {
					t.Fatal(err)
				}
				hidden, logits, err := f.Run(inputs, noise)
				if err != nil {
					t.Fatal(err)
				}
				wantH, wantO := goForward(cfg, w, inputs, noise, c.T, c.B)
				if d := maxRelDiff(to64(hidden), wantH); d > 1e-5 {
					t.Errorf("%s %s T=%d B=%d: hidden differs by %g (relative)", kind, act, c.T, c.B, d)
				}
				if d := maxRelDiff(to64(logits), wantO); d > 1e-5 {
					t.Errorf("%s %s T=%d B=%d: logits differ by %g (relative)", kind, act, c.T, c.B, d)
				}
				f.Close()
			}
		}
	}
}

// TestFastMatchesReference compares the Fast graph's gradients with the
// Reference graph's, in float64, for every activation and loss.
func TestFastMatchesReference(t *testing.T) {
	const T, B = 6, 4
	for _, act := range Activations() {
		for _, loss := range Losses() {
			for _, mode := range modesFor(loss) {
				cfg := smallConfig(act)
				cfg.NHidden = 5
				inputs, class, noise := testData(cfg, T, B, 21)
				targets := testTargets(cfg, T, B, class, mode, 22)
				var grads [2][5][]float64
				var losses [2]float64
				for k, kind := range kinds {
					w := scaledWeights(cfg, 8, tensor.Float64, 2)
					g, err := NewTrainGraph(cfg, w, T, B, loss, kind)
					if err != nil {
						t.Fatal(err)
					}
					if losses[k], err = g.Run(inputs, targets, noise); err != nil {
						t.Fatal(err)
					}
					if grads[k], err = g.Gradients(); err != nil {
						t.Fatal(err)
					}
					g.Close()
				}
				if math.Abs(losses[0]-losses[1]) > 1e-12*math.Abs(losses[0]) {
					t.Errorf("%s %s %s: loss reference %v fast %v", act, loss, mode, losses[0], losses[1])
				}
				for i := range grads[0] {
					if e := maxRelDiff(grads[1][i], grads[0][i]); e > 1e-6 || math.IsNaN(e) {
						t.Errorf("%s %s %s: gradient of %s: fast vs reference relative error %.3g", act, loss, mode, StateDictNames[i], e)
					}
				}
			}
		}
	}
}

// TestTrainingDeterministic: the same weights and data give bit-identical
// losses and weights over several Adam steps, for a fresh graph each time.
func TestTrainingDeterministic(t *testing.T) {
	cfg := tutorialConfig()
	const T, B = 20, 8
	run := func() ([]float64, *Weights) {
		w := InitWeights(cfg, 42, tensor.Float32)
		g, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, Fast)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		solver := G.NewAdamSolver(G.WithLearnRate(0.01))
		noise := NewNoise(7)
		var losses []float64
		for i := range 10 {
			inputs, targets, _ := testData(cfg, T, B, uint64(i))
			n := make([]float32, T*B*cfg.NHidden)
			noise.Fill(n)
			l, err := g.Run(inputs, Targets{Class: targets}, n)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
			if err := solver.Step(g.Learnables()); err != nil {
				t.Fatal(err)
			}
		}
		return losses, w
	}
	l1, w1 := run()
	l2, w2 := run()
	for i := range l1 {
		if l1[i] != l2[i] {
			t.Fatalf("iteration %d: loss %v then %v", i, l1[i], l2[i])
		}
	}
	for i, a := range w1.Tensors() {
		if maxRelDiff(float64s(a), float64s(w2.Tensors()[i])) != 0 {
			t.Errorf("%s differs between identical runs", StateDictNames[i])
		}
	}
}

// TestFloat32FastTracksReference trains both kinds in float32 (H = 64, so
// the fast graph uses its assembly kernel where available) for a few steps
// from the same weights: gradients and losses agree to float32 rounding.
func TestFloat32FastTracksReference(t *testing.T) {
	cfg := tutorialConfig()
	const T, B = 30, 8
	var losses [2][]float64
	var first [2][5][]float64 // gradients of the first step
	for k, kind := range kinds {
		w := InitWeights(cfg, 1, tensor.Float32)
		g, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, kind)
		if err != nil {
			t.Fatal(err)
		}
		solver := G.NewAdamSolver(G.WithLearnRate(0.01))
		for i := range 5 {
			inputs, targets, noise := testData(cfg, T, B, uint64(100+i))
			l, err := g.Run(inputs, Targets{Class: targets}, noise)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if first[k], err = g.Gradients(); err != nil {
					t.Fatal(err)
				}
			}
			losses[k] = append(losses[k], l)
			if err := solver.Step(g.Learnables()); err != nil {
				t.Fatal(err)
			}
		}
		g.Close()
	}
	for i := range losses[0] {
		if d := math.Abs(losses[0][i] - losses[1][i]); d > 1e-4*math.Abs(losses[0][i]) {
			t.Errorf("step %d: reference loss %v, fast %v", i, losses[0][i], losses[1][i])
		}
	}
	for i := range first[0] {
		if e := maxRelDiff(first[1][i], first[0][i]); e > 1e-4 {
			t.Errorf("float32 gradient of %s: fast vs reference relative error %.3g", StateDictNames[i], e)
		}
	}
}

// centralDiff returns the central finite differences (loss(x+eps) -
// loss(x-eps)) / 2eps of loss with respect to every element of d, which
// loss reads; d is restored.
func centralDiff(t *testing.T, d []float64, eps float64, loss func() (float64, error)) []float64 {
	t.Helper()
	fd := make([]float64, len(d))
	for j := range d {
		orig := d[j]
		d[j] = orig + eps
		lp, err := loss()
		if err != nil {
			t.Fatal(err)
		}
		d[j] = orig - eps
		lm, err := loss()
		if err != nil {
			t.Fatal(err)
		}
		d[j] = orig
		fd[j] = (lp - lm) / (2 * eps)
	}
	return fd
}
