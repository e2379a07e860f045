package data

import (
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// TestNumPyTrig compares NumPyCos and NumPySin bit for bit with np.cos and
// np.sin of NumPy 1.24 on an AVX-512 machine (testdata/numpy_trig.bin,
// written by testdata/gen_numpy_trig.py) on their main path; beyond it (sin
// for |x| > 2^24) they fall back to math.Sin, within 4 ulp of NumPy.
func TestNumPyTrig(t *testing.T) {
	b, err := os.ReadFile("testdata/numpy_trig.bin")
	if err != nil {
		t.Fatal(err)
	}
	n := len(b) / 24
	val := func(block, i int) float64 {
		return math.Float64frombits(binary.LittleEndian.Uint64(b[8*(block*n+i):]))
	}
	libmDiffers := 0
	for i := 0; i < n; i++ {
		x, c, s := val(0, i), val(1, i), val(2, i)
		if got := NumPyCos(x); math.Float64bits(got) != math.Float64bits(c) {
			t.Errorf("NumPyCos(%v) = %v, NumPy %v", x, got, c)
		}
		got := NumPySin(x)
		if math.Abs(x) > 0x1p24 {
			if d := math.Abs(got - s); d > 4*ulp(s) {
				t.Errorf("NumPySin(%v) = %v (fallback), NumPy %v: more than 4 ulp apart", x, got, s)
			}
		} else if math.Float64bits(got) != math.Float64bits(s) {
			t.Errorf("NumPySin(%v) = %v, NumPy %v", x, got, s)
		}
		if math.Cos(x) != c {
			libmDiffers++
		}
	}
	// The fixture must tell SVML from a correctly rounded cos.
	if libmDiffers < n/4 {
		t.Errorf("math.Cos agrees with the fixture on %d of %d values: not an SVML fixture?", n-libmDiffers, n)
	}
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}

// TestNumPyTrigSpecial pins the cases that show in the tasks' noise-free
// observations (values printed by NumPy 1.24 with SVML) and the edges.
func TestNumPyTrigSpecial(t *testing.T) {
	for _, c := range []struct{ x, cos, sin float64 }{
		{-3.1415926535897927, -0.9999999999999999, -5.66553889764798e-16}, // theta_1 - (theta_2 + pi) mod 2 pi, dim_ring 3
		{math.Pi, -1, 1.2246467991473532e-16},
		{math.Pi / 2, 6.123233995736766e-17, 1},
		{0.5, 0.8775825618903725, 0.47942553860420295}, // libm: 0.8775825618903728, 0.479425538604203
		{0, 1, 0},
		{0x1p-28, 1, 0x1p-28},
	} {
		if got := NumPyCos(c.x); got != c.cos {
			t.Errorf("NumPyCos(%v) = %v, want %v", c.x, got, c.cos)
		}
		if got := NumPySin(c.x); got != c.sin {
			t.Errorf("NumPySin(%v) = %v, want %v", c.x, got, c.sin)
		}
	}
	if s := NumPySin(math.Copysign(0, -1)); s != 0 || !math.Signbit(s) {
		t.Errorf("NumPySin(-0) = %v, want -0", s)
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if !math.IsNaN(NumPyCos(x)) || !math.IsNaN(NumPySin(x)) {
			t.Errorf("cos/sin(%v) must be NaN", x)
		}
	}
}
