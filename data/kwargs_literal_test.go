package data

import (
	"encoding/json"
	"testing"
)

func TestKwargsLiteral(t *testing.T) {
	k, err := ParseKwargs([]byte(`{"dt": 20, "sigma": 1.0, "timing": {"delay": [500, 1000.0], "go": null}, "cohs": null}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path []string
		want string
		ok   bool
	}{
		{[]string{"dt"}, `20`, true},
		{[]string{"sigma"}, `1.0`, true},
		{[]string{"timing", "delay"}, `[500, 1000.0]`, true},
		{[]string{"timing", "go"}, ``, false},       // null: not given
		{[]string{"timing", "stimulus"}, ``, false}, // absent member
		{[]string{"cohs"}, ``, false},               // null
		{[]string{"seed"}, ``, false},
		{[]string{"dt", "x"}, ``, false}, // not an object
	} {
		raw, ok := k.Literal(c.path[0], c.path[1:]...)
		if ok != c.ok || string(raw) != c.want {
			t.Errorf("Literal(%q) = %s, %v; want %s, %v", c.path, raw, ok, c.want, c.ok)
		}
	}
	if len(k.Decl()) != 0 {
		t.Errorf("Literal declared keywords: %v", k.Decl())
	}
	if err := k.Err("T"); err == nil {
		t.Error("Literal marked keywords as used")
	}
}

func TestIsIntLiteral(t *testing.T) {
	for raw, want := range map[string]bool{
		"300": true, "-2": true, " 7 ": true, "0": true,
		"300.0": false, "3e2": false, "3E2": false, "-": false, "": false, `"3"`: false, "true": false, "[1]": false, "null": false,
	} {
		if got := IsIntLiteral(json.RawMessage(raw)); got != want {
			t.Errorf("IsIntLiteral(%q) = %v, want %v", raw, got, want)
		}
	}
}
