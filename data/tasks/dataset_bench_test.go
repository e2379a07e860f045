package tasks

import (
	"runtime"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// BenchmarkDataset measures one batch of every task with default keywords
// (batch 16, seq_len 100), amortised over refills, for comparison with
// NeuroGym's ngym.Dataset on the same settings
// (testdata/bench_ngym_dataset.py; testdata/dataset_speed.py runs both).
// Besides wall ns/op it reports cpu-ns/op, the CPU time of the benchmark's
// thread, which a busy shared machine inflates less.
func BenchmarkDataset(b *testing.B) {
	for _, id := range IDs() {
		b.Run(id, func(b *testing.B) {
			d, err := data.NewDataset(func(_ int, s data.Seed) (data.Task, error) { return Make(id, nil, s) }, 16, 100, 0)
			if err != nil {
				b.Fatal(err)
			}
			var batch data.Batch
			if err := d.Next(&batch); err != nil {
				b.Fatal(err)
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			b.ResetTimer()
			c0 := threadCPU()
			for i := 0; i < b.N; i++ {
				if err := d.Next(&batch); err != nil {
					b.Fatal(err)
				}
			}
			if c1 := threadCPU(); c0 >= 0 && c1 >= 0 {
				b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
