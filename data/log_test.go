package data

import (
	"math"
	"math/big"
	"testing"
)

const bigPrec = 300

// bigLog returns log(y) for y > 0 to bigPrec bits: log(y) = 2 atanh((y-1)/(y+1)),
// after scaling y by powers of 2 into [0.5, 2).
func bigLog(x float64) *big.Float {
	fr, e := math.Frexp(x)
	y := new(big.Float).SetPrec(bigPrec).SetFloat64(fr)
	one := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	s := new(big.Float).SetPrec(bigPrec).Quo(
		new(big.Float).SetPrec(bigPrec).Sub(y, one),
		new(big.Float).SetPrec(bigPrec).Add(y, one))
	s2 := new(big.Float).SetPrec(bigPrec).Mul(s, s)
	sum := new(big.Float).SetPrec(bigPrec)
	term := new(big.Float).SetPrec(bigPrec).Set(s)
	eps := new(big.Float).SetMantExp(one, -bigPrec-8)
	for j := int64(0); ; j++ {
		t := new(big.Float).SetPrec(bigPrec).Quo(term, new(big.Float).SetPrec(bigPrec).SetInt64(2*j+1))
		sum.Add(sum, t)
		if new(big.Float).Abs(t).Cmp(eps) < 0 {
			break
		}
		term.Mul(term, s2)
	}
	sum.Mul(sum, new(big.Float).SetPrec(bigPrec).SetInt64(2))
	if e != 0 {
		ln2 := bigLn2()
		sum.Add(sum, ln2.Mul(ln2, new(big.Float).SetPrec(bigPrec).SetInt64(int64(e))))
	}
	return sum
}

func bigLn2() *big.Float {
	// log(2) = 2 atanh(1/3)
	one := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	s := new(big.Float).SetPrec(bigPrec).Quo(one, new(big.Float).SetPrec(bigPrec).SetInt64(3))
	s2 := new(big.Float).SetPrec(bigPrec).Mul(s, s)
	sum := new(big.Float).SetPrec(bigPrec)
	term := new(big.Float).SetPrec(bigPrec).Set(s)
	eps := new(big.Float).SetMantExp(one, -bigPrec-8)
	for j := int64(0); ; j++ {
		t := new(big.Float).SetPrec(bigPrec).Quo(term, new(big.Float).SetPrec(bigPrec).SetInt64(2*j+1))
		sum.Add(sum, t)
		if t.Cmp(eps) < 0 {
			break
		}
		term.Mul(term, s2)
	}
	return sum.Mul(sum, new(big.Float).SetPrec(bigPrec).SetInt64(2))
}

func toDD(x *big.Float) (hi, lo float64) {
	hi, _ = x.Float64()
	lo, _ = new(big.Float).SetPrec(bigPrec).Sub(x, new(big.Float).SetFloat64(hi)).Float64()
	return hi, lo
}

// TestLogTable regenerates logTable and ln2 with math/big.
func TestLogTable(t *testing.T) {
	const off = 0x3FE6000000000000
	for i := range logTable {
		c := math.Float64frombits(off + uint64(i)<<44 + 1<<43)
		invc := 1 / c
		if i == 159 || i == 160 {
			invc = 1
		}
		l := bigLog(invc)
		hi, lo := toDD(l.Neg(l))
		if e := logTable[i]; e.invc != invc || e.logcHi != hi || e.logcLo != lo {
			t.Fatalf("logTable[%d] = %v, want {%x %x %x}", i, e, invc, hi, lo)
		}
	}
	if hi, lo := toDD(bigLn2()); hi != ln2Hi || lo != ln2Lo {
		t.Errorf("ln2 = %x + %x, want %x + %x", ln2Hi, ln2Lo, hi, lo)
	}
}

// TestLogRN: logRN is correctly rounded on arguments like the samplers' (r2
// in (0, 1), 1-u) and on special points; math.Log is not, in a few percent
// of cases.
func TestLogRN(t *testing.T) {
	r := NewRandomState(2024)
	xs := []float64{1, 0.5, 2, math.Nextafter(1, 0), math.Nextafter(1, 2), 0.6875, 1.375, 1e-300, 1e300, math.SmallestNonzeroFloat64 * (1 << 60)}
	for i := 0; i < 1000; i++ {
		xs = append(xs, r.Float64()+0x1p-60, 1-r.Float64(), 1+(r.Float64()-0.5)*0x1p-6)
	}
	wrong, mathWrong := 0, 0
	for _, x := range xs {
		want, _ := bigLog(x).Float64()
		if got := logRN(x); got != want {
			wrong++
			t.Errorf("logRN(%v) = %v, want %v", x, got, want)
		}
		if math.Log(x) != want {
			mathWrong++
		}
	}
	t.Logf("%d arguments: logRN wrong %d, math.Log wrong %d", len(xs), wrong, mathWrong)
	if logRN(0) != math.Inf(-1) || !math.IsNaN(logRN(-1)) {
		t.Error("logRN special values")
	}
}

func BenchmarkLogRN(b *testing.B) {
	x, s := 0.3, 0.0
	for i := 0; i < b.N; i++ {
		s += logRN(x)
		x += 1e-9
	}
	_ = s
}

func BenchmarkMathLog(b *testing.B) {
	x, s := 0.3, 0.0
	for i := 0; i < b.N; i++ {
		s += math.Log(x)
		x += 1e-9
	}
	_ = s
}
