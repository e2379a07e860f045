package data

import (
	"math"
	"testing"
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
