package model

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// TestTargetsErrors: every malformed Targets is an error naming the problem,
// for both graph kinds, and the graph still works afterwards.
func TestTargetsErrors(t *testing.T) {
	cfg := smallConfig(ReLU)
	const T, B = 3, 2
	O := cfg.NOutput
	inputs, class, noise := testData(cfg, T, B, 1)
	value := make([]float32, T*B*O)
	ones := func(n int) []float32 {
		m := make([]float32, n)
		for i := range m {
			m[i] = 1
		}
		return m
	}
	with := func(m []float32, i int, v float32) []float32 {
		m = append([]float32(nil), m...)
		m[i] = v
		return m
	}
	cases := []struct {
		loss Loss
		tg   Targets
		want string
	}{
		{CrossEntropy, Targets{}, "neither Class nor Value"},
		{L2, Targets{Class: class, Value: value}, "both Class and Value"},
		{CrossEntropy, Targets{Value: value}, "CrossEntropy needs Class"},
		{CrossEntropy, Targets{Class: class[1:]}, "Class has 5 values, want seqLen*batch = 3*2 = 6"},
		{CrossEntropy, Targets{Class: []int32{0, 1, 2, 3, 0, 0}}, "Class[3] = 3 (step 1, trial 1)"},
		{CrossEntropy, Targets{Class: []int32{0, 1, 2, -1, 0, 0}}, "Class[3] = -1"},
		{L1, Targets{Value: value[1:]}, "Value has 17 values, want seqLen*batch*NOutput = 3*2*3 = 18"},
		{L1, Targets{Value: with(value, 7, float32(math.NaN()))}, "Value[7] = NaN (step 1, trial 0, output 1)"},
		{L1, Targets{Value: with(value, 0, float32(math.Inf(1)))}, "Value[0] = +Inf"},
		{CrossEntropy, Targets{Class: class, Mask: ones(5)}, "Mask has 5 values"},
		{CrossEntropy, Targets{Class: class, Mask: with(ones(6), 2, -0.5)}, "Mask[2] = -0.5 (step 1, trial 0), want a finite weight >= 0"},
		{L2, Targets{Class: class, Mask: with(ones(6), 4, float32(math.NaN()))}, "Mask[4] = NaN"},
		{L2, Targets{Value: value, Mask: with(ones(6), 4, float32(math.Inf(1)))}, "Mask[4] = +Inf"},
	}
	for _, kind := range kinds {
		for _, loss := range Losses() {
			g, err := NewTrainGraph(cfg, scaledWeights(cfg, 1, tensor.Float64, 1), T, B, loss, kind)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				if c.loss != loss {
					continue
				}
				_, err := g.Run(inputs, c.tg, noise)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s %s: error %v, want one containing %q", kind, loss, err, c.want)
				}
			}
			if _, err := g.Run(inputs, Targets{Class: class}, noise); err != nil {
				t.Errorf("%s %s: valid targets after errors: %v", kind, loss, err)
			}
			g.Close()
		}
	}
}

// TestMaskOfOnesIsExact: a mask of ones, and for L1/L2 the one-hot code
// given as Value, give bit for bit the loss and gradients of plain class
// targets (so unmasked training is unchanged by the weighting).
func TestMaskOfOnesIsExact(t *testing.T) {
	const T, B = 7, 5
	for _, kind := range kinds {
		for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
			for _, loss := range Losses() {
				cfg := smallConfig(Softplus)
				inputs, class, noise := testData(cfg, T, B, 4)
				ones := make([]float32, T*B)
				for i := range ones {
					ones[i] = 1
				}
				oneHot := make([]float32, T*B*cfg.NOutput)
				for i, c := range class {
					oneHot[i*cfg.NOutput+int(c)] = 1
				}
				variants := []Targets{{Class: class}, {Class: class, Mask: ones}}
				if loss != CrossEntropy {
					variants = append(variants, Targets{Value: oneHot}, Targets{Value: oneHot, Mask: ones})
				}
				g, err := NewTrainGraph(cfg, scaledWeights(cfg, 2, dt, 2), T, B, loss, kind)
				if err != nil {
					t.Fatal(err)
				}
				var l0 float64
				var g0 [5][]float64
				for v, tg := range variants {
					l, err := g.Run(inputs, tg, noise)
					if err != nil {
						t.Fatal(err)
					}
					grads, err := g.Gradients()
					if err != nil {
						t.Fatal(err)
					}
					g.ZeroGradients()
					if v == 0 {
						l0, g0 = l, grads
						continue
					}
					if l != l0 {
						t.Errorf("%s %v %s variant %d: loss %v, plain %v", kind, dt, loss, v, l, l0)
					}
					for i := range grads {
						if d := maxRelDiff(grads[i], g0[i]); d != 0 {
							t.Errorf("%s %v %s variant %d: gradient of %s differs by %g", kind, dt, loss, v, StateDictNames[i], d)
						}
					}
				}
				g.Close()
			}
		}
	}
}

// TestZeroMask: weights that are all 0 give loss 0 and zero gradients, not
// NaN; a mask with one non-zero weight gives that step's loss alone.
func TestZeroMask(t *testing.T) {
	const T, B = 4, 3
	for _, kind := range kinds {
		for _, loss := range Losses() {
			cfg := smallConfig(Sigmoid)
			w := scaledWeights(cfg, 6, tensor.Float64, 2)
			inputs, class, noise := testData(cfg, T, B, 5)
			g, err := NewTrainGraph(cfg, w, T, B, loss, kind)
			if err != nil {
				t.Fatal(err)
			}
			l, err := g.Run(inputs, Targets{Class: class, Mask: make([]float32, T*B)}, noise)
			if err != nil {
				t.Fatal(err)
			}
			grads, err := g.Gradients()
			if err != nil {
				t.Fatal(err)
			}
			if l != 0 {
				t.Errorf("%s %s: all-zero mask: loss %v, want 0", kind, loss, l)
			}
			for i, gr := range grads {
				for _, v := range gr {
					if v != 0 {
						t.Errorf("%s %s: all-zero mask: gradient of %s has %v, want 0", kind, loss, StateDictNames[i], v)
						break
					}
				}
			}
			g.ZeroGradients()

			one := make([]float32, T*B)
			one[7] = 3 // step 2, trial 1, weight 3: the loss is that step's own
			l, err = g.Run(inputs, Targets{Class: class, Mask: one}, noise)
			if err != nil {
				t.Fatal(err)
			}
			_, logits := goForward(cfg, w, inputs, noise, T, B)
			O := cfg.NOutput
			want := goLoss(loss, logits[7*O:8*O], Targets{Class: class[7:8]}, O)
			if math.Abs(l-want) > 1e-12*math.Abs(want) {
				t.Errorf("%s %s: single-step mask: loss %v, want that step's %v", kind, loss, l, want)
			}
			g.Close()
		}
	}
}
