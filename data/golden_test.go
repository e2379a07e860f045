package data

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// goldenFile is the layout of the golden trial files in testdata (and of
// cmd/task's JSON output).
type goldenFile struct {
	Name           string          `json:"name"`
	Task           string          `json:"task"`
	Kwargs         json.RawMessage `json:"kwargs"`
	Seed           uint32          `json:"seed"`
	FixationCue    string          `json:"fixation_cue"`
	SigmaEffective float64         `json:"sigma_effective"`
	Trials         []struct {
		GroundTruth int         `json:"ground_truth"`
		Coh         float64     `json:"coh"`
		Ob          [][]float64 `json:"ob"`
		Gt          []int       `json:"gt"`
	} `json:"trials"`
}

func loadGolden(t *testing.T, path string) goldenFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g
}

// TestGoldenParity checks every golden file in testdata bit for bit:
// pdm_tutorial_seed0.json comes from the real NeuroGym; the others from an
// independent NumPy implementation of the spec (see testdata/README.md).
func TestGoldenParity(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			g := loadGolden(t, path)
			cfg, err := ParsePDMKwargs(g.Kwargs)
			if err != nil {
				t.Fatal(err)
			}
			if g.FixationCue != "" {
				cfg.FixationCue = FixationCue(g.FixationCue)
			}
			if got := cfg.SigmaEffective(); got != g.SigmaEffective {
				t.Errorf("sigma_effective = %v, want %v", got, g.SigmaEffective)
			}
			env, err := NewPerceptualDecisionMaking(cfg, g.Seed)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range g.Trials {
				tr := env.NewTrial()
				if tr.GroundTruth != want.GroundTruth || tr.Coh != want.Coh {
					t.Fatalf("trial %d: (g, coh) = (%d, %v), want (%d, %v)", i, tr.GroundTruth, tr.Coh, want.GroundTruth, want.Coh)
				}
				if tr.T != len(want.Ob) || tr.T != len(want.Gt) {
					t.Fatalf("trial %d: T = %d, want %d", i, tr.T, len(want.Ob))
				}
				for r := 0; r < tr.T; r++ {
					if tr.Gt[r] != want.Gt[r] {
						t.Fatalf("trial %d row %d: gt = %d, want %d", i, r, tr.Gt[r], want.Gt[r])
					}
					row := tr.Row(r)
					if len(row) != len(want.Ob[r]) {
						t.Fatalf("trial %d row %d: obs dim %d, want %d", i, r, len(row), len(want.Ob[r]))
					}
					for k, v := range row {
						w := float32(want.Ob[r][k])
						if math.Float32bits(v) != math.Float32bits(w) {
							t.Fatalf("trial %d row %d col %d: ob = %v, want %v", i, r, k, v, w)
						}
					}
				}
			}
		})
	}
}
