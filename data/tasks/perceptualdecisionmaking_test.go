package tasks

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/taskrnn/taskrnn/data"
)

const tutorialKwargs = `{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}`

func mustMake(t testing.TB, id, kwargs string, seed data.Seed) data.Task {
	t.Helper()
	task, err := Make(id, []byte(kwargs), seed)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// TestTrialSetJSONBytes: WriteJSON reproduces NeuroGym's golden files byte
// for byte (Python's json.dump wrote them), for every single-task fixture of
// an implemented task.
func TestTrialSetJSONBytes(t *testing.T) {
	golden, _ := filepath.Glob("testdata/golden/*.json")
	oracle, _ := filepath.Glob("testdata/oracle/*.json")
	files := append(golden, oracle...)
	n := 0
	for _, path := range files {
		f := readFixture(t, path)
		if f.Tasks != nil {
			continue // trials.py names the schedule differently
		}
		if _, err := lookup(f.Task); err != nil {
			continue
		}
		n++
		want, _ := os.ReadFile(path)
		want = bytes.TrimSpace(want)
		task, err := Make(f.Task, f.Kwargs, data.IntSeed(f.Seed))
		if err != nil {
			t.Fatal(err)
		}
		s, err := data.GenerateTrials(task, f.Kwargs, f.Seed, len(f.Trials))
		if err != nil {
			t.Fatal(err)
		}
		if name := strings.TrimSuffix(filepath.Base(path), ".json"); bytes.HasSuffix(want, []byte(`, "name": "`+name+`"}`)) {
			s.Name = name
		}
		var buf bytes.Buffer
		if err := s.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if got := buf.Bytes(); !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: output differs at byte %d: got %.60q, want %.60q", path, i, got[i:], want[i:])
		}
	}
	if n == 0 {
		t.Fatal("no fixture compared")
	}
}

func TestTrialSetNPZ(t *testing.T) {
	kw := `{"dt": 10, "timing": {"fixation": [100, 200]}, "sigma": 0.5}`
	task := mustMake(t, "PerceptualDecisionMaking-v0", kw, data.IntSeed(3))
	s, err := data.GenerateTrials(task, []byte(kw), 3, 6)
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
	var lens, gts []int64
	var cohs []float64
	var ob []float32
	var gt []int64
	for name, dst := range map[string]any{"trial_len.npy": &lens, "ground_truth.npy": &gts, "coh.npy": &cohs, "ob.npy": &ob, "gt.npy": &gt} {
		if err := r.Read(name, dst); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	tmax := int(slices.Max(lens))
	for i, tr := range s.Trials {
		if int(lens[i]) != tr.T || int(gts[i]) != tr.Vars.Int("ground_truth") || cohs[i] != tr.Vars.Float("coh") {
			t.Fatalf("trial %d: len %d gt %d coh %v", i, lens[i], gts[i], cohs[i])
		}
		for k := 0; k < tmax; k++ {
			g := gt[i*tmax+k]
			if k < tr.T && (g != int64(tr.Gt[k]) || !slices.Equal(ob[(i*tmax+k)*3:(i*tmax+k+1)*3], tr.Row(k))) {
				t.Fatalf("trial %d row %d differs", i, k)
			}
			if k >= tr.T && g != -1 {
				t.Fatalf("trial %d row %d: padding gt %d", i, k, g)
			}
		}
	}
}

// TestPDMPeriodRows: the default delay (0 ms) is an empty period; indices
// follow NeuroGym for the tutorial and default configurations.
func TestPDMPeriodRows(t *testing.T) {
	for _, c := range []struct {
		kwargs string
		T      int
		rows   [4][2]int
	}{
		{tutorialKwargs, 60, [4][2]int{{0, 5}, {5, 55}, {55, 55}, {55, 60}}},
		{`{}`, 22, [4][2]int{{0, 1}, {1, 21}, {21, 21}, {21, 22}}},
	} {
		tr, err := mustMake(t, "PerceptualDecisionMaking-v0", c.kwargs, data.IntSeed(0)).NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tr.T != c.T {
			t.Errorf("%s: T = %d, want %d", c.kwargs, tr.T, c.T)
		}
		for i, name := range []string{"fixation", "stimulus", "delay", "decision"} {
			if p, _ := tr.Period(name); p.StartIdx != c.rows[i][0] || p.EndIdx != c.rows[i][1] {
				t.Errorf("%s %s: rows [%d, %d), want %v", c.kwargs, name, p.StartIdx, p.EndIdx, c.rows[i])
			}
		}
		p, _ := tr.Period("decision")
		s := p.StartIdx
		if tr.Ob[(s-1)*tr.ObsDim] != 1 || tr.Ob[s*tr.ObsDim] != 0 || tr.Gt[s-1] != 0 || tr.Gt[s] == 0 {
			t.Errorf("%s: go cue / targets wrong around the decision onset", c.kwargs)
		}
	}
}

// TestPDMStepRewards is NeuroGym's reward table for PerceptualDecisionMaking
// (_step), through Replay on the tutorial configuration.
func TestPDMStepRewards(t *testing.T) {
	fixateThen := func(choice func(g int) int) func(tr *data.Trial, i int) int {
		return func(tr *data.Trial, i int) int {
			if p, _ := tr.Period("decision"); i >= p.StartIdx {
				return choice(tr.Vars.Int("ground_truth"))
			}
			return 0
		}
	}
	breakFix := func(tr *data.Trial, i int) int {
		if p, _ := tr.Period("fixation"); i >= p.StartIdx && i < p.EndIdx {
			return 1
		}
		return 0
	}
	for _, c := range []struct {
		name   string
		kwargs string
		pol    func(tr *data.Trial, i int) int
		steps  int
		total  float64
		perf   float64
	}{
		{"correct at decision onset", tutorialKwargs, fixateThen(func(g int) int { return g + 1 }), 56, 1, 1},
		{"wrong at decision onset", tutorialKwargs, fixateThen(func(g int) int { return 2 - g }), 56, 0, 0},
		{"custom rewards", `{"dt": 20, "timing": {"stimulus": 1000}, "rewards": {"abort": -2, "correct": 5, "fail": -1}}`, fixateThen(func(g int) int { return 2 - g }), 56, -1, 0},
		{"always fixate times out", tutorialKwargs, func(*data.Trial, int) int { return 0 }, 60, 0, 0},
		{"acting in stimulus is free", tutorialKwargs, func(tr *data.Trial, i int) int {
			if p, _ := tr.Period("stimulus"); i >= p.StartIdx && i < p.EndIdx {
				return 1
			}
			return 0
		}, 60, 0, 0},
		{"breaking fixation without abort", tutorialKwargs, breakFix, 60, 5 * -0.1, 0},
	} {
		task := mustMake(t, "PerceptualDecisionMaking-v0", c.kwargs, data.IntSeed(11))
		for trial := 0; trial < 4; trial++ {
			tr, _ := task.NewTrial(nil)
			acts := make([]data.Action, tr.T)
			for i := range acts {
				acts[i] = data.DiscreteAction(c.pol(tr, i))
			}
			out, err := task.Replay(tr, acts)
			if err != nil {
				t.Fatal(err)
			}
			if out.Steps != c.steps || math.Abs(out.Reward-c.total) > 1e-12 || out.Performance != c.perf {
				t.Errorf("%s: %+v, want %d steps, reward %v, performance %v", c.name, out, c.steps, c.total, c.perf)
			}
		}
	}
}

// TestPDMStimulusStatistics checks the stimulus against NeuroGym's
// definition: channel means 0.5 +- c/200, noise std sigma/sqrt(dt), and
// ideal-observer accuracy Phi((c/100) sqrt(T_stim) / (sqrt(2) sigma)) within
// sampling error (forced coherences).
func TestPDMStimulusStatistics(t *testing.T) {
	const sigma, dt, tStim = 3.0, 20.0, 1000.0
	task := mustMake(t, "PerceptualDecisionMaking-v0", `{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 3}`, data.IntSeed(77))
	sig := sigma / math.Sqrt(dt)
	for _, coh := range []float64{0, 6.4, 12.8, 25.6} {
		var cond data.Vars
		cond.SetFloat("coh", coh)
		correct, rows := 0, 0
		var meanG, meanO float64
		const n = 1500
		for i := 0; i < n; i++ {
			tr, err := task.NewTrial(&cond)
			if err != nil {
				t.Fatal(err)
			}
			g := tr.Vars.Int("ground_truth")
			p, _ := tr.Period("stimulus")
			var sum float64
			for r := p.StartIdx; r < p.EndIdx; r++ {
				row := tr.Row(r)
				sum += float64(row[1+g]) - float64(row[2-g])
				meanG += float64(row[1+g])
				meanO += float64(row[2-g])
			}
			rows += p.Steps()
			if sum > 0 {
				correct++
			}
		}
		se := sig / math.Sqrt(float64(rows))
		if d := meanG/float64(rows) - (0.5 + coh/200); math.Abs(d) > 5*se {
			t.Errorf("coh %v: chosen-channel mean off by %.2g (SE %.2g)", coh, d, se)
		}
		if d := meanO/float64(rows) - (0.5 - coh/200); math.Abs(d) > 5*se {
			t.Errorf("coh %v: other-channel mean off by %.2g (SE %.2g)", coh, d, se)
		}
		p := 0.5 * math.Erfc(-(coh/100)*math.Sqrt(tStim)/(math.Sqrt2*sigma)/math.Sqrt2)
		acc := float64(correct) / n
		if se := math.Sqrt(p*(1-p)/n) + 1e-3; math.Abs(acc-p) > 4*se {
			t.Errorf("coh %v: ideal-observer accuracy %.4f, want %.4f +- %.4f", coh, acc, p, 4*se)
		}
	}
}

// TestPDMTutorialDataset: the tutorial's batches (16 x 60 at dt 20) come
// from a 1620-row cache refilled on the 27th call; every window is one whole
// trial of column i's task, seeded StreamSeed(seed, TrainTask, i).
func TestPDMTutorialDataset(t *testing.T) {
	const B, L, seed = 16, 60, 5
	mk := func(_ int, s data.Seed) (data.Task, error) {
		return Make("PerceptualDecisionMaking-v0", []byte(tutorialKwargs), s)
	}
	d, err := data.NewDataset(mk, B, L, seed)
	if err != nil {
		t.Fatal(err)
	}
	if d.CacheLen() != 1620 {
		t.Fatalf("cache length %d, want 1620", d.CacheLen())
	}
	refs := make([]data.Task, B)
	for i := range refs {
		refs[i] = mustMake(t, "PerceptualDecisionMaking-v0", tutorialKwargs, data.StreamSeed(seed, data.TrainTask, i))
	}
	var batch data.Batch
	for call := 1; call <= 60; call++ {
		if err := d.Next(&batch); err != nil {
			t.Fatal(err)
		}
		if call > 1 && (call-1)%26 == 0 { // calls 27, 53 refill; the 27th window of a fill is never served
			for _, r := range refs {
				r.NewTrial(nil)
			}
		}
		for i, r := range refs {
			tr, _ := r.NewTrial(nil)
			for tt := 0; tt < L; tt++ {
				if batch.Targets[tt*B+i] != int32(tr.Gt[tt]) || !slices.Equal(batch.Inputs[(tt*B+i)*3:(tt*B+i+1)*3], tr.Row(tt)) {
					t.Fatalf("call %d col %d row %d: not the column's trial", call, i, tt)
				}
			}
		}
	}
}

func TestPDMKwargsErrors(t *testing.T) {
	for _, c := range []struct{ kwargs, want string }{
		{`{"dim_ring": 1}`, "dim_ring: 1 must be a finite number >= 2"},
		{`{"cohs": [1e70]}`, "a coherence must be at most 1e6 percent"},
		{`{"dt": 120}`, "timing.decision can be 100 ms, shorter than dt = 120 ms"},
		{`{"sigmaa": 1}`, `unknown keyword "sigmaa" (did you mean "sigma"?)`},
		{`{"timing": {"stimulus": ["truncated_exponential", [100, 50300]]}}`, "would take about"},
		{`{"fixation_cue": "sometimes"}`, `fixation_cue: "sometimes"`},
	} {
		_, err := Make("PerceptualDecisionMaking-v0", []byte(c.kwargs), data.IntSeed(0))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.kwargs, err, c.want)
		}
	}
	var cond data.Vars
	cond.SetInt("ground_truth", 5)
	task := mustMake(t, "PerceptualDecisionMaking-v0", `{}`, data.IntSeed(0))
	if _, err := task.NewTrial(&cond); err == nil || !strings.Contains(err.Error(), "ground_truth = 5") {
		t.Errorf("forced ground_truth 5: %v", err)
	}
}

// TestPDMFixationOnly: the fixation_only cue (upstream since 2025) is on in
// the fixation period only; everything else, draws included, is unchanged.
func TestPDMFixationOnly(t *testing.T) {
	a, _ := mustMake(t, "PerceptualDecisionMaking-v0", tutorialKwargs, data.IntSeed(4)).NewTrial(nil)
	b, _ := mustMake(t, "PerceptualDecisionMaking-v0", `{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3, "fixation_cue": "fixation_only"}`, data.IntSeed(4)).NewTrial(nil)
	fix, _ := a.Period("fixation")
	for r := 0; r < a.T; r++ {
		want := a.Row(r)[0]
		if r >= fix.EndIdx {
			want = 0
		}
		if b.Row(r)[0] != want || !slices.Equal(a.Row(r)[1:], b.Row(r)[1:]) {
			t.Fatalf("row %d: %v vs %v", r, a.Row(r), b.Row(r))
		}
	}
}

func TestUnknownTask(t *testing.T) {
	_, err := Make("PerceptualDecisionMakin-v0", nil, data.IntSeed(0))
	var u UnknownTaskError
	if err == nil || !strings.Contains(err.Error(), "PerceptualDecisionMaking-v0") {
		t.Fatalf("err = %v", err)
	}
	if e, ok := err.(UnknownTaskError); !ok || e.Closest[0] != "PerceptualDecisionMaking-v0" {
		t.Errorf("closest = %+v", u)
	}
}
