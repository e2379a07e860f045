package tasks

import (
	"encoding/json"
	"math"
	"math/big"
	"os"
	"strconv"
	"testing"
)

// TestNumpyExp compares numpyExp with NumPy's np.exp bit for bit on every
// exponent of the yang19 bumps for dim_ring 2..40 and on random arguments
// (testdata/yang19_exp.json, made by testdata/yang19_exp.py with the NumPy
// of the oracle), and checks that the fixture is not one math.Exp would
// pass as well.
func TestNumpyExp(t *testing.T) {
	b, err := os.ReadFile("testdata/yang19_exp.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		NumPy  string   `json:"numpy"`
		SIMD   []string `json:"simd"`
		X, Exp []string
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.X) != len(f.Exp) || len(f.X) < 1000 {
		t.Fatalf("fixture has %d arguments and %d values", len(f.X), len(f.Exp))
	}
	bits := func(s string) float64 {
		u, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		return math.Float64frombits(u)
	}
	bad, goDiffers := 0, 0
	for i := range f.X {
		x, want := bits(f.X[i]), bits(f.Exp[i])
		if got := numpyExp(x); math.Float64bits(got) != math.Float64bits(want) {
			if bad < 5 {
				t.Errorf("numpyExp(%v) = %v (%016x), NumPy %s gives %v (%016x)", x, got, math.Float64bits(got), f.NumPy, want, math.Float64bits(want))
			}
			bad++
		}
		if math.Exp(x) != want {
			goDiffers++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d values differ", bad, len(f.X))
	}
	if goDiffers < len(f.X)/10 {
		t.Errorf("math.Exp differs from NumPy on only %d of %d arguments: the fixture does not pin the SVML kernel", goDiffers, len(f.X))
	}
}

// TestNumpyExpSpecial: outside the kernel's fast path numpyExp falls back
// to math.Exp (overflow, underflow, NaN).
func TestNumpyExpSpecial(t *testing.T) {
	if v := numpyExp(800); !math.IsInf(v, 1) {
		t.Errorf("numpyExp(800) = %v, want +Inf", v)
	}
	if v := numpyExp(-800); v != 0 {
		t.Errorf("numpyExp(-800) = %v, want 0", v)
	}
	if v := numpyExp(math.NaN()); !math.IsNaN(v) {
		t.Errorf("numpyExp(NaN) = %v", v)
	}
	if v := numpyExp(0); v != 1 {
		t.Errorf("numpyExp(0) = %v, want 1", v)
	}
}

// TestExp2By16Table rederives the kernel's table: 2^(j/16) = sqrt^4(2^j)
// computed with 200-bit floats and rounded to float64.
func TestExp2By16Table(t *testing.T) {
	for j, got := range exp2By16 {
		v := new(big.Float).SetPrec(200).SetMantExp(big.NewFloat(1).SetPrec(200), j)
		for range 4 {
			v.Sqrt(v)
		}
		want, _ := v.Float64()
		if got != want {
			t.Errorf("exp2By16[%d] = %x, want %x", j, got, want)
		}
	}
}
