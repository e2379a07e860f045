package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// declare declares a small set of keywords, as a task constructor does.
func declare(k *Kwargs) (float64, int, bool, []float64, bool, Timing, Rewards, string) {
	dt := k.Float("dt", 100, Positive)
	n := k.Int("dim_ring", 2, AtLeast(2))
	ab := k.Bool("abort", false)
	cohs, ints := k.Numbers("cohs", []float64{0, 6.4}, false, 1, Finite)
	tm := k.Timing(Timing{{"fixation", Constant(100)}, {"decision", Constant(100)}})
	rw := k.Rewards(Rewards{{"abort", -0.1}, {"correct", 1}})
	cue := k.String("fixation_cue", "until_decision", "until_decision", "fixation_only")
	return dt, n, ab, cohs, ints, tm, rw, cue
}

func TestKwargsValues(t *testing.T) {
	k, err := ParseKwargs([]byte(`{"dt": 20, "dim_ring": 3, "abort": true, "cohs": [0, 10],
		"timing": {"fixation": ["uniform", [100, 300]]}, "rewards": {"correct": 2}, "fixation_cue": "fixation_only"}`))
	if err != nil {
		t.Fatal(err)
	}
	dt, n, ab, cohs, ints, tm, rw, cue := declare(k)
	if err := k.Err("Toy-v0"); err != nil {
		t.Fatal(err)
	}
	fix, _ := tm.Get("fixation")
	dec, _ := tm.Get("decision")
	if dt != 20 || n != 3 || !ab || !slices.Equal(cohs, []float64{0, 10}) || !ints || cue != "fixation_only" ||
		fix.Kind != TimingUniform || dec.Values[0] != 100 || rw.Get("correct") != 2 || rw.Get("abort") != -0.1 {
		t.Errorf("got %v %v %v %v %v %v %v %v", dt, n, ab, cohs, ints, tm, rw, cue)
	}
	if names := k.Decl(); len(names) != 7 || names[0].Name != "dt" || names[0].Default != "100" {
		t.Errorf("Decl = %+v", names)
	}
	// defaults, and null meaning the default (Python's None)
	k, _ = ParseKwargs([]byte(`{"cohs": null}`))
	_, _, _, cohs, ints, _, _, _ = declare(k)
	if k.Err("Toy-v0") != nil || !slices.Equal(cohs, []float64{0, 6.4}) || ints {
		t.Errorf("defaults: %v %v %v", cohs, ints, k.Err("Toy-v0"))
	}
	k, _ = ParseKwargs([]byte(`{"cohs": [0, 6.5, 1e1]}`))
	if _, _, _, _, ints, _, _, _ = declare(k); ints {
		t.Error("a list with decimals is not all ints")
	}
}

func TestKwargsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"dim_rng": 3}`, `unknown keyword "dim_rng" (did you mean "dim_ring"?) (allowed: dt, dim_ring, abort, cohs, timing, rewards, fixation_cue)`},
		{`{"dt": "fast"}`, `dt: "fast": want a number`},
		{`{"dt": -1}`, `dt: -1 must be a finite number > 0`},
		{`{"dim_ring": 2.5}`, `dim_ring: 2.5: want an integer`},
		{`{"dim_ring": 1}`, `dim_ring: 1 must be a finite number >= 2`},
		{`{"abort": 1}`, `abort: 1: want true or false`},
		{`{"cohs": []}`, `cohs: 0 values: want at least 1`},
		{`{"cohs": [1, "a"]}`, `cohs: "a" is not a number`},
		{`{"cohs": [1e400]}`, `cohs`},
		{`{"timing": {"fixaton": 100}}`, `unknown period "fixaton" (did you mean "fixation"?) (allowed: fixation, decision)`},
		{`{"timing": {"fixation": -5}}`, `timing.fixation: timing spec -5`},
		{`{"timing": {"fixation": ["truncated_exponential", [100, 50300]]}}`, `would take about`},
		{`{"rewards": {"corect": 1}}`, `unknown reward "corect" (did you mean "correct"?)`},
		{`{"rewards": {"correct": "a"}}`, `correct = "a": want a finite number`},
		{`{"fixation_cue": "never"}`, `fixation_cue: "never": allowed until_decision, fixation_only`},
	} {
		k, err := ParseKwargs([]byte(c.in))
		if err == nil {
			declare(k)
			err = k.Err("Toy-v0")
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.in, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`{"dt": 20, "dt": 30}`, `key "dt" appears twice`},
		{`[1, 2]`, `want a JSON object`},
		{`{"dt": 20} {}`, `trailing data`},
		{`{"dt": `, `malformed JSON`},
	} {
		if _, err := ParseKwargs([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.in, err, c.want)
		}
	}
	// every error at once
	k, _ := ParseKwargs([]byte(`{"dt": 0, "abort": 2, "bogus": 1}`))
	declare(k)
	if err := k.Err("Toy-v0"); err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("want three errors, got %v", err)
	}
}

func TestClosest(t *testing.T) {
	got := Closest("PerceptualDecisionMakin", []string{"GoNogo", "PerceptualDecisionMaking", "PerceptualDecisionMakingDelayResponse"}, 2)
	if !slices.Equal(got, []string{"PerceptualDecisionMaking", "PerceptualDecisionMakingDelayResponse"}) {
		t.Errorf("Closest = %v", got)
	}
	if got := Closest("zzz", []string{"abc"}, 3); len(got) != 0 {
		t.Errorf("Closest(zzz) = %v", got)
	}
	_ = math.Inf
}
