package tasks

import (
	"math"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/taskrnn/taskrnn/data"
)

// TestYang19DatasetParity compares data.Dataset on yang19.multitask-v0 with
// NeuroGym's ngym.Dataset (testdata/yang19_dataset.npz, made by
// testdata/yang19_dataset.py): two batch columns, column i's schedule
// seeded with column_seeds[i] (the column factory ignores the derived
// seed), a cache of 2*seq_len rows, so that batch 1 is served from the first
// fill and batch 2 from a refill that drops the rest of it. Inputs and
// targets must be equal bit for bit.
func TestYang19DatasetParity(t *testing.T) {
	r, err := npz.Open("testdata/yang19_dataset.npz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var (
		inputs           []float32
		targets, seeds   []int64
		seqLen, cacheLen int64
		kwargs           []uint8
	)
	for name, ptr := range map[string]any{"inputs.npy": &inputs, "targets.npy": &targets, "column_seeds.npy": &seeds,
		"seq_len.npy": &seqLen, "cache_len.npy": &cacheLen, "kwargs.npy": &kwargs} {
		if err := r.Read(name, ptr); err != nil {
			t.Fatal(err)
		}
	}
	shape := r.Header("inputs.npy").Descr.Shape // (batches, seq_len, batch, obs)
	nb, L, B, O := shape[0], shape[1], shape[2], shape[3]
	if int64(L) != seqLen || len(seeds) != B || len(targets) != nb*L*B {
		t.Fatalf("fixture shapes %v, seq_len %d, %d seeds, %d targets", shape, seqLen, len(seeds), len(targets))
	}
	d, err := data.NewDataset(func(i int, _ data.Seed) (data.Task, error) {
		return Make(yang19MultitaskID, kwargs, data.IntSeed(uint32(seeds[i])))
	}, B, L, 0)
	if err != nil {
		t.Fatal(err)
	}
	if int64(d.CacheLen()) != cacheLen || d.ObsDim() != O {
		t.Fatalf("cache length %d and %d inputs, NeuroGym's %d and %d", d.CacheLen(), d.ObsDim(), cacheLen, O)
	}
	var batch data.Batch
	for k := 0; k < nb; k++ {
		if err := d.Next(&batch); err != nil {
			t.Fatal(err)
		}
		want := inputs[k*L*B*O : (k+1)*L*B*O]
		for i, v := range batch.Inputs {
			if math.Float32bits(v) != math.Float32bits(want[i]) {
				row, col, in := i/(B*O), i/O%B, i%O
				t.Fatalf("batch %d row %d column %d input %d: %v, NeuroGym %v", k+1, row, col, in, v, want[i])
			}
		}
		for i, v := range batch.Targets {
			if int64(v) != targets[k*L*B+i] {
				t.Fatalf("batch %d row %d column %d: target %d, NeuroGym %d", k+1, i/B, i%B, v, targets[k*L*B+i])
			}
		}
	}
}
