package data

import (
	"runtime"
	"testing"
)

// BenchmarkDatasetNext measures one batch of a small task (batch 16,
// seq_len 60), amortised over refills; data/tasks benchmarks every NeuroGym
// task.
func BenchmarkDatasetNext(b *testing.B) { benchmarkDatasetNext(b, 1) }

// BenchmarkDatasetNextWorkers2 refills with two goroutines (SetWorkers(2));
// cpu-ns/op then counts only the calling thread.
func BenchmarkDatasetNextWorkers2(b *testing.B) { benchmarkDatasetNext(b, 2) }

func benchmarkDatasetNext(b *testing.B, workers int) {
	d, err := NewDataset(toyColumns(b, &toy{}), 16, 60, 0)
	if err != nil {
		b.Fatal(err)
	}
	d.SetWorkers(workers)
	batch := NewBatch(16, 60, d.ObsDim())
	d.Next(batch)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	c0 := threadCPU()
	for i := 0; i < b.N; i++ {
		d.Next(batch)
	}
	if c1 := threadCPU(); c0 >= 0 && c1 >= 0 {
		b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkNormal measures one legacy polar standard normal.
func BenchmarkNormal(b *testing.B) {
	r := NewRandomState(0)
	var s float64
	for i := 0; i < b.N; i++ {
		s += r.Normal()
	}
	_ = s
}

// BenchmarkUint32 measures one raw MT19937 output.
func BenchmarkUint32(b *testing.B) {
	r := NewRandomState(0)
	var s uint32
	for i := 0; i < b.N; i++ {
		s += r.Uint32()
	}
	_ = s
}
