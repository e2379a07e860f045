package data

import "testing"

func TestKwargsNumber(t *testing.T) {
	for _, c := range []struct {
		js      string
		want    float64
		wantInt bool
	}{
		{`{}`, 80, true},
		{`{"dt": null}`, 80, true},
		{`{"dt": 20}`, 20, true},
		{`{"dt": 20.0}`, 20, false},
		{`{"dt": 2e1}`, 20, false},
		{`{"dt": -5}`, 80, true}, // refused: the default
	} {
		k, err := ParseKwargs([]byte(c.js))
		if err != nil {
			t.Fatal(err)
		}
		v, isInt := k.Number("dt", 80, true, Positive)
		if v != c.want || isInt != c.wantInt {
			t.Errorf("%s: %v, %v; want %v, %v", c.js, v, isInt, c.want, c.wantInt)
		}
		if (k.Err("T") != nil) != (c.js == `{"dt": -5}`) {
			t.Errorf("%s: error %v", c.js, k.Err("T"))
		}
	}
}

func TestKwargsTimingInt(t *testing.T) {
	def := Timing{{Period: "a", Spec: UniformTiming(1, 2)}, {Period: "b", Spec: Constant(3)}}
	for _, c := range []struct {
		js   string
		want bool // of period a, default false
	}{
		{`{}`, false},
		{`{"timing": {"b": 300}}`, false},
		{`{"timing": {"a": 300}}`, true},
		{`{"timing": {"a": 300.0}}`, false},
		{`{"timing": {"a": [100, 200]}}`, true},
		{`{"timing": {"a": [100, 200.5]}}`, false},
		{`{"timing": {"a": ["choice", [100, 200]]}}`, true},
		{`{"timing": {"a": ["choice", [1e2, 200]]}}`, false},
		{`{"timing": {"a": ["constant", 100]}}`, true},
		{`{"timing": {"a": ["uniform", [100, 200]]}}`, false},
		{`{"timing": {"a": ["truncated_exponential", [100, 300, 200]]}}`, true},
		{`{"timing": {"a": ["truncated_exponential", [100, 300, 200.0]]}}`, false},
		{`{"timing": {"a": ["truncated_exponential", [100, 100, 200]]}}`, false},
		{`{"timing": {"a": ["truncated_exponential", [100]]}}`, false},
	} {
		k, err := ParseKwargs([]byte(c.js))
		if err != nil {
			t.Fatal(err)
		}
		k.Timing(def)
		if err := k.Err("T"); err != nil {
			t.Fatalf("%s: %v", c.js, err)
		}
		if got := k.TimingInt("a", false); got != c.want {
			t.Errorf("%s: TimingInt(a) = %v, want %v", c.js, got, c.want)
		}
		if !k.TimingInt("b", true) && c.js != `{"timing": {"b": 300}}` {
			t.Errorf("%s: TimingInt(b) ignores the default", c.js)
		}
	}
}
