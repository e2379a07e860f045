package tasks

import (
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// BenchmarkDataset measures one batch of every task with default keywords
// (batch 16, seq_len 100), amortised over refills, for comparison with
// NeuroGym's ngym.Dataset on the same settings
// (testdata/bench_ngym_dataset.py).
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
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := d.Next(&batch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
