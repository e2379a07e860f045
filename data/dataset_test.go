package data

import (
	"math"
	"slices"
	"testing"
)

func tutorialConfig() PDMConfig {
	cfg := DefaultPDMConfig()
	cfg.Dt = 20
	cfg.Timing.Stimulus = Constant(1000)
	cfg.Sigma = 0.3
	return cfg
}

// TestDatasetTutorialCache: 1620 rows, refill on the 27th call, every window
// one aligned trial, column i = env seeded DeriveSeed(seed, "train-task", i).
func TestDatasetTutorialCache(t *testing.T) {
	cfg := tutorialConfig()
	const B, L, seed = 16, 60, 5
	d, err := NewDataset(cfg, B, L, seed)
	if err != nil {
		t.Fatal(err)
	}
	if d.CacheLen() != 1620 {
		t.Fatalf("cache length %d, want 1620", d.CacheLen())
	}
	refs := make([]*PerceptualDecisionMaking, B)
	for i := range refs {
		refs[i], _ = NewPerceptualDecisionMaking(cfg, DeriveSeed(seed, "train-task", i))
	}
	var batch Batch
	for call := 1; call <= 60; call++ {
		before := d.start
		d.Next(&batch)
		refilled := d.start == L && before != 0
		if wantRefill := call == 27 || call == 53; refilled != wantRefill {
			t.Fatalf("call %d: refilled = %v (window start %d -> %d), want %v", call, refilled, before, d.start, wantRefill)
		}
		if call > 1 && (call-1)%26 == 0 { // calls 27, 53, ... refill
			// the 27th window of a fill is never served: the references skip it
			for _, r := range refs {
				r.NewTrial()
			}
		}
		for i, r := range refs {
			tr := r.NewTrial()
			for tt := 0; tt < L; tt++ {
				if got := batch.Targets[tt*B+i]; got != int32(tr.Gt[tt]) {
					t.Fatalf("call %d col %d row %d: target %d, want %d", call, i, tt, got, tr.Gt[tt])
				}
				for k := 0; k < cfg.ObsDim(); k++ {
					if got := batch.Inputs[(tt*B+i)*cfg.ObsDim()+k]; got != tr.Ob[tt*cfg.ObsDim()+k] {
						t.Fatalf("call %d col %d row %d ch %d: input %v, want %v", call, i, tt, k, got, tr.Ob[tt*cfg.ObsDim()+k])
					}
				}
			}
		}
	}
}

func nextBatches(t *testing.T, d *Dataset, n int) []Batch {
	t.Helper()
	out := make([]Batch, n)
	for i := range out {
		d.Next(&out[i])
	}
	return out
}

func equalBatch(a, b Batch) bool {
	return slices.Equal(a.Inputs, b.Inputs) && slices.Equal(a.Targets, b.Targets) && slices.Equal(a.Mask, b.Mask)
}

// TestDatasetReproducible: the same seed gives the same batches whatever the
// number of refill goroutines; another seed gives other batches.
func TestDatasetReproducible(t *testing.T) {
	cfg := tutorialConfig()
	mk := func(seed int64, workers int) []Batch {
		d, err := NewDataset(cfg, 8, 60, seed)
		if err != nil {
			t.Fatal(err)
		}
		d.SetWorkers(workers)
		return nextBatches(t, d, 60) // crosses two refills
	}
	a, b, c, other := mk(42, 1), mk(42, 1), mk(42, 3), mk(43, 1)
	for i := range a {
		if !equalBatch(a[i], b[i]) || !equalBatch(a[i], c[i]) {
			t.Fatalf("batch %d differs between runs with the same seed", i)
		}
		if equalBatch(a[i], other[i]) {
			t.Fatalf("batch %d equal for seeds 42 and 43", i)
		}
	}
}

// TestDatasetColumnsIndependent: columns carry different trials (unlike
// NeuroGym's deep-copied environments), and their ground truths and noise are
// uncorrelated.
func TestDatasetColumnsIndependent(t *testing.T) {
	const B = 16
	d, err := NewDataset(tutorialConfig(), B, 60, 0)
	if err != nil {
		t.Fatal(err)
	}
	var batch Batch
	same, n := 0, 0
	var sxy, sxx, syy float64
	for call := 0; call < 200; call++ {
		d.Next(&batch)
		for i := 0; i < B; i++ {
			for j := i + 1; j < B; j++ {
				ti, tj := batch.Targets[55*B+i], batch.Targets[55*B+j]
				if ti == tj {
					same++
				}
				n++
			}
			// noise of channel 1 at row 30 of column i vs column (i+1)%B
			x := float64(batch.Inputs[(30*B+i)*3+1]) - float64(batch.Inputs[(30*B+i)*3+2])
			y := float64(batch.Inputs[(30*B+(i+1)%B)*3+1]) - float64(batch.Inputs[(30*B+(i+1)%B)*3+2])
			sxy += x * y
			sxx += x * x
			syy += y * y
		}
		for i := 1; i < B; i++ {
			if slices.Equal(batch.Inputs[(30*B)*3:(30*B+1)*3], batch.Inputs[(30*B+i)*3:(30*B+i+1)*3]) {
				t.Fatalf("call %d: columns 0 and %d identical", call, i)
			}
		}
	}
	// P(same choice) = 1/2 for independent columns; n = 24000 pairs (not
	// independent, so allow a wide margin).
	if f := float64(same) / float64(n); f < 0.45 || f > 0.55 {
		t.Errorf("columns agree on the choice in %.3f of pairs, want about 0.5", f)
	}
	// The channel difference includes the coherence signal, whose sign is the
	// choice; independent columns still give a correlation near 0.
	if r := sxy / math.Sqrt(sxx*syy); math.Abs(r) > 0.1 {
		t.Errorf("neighbouring columns correlate: r = %.3f", r)
	}
}

// TestDatasetSplitsTrials: with trials shorter than seq_len (default config,
// T = 22, seq_len 50) each column is the environment's trial stream cut into
// windows, and the cache/refill rule holds.
func TestDatasetSplitsTrials(t *testing.T) {
	cfg := DefaultPDMConfig()
	const B, L, seed = 3, 50, 9
	d, err := NewDataset(cfg, B, L, seed)
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
		env, _ := NewPerceptualDecisionMaking(cfg, DeriveSeed(seed, "train-task", i))
		var stream []int32
		for len(stream) < d.CacheLen() {
			for _, g := range env.NewTrial().Gt {
				stream = append(stream, int32(g))
			}
		}
		stream = stream[:d.CacheLen()]
		for k, b := range batches[:perFill] {
			for tt := 0; tt < L; tt++ {
				if b.Targets[tt*B+i] != stream[k*L+tt] {
					t.Fatalf("col %d window %d row %d: target %d, want %d", i, k, tt, b.Targets[tt*B+i], stream[k*L+tt])
				}
			}
		}
		// after the refill, column i restarts with the env's next trials at row 0
		next := env.NewTrial()
		for tt := 0; tt < next.T; tt++ {
			if got := batches[perFill].Targets[tt*B+i]; got != int32(next.Gt[tt]) {
				t.Fatalf("col %d: first window after refill does not start with a new trial", i)
			}
		}
	}
}

func TestDatasetTrialAligned(t *testing.T) {
	cfg := DefaultPDMConfig()
	cfg.Timing.Fixation = Choice(100, 300)
	const B, L = 4, 30
	d, err := NewTrialAlignedDataset(cfg, B, L, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.CacheLen() != 0 {
		t.Error("aligned dataset has a cache")
	}
	refs := make([]*PerceptualDecisionMaking, B)
	for i := range refs {
		refs[i], _ = NewPerceptualDecisionMaking(cfg, DeriveSeed(1, "train-task", i))
	}
	var batch Batch
	padded := false
	for call := 0; call < 10; call++ {
		d.Next(&batch)
		if len(batch.Mask) != L*B {
			t.Fatal("no mask")
		}
		for i, r := range refs {
			tr := r.NewTrial()
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
	var stream Batch
	ds, _ := NewDataset(cfg, B, L, 1)
	ds.Next(&stream)
	if stream.Mask != nil {
		t.Error("stream mode must leave Mask nil")
	}
}

func TestDatasetNextAllocs(t *testing.T) {
	d, _ := NewDataset(tutorialConfig(), 16, 60, 0)
	b := NewBatch(16, 60, 3)
	if n := testing.AllocsPerRun(100, func() { d.Next(b) }); n != 0 {
		t.Errorf("Next allocates %v times per call", n)
	}
}
