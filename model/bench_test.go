package model

import (
	"runtime"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BenchmarkTrainStep times one training iteration of the tutorial's
// configuration (seq_len 60, batch 16, 64 units, relu, CrossEntropy,
// float32): TrainGraph.Run plus an Adam step (lr 0.01), for both graph kinds.
// The data are fixed; generating batches and noise is not included.
func BenchmarkTrainStep(b *testing.B) {
	for _, kind := range []GraphKind{Reference, Fast} {
		b.Run(kind.String(), func(b *testing.B) {
			cfg := tutorialConfig()
			const T, B = 60, 16
			w := InitWeights(cfg, 0, tensor.Float32)
			g, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, kind)
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			solver := G.NewAdamSolver(G.WithLearnRate(0.01))
			inputs, targets, noise := testData(cfg, T, B, 1)
			step := func() {
				if _, err := g.Run(inputs, targets, noise); err != nil {
					b.Fatal(err)
				}
				if err := solver.Step(g.Learnables()); err != nil {
					b.Fatal(err)
				}
			}
			for range 5 {
				step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/iter")
		})
	}
}

var _ = runtime.GC
