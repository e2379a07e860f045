package data

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestPyFloorDiv(t *testing.T) {
	// want values from Python's // operator.
	for _, c := range []struct{ a, b, want float64 }{
		{1100, 20, 55}, {100, 30, 3}, {99.99, 10, 9}, {1, 0.1, 9}, {0.3, 0.1, 2},
		{0, 20, 0}, {250, 12.5, 20}, {2.5, 0.5, 5}, {7, 7, 1},
	} {
		if got := pyFloorDiv(c.a, c.b); got != c.want {
			t.Errorf("%v // %v = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestFmod compares the fast remainder with math.Mod (C's fmod) on
// durations and steps of every magnitude, exact multiples and their
// neighbours one ulp away, and the arguments it hands to math.Mod.
func TestFmod(t *testing.T) {
	r := NewRandomState(1)
	check := func(a, b float64) {
		t.Helper()
		if got, want := fmod(a, b), math.Mod(a, b); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("fmod(%v, %v) = %v, want math.Mod's %v", a, b, got, want)
		}
	}
	for i := 0; i < 200000; i++ {
		b := math.Ldexp(0.5+r.Float64(), r.RandInt(40)-20)
		if i%3 == 0 {
			b = float64(1 + r.RandInt(200)) // whole-ms dt
		} else if i%3 == 1 {
			b = []float64{0.1, 0.2, 0.3, 0.7, 1.1, 2.5, 12.5, 33.3}[r.RandInt(8)]
		}
		a := math.Ldexp(r.Float64(), r.RandInt(60)-10)
		check(a, b)
		m := math.Floor(a / b)
		if m < 1<<50 {
			k := m * b
			check(k, b)
			check(math.Nextafter(k, 0), b)
			check(math.Nextafter(k, math.Inf(1)), b)
		}
	}
	for _, c := range [][2]float64{{0, 3}, {math.Copysign(0, -1), 3}, {-7.5, 2}, {7.5, -2}, {5, math.Inf(1)},
		{math.Inf(1), 2}, {math.NaN(), 2}, {3, 0}, {1 << 60, 3}, {5e-324, 0.1}, {1e-300, 1e300}} {
		check(c[0], c[1])
	}
}

func TestTimingSampleRounding(t *testing.T) {
	r := NewRandomState(0)
	for _, c := range []struct {
		spec TimingSpec
		dt   float64
		want float64
	}{
		{Constant(100), 30, 90}, {Constant(100), 100, 100}, {Constant(99), 100, 0},
		{Constant(0), 20, 0}, {Constant(1000), 20, 1000}, {Constant(250), 12.5, 250},
		{Constant(1), 0.1, 0.9},                        // Python: (1 // 0.1) * 0.1, not 1
		{TruncatedExponential(100, 300, 200), 20, 200}, // min >= max returns max, no draw
	} {
		if got := c.spec.Sample(r, c.dt); got != c.want {
			t.Errorf("%v at dt %v: %v, want %v", c.spec, c.dt, got, c.want)
		}
	}
	if r.Uint32() != 2357136044 {
		t.Error("constant specs must not draw")
	}
}

func TestTimingSampleDistributions(t *testing.T) {
	r := NewRandomState(1)
	counts := map[float64]int{}
	for i := 0; i < 3000; i++ {
		counts[Choice(100, 200, 300).Sample(r, 20)]++
	}
	for _, v := range []float64{100, 200, 300} {
		if c := counts[v]; c < 850 || c > 1150 {
			t.Errorf("choice %v picked %d of 3000 times", v, c)
		}
	}
	for i := 0; i < 2000; i++ {
		d := UniformTiming(100, 300).Sample(r, 20)
		if d < 100 || d >= 300 || math.Mod(d, 20) != 0 {
			t.Fatalf("uniform [100,300) at dt 20 gave %v", d)
		}
		d = TruncatedExponential(100, 50, 300).Sample(r, 10)
		if d < 50 || d >= 300 || math.Mod(d, 10) != 0 {
			t.Fatalf("truncated exponential gave %v", d)
		}
	}
	// Draw order: list/choice = one bounded integer; uniform = one double.
	a, b := NewRandomState(5), NewRandomState(5)
	Choice(1, 2, 3, 4).Sample(a, 1)
	b.RandInt(4)
	UniformTiming(0, 1000).Sample(a, 1)
	b.Float64()
	if a.Uint32() != b.Uint32() {
		t.Error("timing specs consume a different number of draws than NeuroGym")
	}
}

func TestTimingJSON(t *testing.T) {
	for _, c := range []struct {
		in   string
		want TimingSpec
		out  string
	}{
		{`300`, Constant(300), `300`},
		{`[100, 200]`, TimingSpec{TimingList, []float64{100, 200}}, `[100,200]`},
		{`["choice", [100, 200]]`, Choice(100, 200), `["choice",[100,200]]`},
		{`["uniform", [10, 20]]`, UniformTiming(10, 20), `["uniform",[10,20]]`},
		{`["constant", 50]`, Constant(50), `50`},
		{`["truncated_exponential", [100, 50, 300]]`, TruncatedExponential(100, 50, 300), `["truncated_exponential",[100,50,300]]`},
		{`["truncated_exponential", [100]]`, TruncatedExponential(100, 0, math.Inf(1)), `["truncated_exponential",[100,0]]`},
	} {
		var s TimingSpec
		if err := json.Unmarshal([]byte(c.in), &s); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if s.Kind != c.want.Kind || len(s.Values) != len(c.want.Values) {
			t.Errorf("%s: got %v, want %v", c.in, s, c.want)
			continue
		}
		for i := range s.Values {
			if s.Values[i] != c.want.Values[i] {
				t.Errorf("%s: got %v, want %v", c.in, s, c.want)
			}
		}
		b, err := json.Marshal(s)
		if err != nil || string(b) != c.out {
			t.Errorf("%s: marshal %s (%v), want %s", c.in, b, err, c.out)
		}
	}
	for _, bad := range []struct{ in, want string }{
		{`[]`, "empty"}, {`"x"`, "want a number"}, {`["gauss", [1, 2]]`, `unknown kind "gauss"`},
		{`["uniform", [1]]`, "[lo, hi]"}, {`["uniform", [5, 1]]`, "lo must be <= hi"},
		{`["choice", []]`, "at least 1"}, {`["choice", 5]`, "list of numbers"},
		{`["constant", [5]]`, "constant needs a number"}, {`-5`, ">= 0"}, {`[100, "a"]`, "not a number"},
		{`["truncated_exponential", [0, 1, 2]]`, "mean"}, {`["truncated_exponential", [1, 2, 3, 4]]`, "[mean, min, max]"},
		{`["uniform", [1, 2], 3]`, "[kind, args]"}, {`{}`, "want a number"},
	} {
		var s TimingSpec
		err := json.Unmarshal([]byte(bad.in), &s)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v, want one mentioning %q", bad.in, err, bad.want)
		}
	}
}
