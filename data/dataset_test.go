package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func toyColumns(t testing.TB, r *toy) func(int, Seed) (Task, error) {
	return func(_ int, s Seed) (Task, error) { return newToyRules(t, r, s, nil), nil }
}

func nextBatches(t *testing.T, d *Dataset, n int) []Batch {
	t.Helper()
	out := make([]Batch, n)
	for i := range out {
		if err := d.Next(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func equalBatch(a, b Batch) bool {
	return slices.Equal(a.Inputs, b.Inputs) && slices.Equal(a.Targets, b.Targets) &&
		slices.Equal(a.TargetVec, b.TargetVec) && slices.Equal(a.Mask, b.Mask)
}

// TestDatasetStreamAndCut: each column is its task's trial stream (seeded
// StreamSeed(seed, TrainTask, i)) cut into windows; the cache holds
// C = (1 + floor(c0/L))*L rows with c0 = 1e5/(obs+1)/B; a window whose end
// would reach C triggers a refill that restarts every column at row 0 with
// the task's next trial.
func TestDatasetStreamAndCut(t *testing.T) {
	const B, L, seed = 3, 50, 9
	d, err := NewDataset(toyColumns(t, &toy{}), B, L, seed)
	if err != nil {
		t.Fatal(err)
	}
	// c0 = 1e5/4/3 = 8333.33; C = (1 + 166) * 50 = 8350
	if d.CacheLen() != 8350 {
		t.Fatalf("cache length %d, want 8350", d.CacheLen())
	}
	perFill := (d.CacheLen() - 1) / L // windows served per fill: 166
	batches := nextBatches(t, d, perFill+3)
	for i := 0; i < B; i++ {
		env := newToy(t, StreamSeed(seed, TrainTask, i), nil)
		var stream []int32
		var obs []float32
		for len(stream) < d.CacheLen() {
			tr, _ := env.NewTrial(nil)
			for k, g := range tr.Gt {
				stream = append(stream, int32(g))
				obs = append(obs, tr.Row(k)...)
			}
		}
		for k, b := range batches[:perFill] {
			for tt := 0; tt < L; tt++ {
				row := k*L + tt
				if b.Targets[tt*B+i] != stream[row] || !slices.Equal(b.Inputs[(tt*B+i)*3:(tt*B+i+1)*3], obs[row*3:row*3+3]) {
					t.Fatalf("col %d window %d row %d: not the task's stream", i, k, tt)
				}
			}
		}
		next, _ := env.NewTrial(nil)
		for tt := 0; tt < next.T; tt++ {
			if batches[perFill].Targets[tt*B+i] != int32(next.Gt[tt]) {
				t.Fatalf("col %d: first window after the refill does not start with a new trial", i)
			}
		}
	}
}

// TestDatasetReproducible: the same seed gives the same batches whatever
// the number of refill goroutines; another seed gives other batches.
func TestDatasetReproducible(t *testing.T) {
	mk := func(seed int64, workers int) []Batch {
		d, err := NewDataset(toyColumns(t, &toy{}), 8, 200, seed)
		if err != nil {
			t.Fatal(err)
		}
		d.SetWorkers(workers)
		return nextBatches(t, d, 40)
	}
	a, b, c := mk(1, 1), mk(1, 3), mk(2, 1)
	for k := range a {
		if !equalBatch(a[k], b[k]) {
			t.Fatalf("batch %d differs between 1 and 3 workers", k)
		}
	}
	if equalBatch(a[0], c[0]) {
		t.Error("seeds 1 and 2 give the same batch")
	}
}

// TestDatasetColumnsIndependent: columns are distinct streams (not
// NeuroGym's deep copies) and their choices are uncorrelated.
func TestDatasetColumnsIndependent(t *testing.T) {
	const B = 16
	d, err := NewDataset(toyColumns(t, &toy{}), B, 12, 0)
	if err != nil {
		t.Fatal(err)
	}
	var batch Batch
	same, n := 0, 0
	for call := 0; call < 300; call++ {
		d.Next(&batch)
		for i := 0; i < B; i++ {
			for j := i + 1; j < B; j++ {
				if batch.Targets[11*B+i] == batch.Targets[11*B+j] {
					same++
				}
				n++
			}
		}
	}
	// About half the pairs share a target value at a given row (0 outside
	// the decision, 1 or 2 inside); identical columns would share all.
	if f := float64(same) / float64(n); f > 0.8 {
		t.Errorf("columns agree in %.3f of pairs", f)
	}
}

func TestDatasetTrialAligned(t *testing.T) {
	const B, L = 4, 16
	d, err := NewTrialAlignedDataset(toyColumns(t, &toy{}), B, L, 1)
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]*Env, B)
	for i := range refs {
		refs[i] = newToy(t, StreamSeed(1, TrainTask, i), nil)
	}
	var batch Batch
	padded := false
	for call := 0; call < 10; call++ {
		if err := d.Next(&batch); err != nil {
			t.Fatal(err)
		}
		for i, r := range refs {
			tr, _ := r.NewTrial(nil)
			for tt := 0; tt < L; tt++ {
				in := batch.Inputs[(tt*B+i)*3 : (tt*B+i+1)*3]
				if tt < tr.T {
					if batch.Mask[tt*B+i] != 1 || batch.Targets[tt*B+i] != int32(tr.Gt[tt]) || !slices.Equal(in, tr.Row(tt)) {
						t.Fatalf("call %d col %d row %d: not the trial", call, i, tt)
					}
				} else {
					padded = true
					if batch.Mask[tt*B+i] != 0 || batch.Targets[tt*B+i] != 0 || !slices.Equal(in, []float32{0, 0, 0}) {
						t.Fatalf("call %d col %d row %d: padding not zero", call, i, tt)
					}
				}
			}
		}
	}
	if !padded {
		t.Error("test meant to cover padding")
	}
	short, _ := NewTrialAlignedDataset(toyColumns(t, &toy{}), B, 5, 1)
	if err := short.Next(&batch); err == nil || !strings.Contains(err.Error(), "seq_len = 5") {
		t.Errorf("trial longer than seq_len: err = %v", err)
	}
	var stream Batch
	ds, _ := NewDataset(toyColumns(t, &toy{}), B, L, 1)
	ds.Next(&stream)
	if stream.Mask != nil {
		t.Error("stream mode without weights must leave Mask nil")
	}
}

// TestDatasetPeriodWeights: Mask carries the weight of the period each row
// belongs to, in stream and aligned mode.
func TestDatasetPeriodWeights(t *testing.T) {
	w := map[string]float64{"decision": 5, "fixation": 0.5}
	for _, aligned := range []bool{false, true} {
		mk := NewDataset
		if aligned {
			mk = NewTrialAlignedDataset
		}
		d, err := mk(toyColumns(t, &toy{}), 2, 16, 3)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetPeriodWeights(1, w); err != nil {
			t.Fatal(err)
		}
		var b Batch
		d.Next(&b)
		for k, g := range b.Targets {
			m := b.Mask[k]
			switch {
			case g != 0 && m != 5:
				t.Fatalf("aligned %v: decision row %d weighs %v", aligned, k, m)
			case g == 0 && m != 0.5 && m != 1 && m != 0:
				t.Fatalf("aligned %v: row %d weighs %v", aligned, k, m)
			}
		}
		if err := d.SetPeriodWeights(math.NaN(), nil); err == nil {
			t.Error("NaN weight accepted")
		}
		if err := d.SetPeriodWeights(1, map[string]float64{"decision": -1}); err == nil || !strings.Contains(err.Error(), `"decision"`) {
			t.Errorf("negative weight: %v", err)
		}
	}
}

func TestDatasetBoxTargets(t *testing.T) {
	d, err := NewDataset(toyColumns(t, &toy{box: true}), 2, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	// c0 = 1e5/(3+2)/2 = 10000; C = (1 + 500) * 20
	if d.CacheLen() != 10020 {
		t.Errorf("cache length %d, want 10020", d.CacheLen())
	}
	var b Batch
	d.Next(&b)
	if b.ActKind != Box || b.ActDim != 2 || len(b.Targets) != 0 || len(b.TargetVec) != 20*2*2 {
		t.Fatalf("Box batch: kind %v dim %d, %d targets, %d vectors", b.ActKind, b.ActDim, len(b.Targets), len(b.TargetVec))
	}
	if b.TargetVec[0] != -1 {
		t.Errorf("first target vector %v", b.TargetVec[:2])
	}
}

func TestDatasetNextAllocs(t *testing.T) {
	d, _ := NewDataset(toyColumns(t, &toy{}), 16, 60, 0)
	b := NewBatch(16, 60, 3)
	if n := testing.AllocsPerRun(200, func() { d.Next(b) }); n != 0 {
		t.Errorf("Next allocates %v times per call", n)
	}
}

func TestDatasetErrors(t *testing.T) {
	if _, err := NewDataset(toyColumns(t, &toy{}), 0, 10, 0); err == nil || !strings.Contains(err.Error(), "batch_size = 0") {
		t.Errorf("batch 0: %v", err)
	}
	if _, err := NewDataset(toyColumns(t, &toy{}), 2, -1, 0); err == nil || !strings.Contains(err.Error(), "seq_len = -1") {
		t.Errorf("seq_len -1: %v", err)
	}
	mixed := func(i int, s Seed) (Task, error) { return newToyRules(t, &toy{box: i == 1}, s, nil), nil }
	if _, err := NewDataset(mixed, 2, 10, 0); err == nil || !strings.Contains(err.Error(), "column 1") {
		t.Errorf("mixed columns: %v", err)
	}
}
