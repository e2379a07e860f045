package data

import (
	"encoding/json"
	"testing"
)

func TestGivenJSON(t *testing.T) {
	k, err := ParseKwargs([]byte(`{"dt": 20, "timing": {"stim1": 300.0}, "sigma": null}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(k.GivenJSON("dt")); got != "20" {
		t.Errorf("GivenJSON(dt) = %q, want 20", got)
	}
	if got := string(k.GivenJSON("timing")); got != `{"stim1": 300.0}` {
		t.Errorf("GivenJSON(timing) = %q", got)
	}
	if k.GivenJSON("sigma") != nil || k.GivenJSON("rewards") != nil {
		t.Error("GivenJSON of a null or absent keyword must be nil")
	}
	// GivenJSON declares nothing: the keywords are still unknown to Err.
	if k.Err("T") == nil || len(k.Decl()) != 0 {
		t.Error("GivenJSON must not declare keywords")
	}
}

func TestIsJSONInt(t *testing.T) {
	// Python: type(json.loads(s)) is int for exactly the first group.
	for _, s := range []string{"300", "-2", "0", " 7 ", "-0"} {
		if !IsJSONInt(json.RawMessage(s)) {
			t.Errorf("IsJSONInt(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"300.0", "3e2", "3E2", "1.5", `"300"`, "[300]", "true", "null", ""} {
		if IsJSONInt(json.RawMessage(s)) {
			t.Errorf("IsJSONInt(%q) = true, want false", s)
		}
	}
}
