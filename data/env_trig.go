package data

import "math"

// NumPy's float64 np.cos and np.sin are not the C library's on x86-64
// machines with AVX-512 (AVX512_SKX): NumPy 1.22 and later (the reference
// NumPy 1.24 included) call Intel's SVML there, whose low-accuracy
// (< 4 ulp) kernels __svml_cos8 and __svml_sin8 differ from a correctly
// rounded result in more than half of all arguments, by up to 3 ulp; e.g.
// np.cos(-3.1415926535897927) is -0.9999999999999999, not -1. That shows in
// trial observations built from exact ring angles without noise (a ring
// channel at cos = -1 gets 5.6e-17 instead of 0). NumPyCos and NumPySin
// reproduce those kernels' main path operation for operation (the same
// constants, fused multiply-adds and rounding), so that tasks compute the
// values NumPy computes on the machine the oracle fixtures come from. On
// machines without AVX-512 NumPy uses the C library instead, whose results
// are correctly rounded in almost all cases (as Go's math.Cos mostly is).
//
// Algorithm (SVML, numpy/SVML linux/avx512/svml_z0_{cos,sin}_d_la.s):
// sin: x = N pi + R with N = rint(x/pi) (the product fused with a 1.5*2^52
// shifter), R = x - N (pi1 + pi2 + pi3) by three fused steps; sin x =
// (-1)^N (R + R r2 P(r2)) with r2 from the first two steps and P a degree-6
// polynomial. cos: |x| + pi/2 = N pi + R in the same way, with M =
// floor(|x|/pi) from a fused multiply-add rounded toward zero and
// R' = (M + 1/2) pi - |x|; cos x = (-1)^M sin R'. Arguments beyond the main
// path (|x| >= 8388607 pi for cos, |x| > 2^24 for sin, Inf and NaN) take
// SVML's long reduction, which is not reproduced: there these functions
// return math.Cos and math.Sin (equal to NumPy within a few ulp; no task
// uses such angles).

// SVML's constants (bit patterns from __svml_d{cos,sin}_data_internal).
const (
	svmlInvPi = 0x1.45f306dc9c883p-2  // 1/pi
	svmlPi1   = 0x1.921fb54442d18p1   // pi, first part
	svmlPi2   = 0x1.1a62633145c06p-53 // pi, second part
	svmlPi3   = 0x1.c1cd129024e09p-106

	svmlCosC1 = -0x1.55555555554a7p-3 // sin polynomial of __svml_cos8
	svmlCosC2 = 0x1.111111110a4a8p-7
	svmlCosC3 = -0x1.a01a019a5b87bp-13
	svmlCosC4 = 0x1.71de38030fea0p-19
	svmlCosC5 = -0x1.ae63546002231p-26
	svmlCosC6 = 0x1.60e6857a2f220p-33
	svmlCosC7 = -0x1.9f0d60811aac8p-41

	svmlSinC1 = -0x1.55555555554a8p-3 // sin polynomial of __svml_sin8
	svmlSinC2 = 0x1.111111110a573p-7
	svmlSinC3 = -0x1.a01a019a659ddp-13
	svmlSinC4 = 0x1.71de3806add1ap-19
	svmlSinC5 = -0x1.ae6355aaa4a53p-26
	svmlSinC6 = 0x1.60e6bee01d83ep-33
	svmlSinC7 = -0x1.9f1517e9f65f0p-41
)

// NumPyCos returns np.cos(x) for a float64 x as NumPy computes it on x86-64
// with AVX-512 (SVML's __svml_cos8; see the comment above for the algorithm
// and the arguments where it falls back to math.Cos).
func NumPyCos(x float64) float64 {
	ax := math.Abs(x)
	if ax < 0x1p-27 {
		return 1
	}
	// M = floor(ax/pi) of the exact product, as the fused multiply-add
	// ax*(1/pi) + 2^52 rounded toward zero gives it.
	p := ax * svmlInvPi
	if !(p < 0x1p23) { // long reduction (also Inf and NaN)
		return math.Cos(x)
	}
	m := math.Floor(p)
	if m == p && math.FMA(ax, svmlInvPi, -p) < 0 {
		m--
	}
	if m > 8388606 {
		return math.Cos(x)
	}
	h := m + 0.5
	r := math.FMA(h, svmlPi1, -ax)
	r = math.FMA(h, svmlPi2, r)
	r2 := r * r
	r = math.FMA(svmlPi3, h, r)
	if int64(m)&1 == 1 {
		r = -r
	}
	q := math.FMA(svmlCosC7, r2, svmlCosC6)
	q = math.FMA(r2, q, svmlCosC5)
	q = math.FMA(r2, q, svmlCosC4)
	q = math.FMA(r2, q, svmlCosC3)
	q = math.FMA(r2, q, svmlCosC2)
	q = math.FMA(r2, q, svmlCosC1)
	return math.FMA(r*r2, q, r)
}

// NumPySin returns np.sin(x) for a float64 x as NumPy computes it on x86-64
// with AVX-512 (SVML's __svml_sin8; see the comment above for the algorithm
// and the arguments where it falls back to math.Sin).
func NumPySin(x float64) float64 {
	if !(math.Abs(x) <= 0x1p24) { // long reduction (also Inf and NaN)
		return math.Sin(x)
	}
	const shifter = 0x1.8p52
	s := math.FMA(x, svmlInvPi, shifter)
	n := s - shifter
	sign := (math.Float64bits(s) & 1) << 63
	if x == 0 {
		sign = math.Float64bits(x) // sin(+-0) = +-0
	}
	r := math.FMA(-n, svmlPi1, x)
	r = math.FMA(-n, svmlPi2, r)
	r2 := r * r
	r = math.FMA(-n, svmlPi3, r)
	q := math.FMA(svmlSinC7, r2, svmlSinC6)
	q = math.FMA(r2, q, svmlSinC5)
	q = math.FMA(r2, q, svmlSinC4)
	q = math.FMA(r2, q, svmlSinC3)
	q = math.FMA(r2, q, svmlSinC2)
	q = math.FMA(r2, q, svmlSinC1)
	return math.Float64frombits(math.Float64bits(math.FMA(r*r2, q, r)) ^ sign)
}
