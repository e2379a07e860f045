package data

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParsePDMKwargsMerge(t *testing.T) {
	cfg, err := ParsePDMKwargs([]byte(`{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3, "rewards": {"correct": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultPDMConfig()
	want.Dt, want.Sigma, want.Rewards.Correct = 20, 0.3, 2
	want.Timing.Stimulus = Constant(1000)
	gb, _ := json.Marshal(cfg)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("got %s\nwant %s", gb, wb)
	}
	if cfg.ObsDim() != 3 || cfg.ActDim() != 3 {
		t.Error("ObsDim/ActDim != 3")
	}
	if got := cfg.SigmaEffective(); math.Abs(got-0.0670820393) > 1e-10 {
		t.Errorf("sigma_effective %v", got)
	}
	for _, empty := range []string{"", " ", "{}"} {
		c, err := ParsePDMKwargs([]byte(empty))
		if err != nil || c.Dt != 100 || !slices.Equal(c.Cohs, want.Cohs) {
			t.Errorf("%q: %v", empty, err)
		}
	}
	// json.Marshal of a config is valid kwargs that parse back to it.
	cfg.FixationCue = FixationOnly
	cfg.Timing.Delay = TruncatedExponential(100, 0, math.Inf(1))
	b, _ := json.Marshal(cfg)
	back, err := ParsePDMKwargs(b)
	if err != nil {
		t.Fatalf("round trip %s: %v", b, err)
	}
	if bb, _ := json.Marshal(back); string(bb) != string(b) {
		t.Errorf("round trip: %s != %s", bb, b)
	}
}

// TestConfigErrors: every bad input is an error naming the field and what is
// allowed.
func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		kwargs string
		want   []string
	}{
		{`{"dt": 0}`, []string{"dt", "> 0"}},
		{`{"dt": -20}`, []string{"dt", "> 0"}},
		{`{"dt": "20"}`, []string{"dt", "not a number"}},
		{`{"dim_ring": 1}`, []string{"dim_ring", ">= 2"}},
		{`{"dim_ring": 2.5}`, []string{"dim_ring", "integer"}},
		{`{"cohs": []}`, []string{"cohs", "at least one"}},
		{`{"cohs": 5}`, []string{"cohs"}},
		{`{"sigma": -0.1}`, []string{"sigma", ">= 0"}},
		{`{"timing": {"response": 100}}`, []string{"timing", `unknown period "response"`, "fixation, stimulus, delay, decision"}},
		{`{"timing": {"stimulus": ["gauss", [1, 2]]}}`, []string{"timing", "stimulus", `unknown kind "gauss"`}},
		{`{"timing": {"stimulus": [1000, 2000], "delay": "x"}}`, []string{"timing", "delay"}},
		{`{"timing": 5}`, []string{"timing", "want an object"}},
		{`{"rewards": {"bonus": 1}}`, []string{"rewards", `unknown reward "bonus"`, "abort, correct, fail"}},
		{`{"abort": 1}`, []string{"abort"}},
		{`{"fixation_cue": "always"}`, []string{"fixation_cue", "until_decision", "fixation_only"}},
		{`{"seq_len": 60}`, []string{`unknown key "seq_len"`, "dt, rewards, timing"}},
		{`{"dt": 20,}`, []string{"malformed JSON"}},
		{`[1, 2]`, []string{"malformed JSON"}},
		{`null`, []string{"JSON object"}},
		{`{"timing": {"fixation": 5, "stimulus": 5, "decision": 5}, "dt": 20}`, []string{"timing", "shortest possible trial"}},
	} {
		_, err := ParsePDMKwargs([]byte(c.kwargs))
		if err == nil {
			t.Errorf("%s: no error", c.kwargs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.kwargs, err, w)
			}
		}
	}
	// Validate on configs built in Go.
	bad := DefaultPDMConfig()
	bad.Cohs = nil
	if _, err := NewPerceptualDecisionMaking(bad, 0); err == nil || !strings.Contains(err.Error(), "cohs") {
		t.Errorf("nil cohs: %v", err)
	}
	bad = DefaultPDMConfig()
	bad.Timing.Decision = TimingSpec{}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "timing.decision") {
		t.Errorf("zero TimingSpec: %v", err)
	}
	bad = DefaultPDMConfig()
	bad.Dt = math.NaN()
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "dt") {
		t.Errorf("NaN dt: %v", err)
	}
	for _, c := range []struct {
		b, l int
		want string
	}{{0, 60, "batch_size"}, {-1, 60, "batch_size"}, {16, 0, "seq_len"}, {16, -5, "seq_len"}} {
		if _, err := NewDataset(tutorialConfig(), c.b, c.l, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewDataset(%d, %d): %v, want error naming %s", c.b, c.l, err, c.want)
		}
	}
	if _, err := NewTrialAlignedDataset(tutorialConfig(), 4, 59, 0); err == nil || !strings.Contains(err.Error(), "seq_len") {
		t.Errorf("aligned seq_len 59 < 60: %v", err)
	}
}

func TestForceOptionsKeepDraws(t *testing.T) {
	a, _ := NewPerceptualDecisionMaking(tutorialConfig(), 3)
	b, _ := NewPerceptualDecisionMaking(tutorialConfig(), 3)
	ta := a.NewTrial(ForceGroundTruth(1), ForceCoh(33))
	tb := b.NewTrial()
	if ta.GroundTruth != 1 || ta.Coh != 33 {
		t.Fatalf("forced trial has g=%d coh=%v", ta.GroundTruth, ta.Coh)
	}
	s, _ := ta.Rows("decision")
	if ta.Gt[s] != 2 {
		t.Errorf("forced g=1: decision target %d, want 2", ta.Gt[s])
	}
	// same noise: channel 1 minus its mean is identical
	row := 10 * 3
	na := float64(ta.Ob[row+2]) - (0.5 + 33.0/200)
	nb := float64(tb.Ob[row+2]) - (0.5 + tb.Coh/200*map[bool]float64{true: 1, false: -1}[tb.GroundTruth == 1])
	if math.Abs(na-nb) > 1e-6 {
		t.Errorf("forcing changed the noise draws: %v vs %v", na, nb)
	}
	if !slices.Equal(a.NewTrial().Ob, b.NewTrial().Ob) {
		t.Error("forcing changed the random stream")
	}
	defer func() {
		if recover() == nil {
			t.Error("ForceGroundTruth(2) with dim_ring 2 did not panic")
		}
	}()
	a.NewTrial(ForceGroundTruth(2))
}
