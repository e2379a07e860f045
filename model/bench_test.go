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
// The data are fixed; generating batches and noise is not included. The
// fast sub-benchmark also reports how many times faster it is than the
// reference one of the same invocation.
func BenchmarkTrainStep(b *testing.B) {
	refMs := map[int]float64{} // by GOMAXPROCS (go test -cpu 1,2)
	for _, kind := range []GraphKind{Reference, Fast} {
		b.Run(kind.String(), func(b *testing.B) {
			_, step := adamStep(b, tutorialConfig(), 60, 16, kind)
			for range 5 {
				step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for b.Loop() {
				step()
			}
			if cpu0 >= 0 {
				// CPU time of the process (all threads, GC included): less
				// sensitive than wall time to other processes on the machine
				b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/iter")
			}
			ms := float64(b.Elapsed().Microseconds()) / 1000 / float64(b.N)
			b.ReportMetric(ms, "ms/iter")
			procs := runtime.GOMAXPROCS(0)
			if kind == Reference {
				refMs[procs] = ms
			} else if refMs[procs] > 0 {
				b.ReportMetric(refMs[procs]/ms, "x-vs-reference")
			}
		})
	}
}

// adamStep builds a training graph of cfg for T steps and B trials with an
// Adam solver (lr 0.01) and fixed data, and returns the weights and one
// training iteration (Run + Step). The graph is closed at the end of tb.
func adamStep(tb testing.TB, cfg Config, T, B int, kind GraphKind) (*Weights, func()) {
	tb.Helper()
	w := InitWeights(cfg, 0, tensor.Float32)
	g, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, kind)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { g.Close() })
	solver := G.NewAdamSolver(G.WithLearnRate(0.01))
	inputs, targets, noise := testData(cfg, T, B, 1)
	return w, func() {
		if _, err := g.Run(inputs, Targets{Class: targets}, noise); err != nil {
			tb.Fatal(err)
		}
		if err := solver.Step(g.Learnables()); err != nil {
			tb.Fatal(err)
		}
	}
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMemoryFlat trains for 3000 iterations (smaller sizes than the
// tutorial's, to stay fast) and checks that the live heap after 3000
// iterations is no larger than after 300, give or take 256 KiB.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("3000 iterations")
	}
	cfg := tutorialConfig()
	cfg.NHidden = 16
	const T, B = 20, 4
	w, step := adamStep(t, cfg, T, B, Fast)
	f, err := NewForwardGraph(cfg, w, T, B)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inputs, _, noise := testData(cfg, T, B, 1)
	var at300 uint64
	for i := 1; i <= 3000; i++ {
		step()
		if i%100 == 0 {
			if _, _, err := f.Run(inputs, noise); err != nil {
				t.Fatal(err)
			}
		}
		if i == 300 {
			at300 = liveHeap()
		}
	}
	at3000 := liveHeap()
	t.Logf("live heap after 300 iterations %d B, after 3000 %d B", at300, at3000)
	if at3000 > at300+256<<10 {
		t.Errorf("live heap grew from %d B to %d B between iterations 300 and 3000", at300, at3000)
	}
}

// BenchmarkTrainStepMemory runs the tutorial configuration's training step
// and reports the live heap growth per 1000 iterations after a warm-up of
// 200 (it should be about 0).
func BenchmarkTrainStepMemory(b *testing.B) {
	_, step := adamStep(b, tutorialConfig(), 60, 16, Fast)
	for range 200 {
		step()
	}
	start := liveHeap()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.StopTimer()
	grow := float64(int64(liveHeap())-int64(start)) / float64(b.N) * 1000
	b.ReportMetric(grow, "live-B/1000iter")
}

// BenchmarkNoiseFill times one tutorial batch of network noise (60*16*64
// standard normals).
func BenchmarkNoiseFill(b *testing.B) {
	n := NewNoise(1)
	buf := make([]float32, 60*16*64)
	for b.Loop() {
		n.Fill(buf)
	}
}
