package model

import (
	"testing"

	"gorgonia.org/tensor"
)

// TestTapeRunMatchesRunAll: running the tape on the calling goroutine
// (tapeRun) gives bit for bit the loss, outputs and gradients of the
// machine's own RunAll, for both graph kinds, over repeated runs.
func TestTapeRunMatchesRunAll(t *testing.T) {
	cfg := smallConfig(Softplus)
	const T, B = 6, 3
	for _, kind := range kinds {
		var losses [2][]float64
		var grads [2][5][]float64
		var outs [2][]float32
		for v := range 2 {
			w := scaledWeights(cfg, 4, tensor.Float32, 2)
			g, err := NewTrainGraph(cfg, w, T, B, L2, kind)
			if err != nil {
				t.Fatal(err)
			}
			if v == 1 {
				g.run = func() error { g.vm.Reset(); return g.vm.RunAll() }
			}
			for i := range 3 {
				inputs, class, noise := testData(cfg, T, B, uint64(i))
				l, err := g.Run(inputs, Targets{Class: class}, noise)
				if err != nil {
					t.Fatal(err)
				}
				losses[v] = append(losses[v], l)
			}
			if grads[v], err = g.Gradients(); err != nil {
				t.Fatal(err)
			}
			outs[v] = append([]float32(nil), g.Outputs()...)
			g.Close()
		}
		for i := range losses[0] {
			if losses[0][i] != losses[1][i] {
				t.Errorf("%s: run %d: loss %v with tapeRun, %v with RunAll", kind, i, losses[0][i], losses[1][i])
			}
		}
		for i := range grads[0] {
			if d := maxRelDiff(grads[0][i], grads[1][i]); d != 0 {
				t.Errorf("%s: gradient of %s differs by %g", kind, StateDictNames[i], d)
			}
		}
		for i := range outs[0] {
			if outs[0][i] != outs[1][i] {
				t.Fatalf("%s: output %d: %v with tapeRun, %v with RunAll", kind, i, outs[0][i], outs[1][i])
			}
		}
	}
}
