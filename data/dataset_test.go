package data

import "testing"

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
		d.Next(&batch)
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
