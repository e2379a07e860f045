package data

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
)

func TestPyFloat(t *testing.T) {
	// want values are Python's repr / json.dumps output.
	for _, c := range []struct {
		x    float64
		want string
	}{
		{1e16, "1e+16"}, {1e-5, "1e-05"}, {0.0001, "0.0001"},
		{123456789012345680.0, "1.2345678901234568e+17"}, {1e15, "1000000000000000.0"},
		{math.Copysign(0, -1), "-0.0"}, {0, "0.0"}, {5e-324, "5e-324"}, {0.1, "0.1"}, {100, "100.0"},
		{1.5e300, "1.5e+300"}, {0.30000000000000004, "0.30000000000000004"},
		{1234.5, "1234.5"}, {-2.5e-7, "-2.5e-07"}, {9999999999999998.0, "9999999999999998.0"},
		{float64(float32(0.5656557679176331)), "0.5656557679176331"},
	} {
		if got := pyFloat(c.x); got != c.want {
			t.Errorf("pyFloat(%v) = %s, want %s", c.x, got, c.want)
		}
	}
}

func TestPyString(t *testing.T) {
	if got, want := pyString("é😀\"\\\n\x01a"), `"\u00e9\ud83d\ude00\"\\\n\u0001a"`; got != want {
		t.Errorf("pyString = %s, want %s", got, want)
	}
}

// TestTrialSetJSONBytes: WriteJSON reproduces every golden file byte for byte
// (the files were written by Python's json.dump).
func TestTrialSetJSONBytes(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			g := loadGolden(t, path)
			s, err := GenerateTrials(g.Kwargs, g.Seed, len(g.Trials))
			if err != nil {
				t.Fatal(err)
			}
			if g.FixationCue != string(s.Config.FixationCue) {
				// the cue is not a NeuroGym kwarg: regenerate with it set
				s.Config.FixationCue = FixationCue(g.FixationCue)
				env, err := NewPerceptualDecisionMaking(s.Config, g.Seed)
				if err != nil {
					t.Fatal(err)
				}
				for i := range s.Trials {
					s.Trials[i] = env.NewTrial()
				}
			}
			s.Name = g.Name
			var buf bytes.Buffer
			if err := s.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				got := buf.Bytes()
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("output differs from %s at byte %d: got %.60q, want %.60q", path, i, got[i:], want[i:])
			}
		})
	}
}

func TestTrialSetNPZ(t *testing.T) {
	kw := []byte(`{"dt": 10, "timing": {"fixation": [100, 200]}, "sigma": 0.5}`)
	s, err := GenerateTrials(kw, 3, 6)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trials.npz")
	if err := s.WriteNPZ(path); err != nil {
		t.Fatal(err)
	}
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tmax := 0
	for _, tr := range s.Trials {
		tmax = max(tmax, tr.T)
	}
	var ob []float32
	var gt, lens, gts, periods []int64
	var cohs []float64
	for _, e := range []struct {
		name  string
		ptr   any
		shape []int
	}{
		{"ob.npy", &ob, []int{6, tmax, 3}}, {"gt.npy", &gt, []int{6, tmax}},
		{"trial_len.npy", &lens, []int{6}}, {"ground_truth.npy", &gts, []int{6}},
		{"coh.npy", &cohs, []int{6}}, {"periods.npy", &periods, []int{6, 4, 2}},
	} {
		if h := r.Header(e.name); h == nil || !slices.Equal(h.Descr.Shape, e.shape) {
			t.Fatalf("%s: header %v, want shape %v", e.name, h, e.shape)
		}
		if err := r.Read(e.name, e.ptr); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
	}
	padded := false
	for i, tr := range s.Trials {
		if lens[i] != int64(tr.T) || gts[i] != int64(tr.GroundTruth) || cohs[i] != tr.Coh {
			t.Fatalf("trial %d: record mismatch", i)
		}
		for tt := 0; tt < tmax; tt++ {
			for k := 0; k < 3; k++ {
				want := float32(0)
				if tt < tr.T {
					want = tr.Ob[tt*3+k]
				}
				if got := ob[(i*tmax+tt)*3+k]; got != want {
					t.Fatalf("trial %d row %d col %d: ob %v, want %v", i, tt, k, got, want)
				}
			}
			want := int64(-1)
			if tt < tr.T {
				want = int64(tr.Gt[tt])
			} else {
				padded = true
			}
			if gt[i*tmax+tt] != want {
				t.Fatalf("trial %d row %d: gt %d, want %d", i, tt, gt[i*tmax+tt], want)
			}
		}
		s, e := tr.Rows("decision")
		if periods[i*8+6] != int64(s) || periods[i*8+7] != int64(e) {
			t.Fatalf("trial %d: decision period %v, want [%d, %d)", i, periods[i*8+6:i*8+8], s, e)
		}
	}
	if !padded {
		t.Error("test meant to cover unequal trial lengths")
	}
}

func TestGenerateTrialsErrors(t *testing.T) {
	if _, err := GenerateTrials(nil, 0, -1); err == nil {
		t.Error("n = -1 accepted")
	}
	if _, err := GenerateTrials([]byte(`{"dt": 0}`), 0, 1); err == nil {
		t.Error("dt = 0 accepted")
	}
	s, err := GenerateTrials(nil, 0, 2)
	if err != nil || len(s.Trials) != 2 || s.Trials[0].T != 22 {
		t.Errorf("defaults: %v", err)
	}
}
