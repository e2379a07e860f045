package tasks

import "math"

// numpyExp returns np.exp(x) for a float64 x bit for bit as the NumPy of the
// oracle computes it, for |x| < 707.7 (every argument of the yang19 bumps
// lies in [-32, 0]).
//
// NumPy does not call the C library's exp for float64 arrays: from NumPy
// 1.23 on, on an x86-64 CPU with AVX512_SKX, it calls Intel's SVML kernel
// __svml_exp8 (numpy/SVML, linux/avx512/svml_z0_exp_d_la.s, the
// low-accuracy variant that NumPy 1.23-1.26 link; NumPy 2 links the
// high-accuracy one, and CPUs without AVX512_SKX get the C library's exp).
// The oracle runs Debian's NumPy 1.24 on such a CPU; fixtures made with
// another NumPy or CPU would need another exp. The kernel is not correctly
// rounded: on arguments in [-60, 0] it differs in the last bit from glibc's
// exp for about a quarter of them, and from Go's math.Exp for about as many
// (31% of the exponents the yang19 bumps use). A bump
// 0.8*exp(-d^2/2)*strength off by one unit in the last place of float64
// changes its float32 observation only rarely (testdata/oracle's
// yang19.dlydm1_expflip case is one), but trials must be NumPy's bit for
// bit, so this function repeats the kernel's operations, with its rounding
// modes and fused multiply-adds:
//
//	N  = x*log2(e) rounded toward -Inf to a multiple of 1/16 (the kernel adds
//	     a shifter 1.5*2^48+1023 in round-toward-zero mode), j = 16*N mod 16
//	r  = (x - N*ln2hi) - N*ln2lo                       (two FMAs)
//	p  = ((c6 r + c5) r^2 + c4 r + c3) r^3 + c2 r^2 + r  (FMAs, r^2 and r^3 rounded)
//	exp(x) = 2^floor(N) * (T[j]*p + T[j]),  T[j] = 2^(j/16) rounded
//
// Outside |x| < 707.7 the kernel calls a scalar routine; there this
// function returns math.Exp(x), which may differ from NumPy in the last bit.
// yang19_exp_test.go checks it against NumPy's values.
func numpyExp(x float64) float64 {
	const (
		log2e     = 0x1.71547652b82fep+0
		ln2Hi     = 0x1.62e42fefa39efp-1
		ln2Lo     = 0x1.abc9e3b39803fp-56
		c2        = 0x1.0000000002622p-1
		c3        = 0x1.5555554b508a2p-3
		c4        = 0x1.555564bb4f5f0p-5
		c5        = 0x1.1106603d97c00p-7
		c6        = 0x1.72eb5ef0d213dp-10
		threshold = 0x1.61da04cbafe44p+9 // 707.7: the kernel's limit for its fast path
	)
	if !(math.Abs(x) < threshold) {
		return math.Exp(x)
	}
	// N = floor(x*log2e*16)/16 of the exact product ph + pl: ph rounds
	// monotonically, so only a product that rounded onto the grid from
	// below (pl < 0) lies one step lower.
	ph := float64(x * log2e) // float64(): no FMA fusion, the product is rounded
	pl := math.FMA(x, log2e, -ph)
	n16 := math.Floor(ph * 16)
	if n16 == ph*16 && pl < 0 {
		n16--
	}
	n := n16 / 16
	j := int64(n16) & 15
	r := math.FMA(-n, ln2Hi, x)
	r = math.FMA(-n, ln2Lo, r)
	r2 := float64(r * r)
	p56 := math.FMA(r, c6, c5)
	p34 := math.FMA(r, c4, c3)
	r3 := float64(r2 * r)
	p12 := math.FMA(r2, c2, r)
	p := math.FMA(r2, p56, p34)
	p = math.FMA(r3, p, p12)
	t := exp2By16[j]
	return math.Ldexp(math.FMA(t, p, t), int(math.Floor(n)))
}

// exp2By16[j] is 2^(j/16) rounded to the nearest float64, the kernel's table
// (TestExp2By16Table rederives it with math/big).
var exp2By16 = [16]float64{
	0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
	0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
	0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
	0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0,
}
