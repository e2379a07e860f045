package data

import (
	"strings"
	"testing"
)

func TestParseVars(t *testing.T) {
	v, err := ParseVars([]byte(` {"coh": 0, "ground_truth": 1, "x": 6.4, "e": 1e2, "neg": -3, "wager": true, "no": false, "rule": "go", "pair": [18, 10], "fl": [1, 2.5], "none": []} `))
	if err != nil {
		t.Fatal(err)
	}
	// Python's json.loads types, and the keys' order
	want := `{"coh": 0, "ground_truth": 1, "x": 6.4, "e": 100.0, "neg": -3, "wager": true, "no": false, "rule": "go", "pair": [18, 10], "fl": [1.0, 2.5], "none": []}`
	if got := v.JSON(); got != want {
		t.Errorf("ParseVars: %s\nwant        %s", got, want)
	}
	kinds := map[string]VarKind{"coh": IntVar, "x": FloatVar, "e": FloatVar, "wager": BoolVar, "rule": StringVar, "pair": IntsVar, "fl": FloatsVar}
	for name, k := range kinds {
		if got, _ := v.Get(name); got.Kind != k {
			t.Errorf("%s: kind %v, want %v", name, got.Kind, k)
		}
	}
	for _, empty := range []string{"", "  ", "{}"} {
		if v, err := ParseVars([]byte(empty)); err != nil || v.Len() != 0 {
			t.Errorf("ParseVars(%q) = %v, %v; want no variables", empty, v, err)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`[1, 2]`, "want a JSON object"},
		{`3`, "want a JSON object"},
		{`{"coh": 0, "coh": 1}`, "trial variable coh is given twice"},
		{`{"coh": null}`, "trial variable coh = null: null is not"},
		{`{"c": {"a": 1}}`, "trial variable c = {\"a\": 1}: an object is not"},
		{`{"l": [1, "a"]}`, "trial variable l = [1, \"a\"]: element 1: want a number"},
		{`{"big": 9007199254740993}`, "beyond ±(2^53 - 1)"},
		{`{"huge": 1e400}`, "out of the float64 range"},
		{`{"coh": 0} x`, "unexpected text after the object"},
		{`{"coh": 0`, "trial variables:"},
		{`{"coh" 0}`, "trial variable coh: "},
	} {
		_, err := ParseVars([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseVars(%s): error %v, want one containing %q", c.in, err, c.want)
		}
	}
}

// TestParseVarsForcesTrials: parsed variables force a trial as
// NeuroGym's new_trial(**kwargs) does (Update), ints and floats
// replacing each other.
func TestParseVarsForcesTrials(t *testing.T) {
	var drawn Vars
	drawn.SetInt("ground_truth", 0)
	drawn.SetFloat("coh", 12.8)
	cond, err := ParseVars([]byte(`{"coh": 0, "ground_truth": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := drawn.Update(cond); err != nil {
		t.Fatal(err)
	}
	if got := drawn.JSON(); got != `{"ground_truth": 1, "coh": 0}` {
		t.Errorf("after the update %s", got)
	}
}
