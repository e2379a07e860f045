// Command asmgen writes the amd64 assembly kernels of package model with
// avo (github.com/mmcloughlin/avo): model/kernels_amd64.s and the Go
// declarations in model/kernels_amd64_decl.go. It is run by go generate in
// package model (see model/kernels_amd64.go):
//
//	go run -C internal/asmgen . -out ../../kernels_amd64.s -stubs ../../kernels_amd64_decl.go -pkg model
//
// It is a module of its own so that avo is not a dependency of taskrnn.
//
// The kernels:
//
//   - gemm8x32AVX512 and gemm6x16AVX2: register-blocked micro-kernels of a
//     float32 matrix product, C[mr×nr] (+)= A[mr×k]·B[k×nr], with A read
//     through any row and column strides (packed panels, row-major or
//     transposed matrices) and B through a row stride (a packed panel or a
//     row-major matrix). C stays in registers while k runs: 16 ZMM
//     accumulators for the 8×32 AVX-512 tile, 12 YMM for the 6×16 AVX2+FMA
//     tile (the BLIS/GotoBLAS micro-kernel; see Van Zee and van de Geijn,
//     "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015).
//     Every element of C is one chain of fused multiply-adds over l = 0..k-1
//     in order, starting from C (or 0), so both kernels give the same bits.
//   - element-wise passes of the fused RNN step (AVX2+FMA, 8 floats at a
//     time; the callers finish the last n mod 8 elements in Go).
//   - exp(x - m) element-wise in float32 (Cephes' expf: range reduction by
//     ln 2 in two parts, a degree-5 polynomial), for the softmax of the
//     cross-entropy, each operation rounded as in model's Go expf32.
//   - one reseeding epoch of the chacha8rand generator (C2SP chacha8rand,
//     as math/rand/v2.ChaCha8 computes it) with its 16 ChaCha8 blocks in
//     the 16 lanes of AVX-512 registers, for the network noise.
//   - the fast path of the ziggurat normal generator (model/noise.go) on 16
//     (AVX-512) or 8 (AVX2) words at a time, with gathers from the layer
//     tables; it returns which values need the slow path, which stays in Go.
package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("amd64,!purego")
	gemmKernel("gemm8x32AVX512", 8, 2, 64, func(i int) VecPhysical { return zmm(i) })
	gemmKernel("gemm6x16AVX2", 6, 2, 32, func(i int) VecPhysical { return ymm(i) })
	stepReLU()
	scaleMul()
	axpby()
	dot4()
	copyRows()
	zigAVX512()
	zigAVX2()
	chacha8AVX512()
	expShift()
	Generate()
}

var zmms = []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
	Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31}

var ymms = []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}

func zmm(i int) VecPhysical { return zmms[i] }
func ymm(i int) VecPhysical { return ymms[i] }

// gemmKernel writes a micro-kernel for an mr × (nv·w) tile of C, w floats
// per vector of vbytes bytes, vec(i) the i-th vector register. Registers:
// B row in vec(0..nv-1), broadcasts in the next mr registers (AVX-512) or
// in two alternating ones (AVX2), accumulators in the last mr·nv.
//
// Rows of A are addressed as a0 + {0, 1, 2, 3}·rs and a4 + {0, 1, 2, 3}·rs
// with a4 = a0 + 4·rs, so any row stride rs works with two base registers.
func gemmKernel(name string, mr, nv, vbytes int, vec func(int) VecPhysical) {
	TEXT(name, NOSPLIT, "func(k int, a *float32, rsA, csA int, b *float32, ldb int, c *float32, ldc int, accumulate int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes C (+)= A·B for a %d×%d tile of C: C[i*ldc+j] for i < %d, j < %d,", name, mr, nv*vbytes/4, mr, nv*vbytes/4),
		"A[i][l] = a[i*rsA+l*csA], B[l][j] = b[l*ldb+j], l < k; strides in elements.",
		"C starts from its value if accumulate != 0, else from 0. k may be 0.")
	k, a0, a4, rs, rs3, cs := RCX, RSI, RDI, R8, R9, R10
	bp, ldb, cp, ldc, tmp, row := RBX, R11, RDX, R12, R13, RAX
	Load(Param("k"), k)
	Load(Param("a"), a0)
	Load(Param("rsA"), rs)
	SHLQ(U8(2), rs)
	Load(Param("csA"), cs)
	SHLQ(U8(2), cs)
	Load(Param("b"), bp)
	Load(Param("ldb"), ldb)
	SHLQ(U8(2), ldb)
	Load(Param("c"), cp)
	Load(Param("ldc"), ldc)
	SHLQ(U8(2), ldc)
	LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3) // 3·rs
	LEAQ(Mem{Base: a0, Index: rs, Scale: 4}, a4)  // a0 + 4·rs

	nacc := mr * nv
	accBase := 32
	if vbytes == 32 {
		accBase = 16
	}
	acc := func(i, v int) VecPhysical { return vec(accBase - nacc + i*nv + v) }

	// Accumulators: C or 0.
	Load(Param("accumulate"), tmp)
	TESTQ(tmp, tmp)
	JZ(LabelRef(name + "_zero"))
	MOVQ(cp, row)
	for i := range mr {
		for v := range nv {
			VMOVUPS(Mem{Base: row, Disp: v * vbytes}, acc(i, v))
		}
		if i < mr-1 {
			ADDQ(ldc, row)
		}
	}
	JMP(LabelRef(name + "_loop0"))
	Label(name + "_zero")
	for i := range mr {
		for v := range nv {
			if vbytes == 64 {
				VPXORD(acc(i, v), acc(i, v), acc(i, v)) // VXORPS on ZMM needs AVX512DQ
			} else {
				VXORPS(acc(i, v), acc(i, v), acc(i, v))
			}
		}
	}

	Label(name + "_loop0")
	TESTQ(k, k)
	JZ(LabelRef(name + "_store"))
	Label(name + "_loop")
	for v := range nv {
		VMOVUPS(Mem{Base: bp, Disp: v * vbytes}, vec(v))
	}
	rowAddr := func(i int) Mem {
		base := a0
		if i >= 4 {
			base = a4
		}
		switch i % 4 {
		case 0:
			return Mem{Base: base}
		case 1:
			return Mem{Base: base, Index: rs, Scale: 1}
		case 2:
			return Mem{Base: base, Index: rs, Scale: 2}
		}
		return Mem{Base: base, Index: rs3, Scale: 1}
	}
	for i := range mr {
		var bc VecPhysical
		if vbytes == 64 {
			bc = vec(nv + i)
		} else {
			bc = vec(nv + i%2)
		}
		VBROADCASTSS(rowAddr(i), bc)
		for v := range nv {
			VFMADD231PS(vec(v), bc, acc(i, v))
		}
	}
	ADDQ(cs, a0)
	ADDQ(cs, a4)
	ADDQ(ldb, bp)
	DECQ(k)
	JNZ(LabelRef(name + "_loop"))

	Label(name + "_store")
	MOVQ(cp, row)
	for i := range mr {
		for v := range nv {
			VMOVUPS(acc(i, v), Mem{Base: row, Disp: v * vbytes})
		}
		if i < mr-1 {
			ADDQ(ldc, row)
		}
	}
	VZEROUPPER()
	RET()
}

// elementwise loads n and the named pointers, runs body on 8 floats at a
// time (offset off bytes) and advances; n mod 8 elements are left to the caller.
func elementwise(n GPPhysical, ptrs []GPPhysical, body func()) {
	SHRQ(U8(3), n)
	JZ(LabelRef("done"))
	Label("loop")
	body()
	for _, p := range ptrs {
		ADDQ(U8(32), p)
	}
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// broadcastParam loads the float32 parameter name into all lanes of y.
func broadcastParam(name string, y VecPhysical) {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSS(b.Addr, y)
}

// stepReLU: h = oma·hPrev + a·relu(pre) + c·noise and d = [pre > 0] (1 or 0).
// relu(x) = max(0, x) with NaN passed through (so a diverging run shows NaN).
func stepReLU() {
	TEXT("stepReLUAVX2", NOSPLIT, "func(n int, pre, hPrev, noise, h, d *float32, oma, a, c float32)")
	Pragma("noescape")
	Doc("stepReLUAVX2 computes, for i < n rounded down to a multiple of 8,",
		"h[i] = oma*hPrev[i] + a*max(0, pre[i]) + c*noise[i] (two fused multiply-adds",
		"after the product oma*hPrev[i]) and d[i] = 1 if pre[i] > 0, else 0.",
		"max(0, NaN) is NaN.")
	n, pre, hp, nz, h, d := RCX, RSI, RDI, R8, R9, R10
	Load(Param("n"), n)
	Load(Param("pre"), pre)
	Load(Param("hPrev"), hp)
	Load(Param("noise"), nz)
	Load(Param("h"), h)
	Load(Param("d"), d)
	broadcastParam("oma", Y13)
	broadcastParam("a", Y14)
	broadcastParam("c", Y15)
	VXORPS(Y12, Y12, Y12)
	MOVQ(U32(0x3f800000), RAX) // 1.0
	MOVQ(RAX, X11)
	VBROADCASTSS(X11, Y11)
	elementwise(n, []GPPhysical{pre, hp, nz, h, d}, func() {
		VMOVUPS(Mem{Base: pre}, Y0)
		VMAXPS(Y0, Y12, Y1)                 // Intel maxps(0, pre): pre if either is NaN
		VCMPPS(U8(0x0e), Y12, Y0, Y2)       // pre > 0 (GT_OS)
		VANDPS(Y11, Y2, Y2)                 // 1 or 0
		VMULPS(Mem{Base: hp}, Y13, Y3)      // oma·hPrev
		VFMADD231PS(Y1, Y14, Y3)            // + a·relu
		VFMADD231PS(Mem{Base: nz}, Y15, Y3) // + c·noise
		VMOVUPS(Y3, Mem{Base: h})
		VMOVUPS(Y2, Mem{Base: d})
	})
}

// scaleMul: p = (a·x)·d, the gradient through the activation (a parameter
// may not be called g, the name of a register in Go's assembler).
func scaleMul() {
	TEXT("scaleMulAVX2", NOSPLIT, "func(n int, x, d, p *float32, a float32)")
	Pragma("noescape")
	Doc("scaleMulAVX2 computes p[i] = (a*x[i])*d[i] for i < n rounded down to a multiple of 8.")
	n, g, d, p := RCX, RSI, RDI, R8
	Load(Param("n"), n)
	Load(Param("x"), g)
	Load(Param("d"), d)
	Load(Param("p"), p)
	broadcastParam("a", Y15)
	elementwise(n, []GPPhysical{g, d, p}, func() {
		VMULPS(Mem{Base: g}, Y15, Y0)
		VMULPS(Mem{Base: d}, Y0, Y0)
		VMOVUPS(Y0, Mem{Base: p})
	})
}

// axpby: out = a·x + y (one fused multiply-add).
func axpby() {
	TEXT("axpbyAVX2", NOSPLIT, "func(n int, x, y, out *float32, a float32)")
	Pragma("noescape")
	Doc("axpbyAVX2 computes out[i] = a*x[i] + y[i] (fused) for i < n rounded down to a multiple of 8.")
	n, x, y, out := RCX, RSI, RDI, R8
	Load(Param("n"), n)
	Load(Param("x"), x)
	Load(Param("y"), y)
	Load(Param("out"), out)
	broadcastParam("a", Y15)
	elementwise(n, []GPPhysical{x, y, out}, func() {
		VMOVUPS(Mem{Base: y}, Y0)
		VFMADD231PS(Mem{Base: x}, Y15, Y0)
		VMOVUPS(Y0, Mem{Base: out})
	})
}

// dot4: four dot products of x with w0..w3 in one pass over x.
func dot4() {
	TEXT("dot4AVX2", NOSPLIT, "func(n int, x, w0, w1, w2, w3 *float32, out *[4]float32)")
	Pragma("noescape")
	Doc("dot4AVX2 sets out[k] = Σ x[i]*wk[i] over i < n rounded down to a multiple of 8:",
		"eight partial sums per k (fused multiply-adds in order of i), then added pairwise.")
	n, x, w0, w1, w2, w3, out := RCX, RSI, RDI, R8, R9, R10, R11
	Load(Param("n"), n)
	Load(Param("x"), x)
	Load(Param("w0"), w0)
	Load(Param("w1"), w1)
	Load(Param("w2"), w2)
	Load(Param("w3"), w3)
	Load(Param("out"), out)
	ws := []GPPhysical{w0, w1, w2, w3}
	for k := range 4 {
		VXORPS(ymm(k), ymm(k), ymm(k))
	}
	SHRQ(U8(3), n)
	JZ(LabelRef("reduce"))
	Label("loop")
	VMOVUPS(Mem{Base: x}, Y4)
	for k, w := range ws {
		VFMADD231PS(Mem{Base: w}, Y4, ymm(k))
	}
	ADDQ(U8(32), x)
	for _, w := range ws {
		ADDQ(U8(32), w)
	}
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("reduce")
	for k := range 4 {
		y := ymm(k)
		VEXTRACTF128(U8(1), y, X5)
		VADDPS(X5, y.AsX(), X6) // 4 sums
		VHADDPS(X6, X6, X6)
		VHADDPS(X6, X6, X6)
		VMOVSS(X6, Mem{Base: out, Disp: 4 * k})
	}
	VZEROUPPER()
	RET()
}

// zigAVX512: the ziggurat's fast path on 16 words at a time. For word u:
// l = u & 255, j = u >> 9, v = float32(j)·w[l] with the sign bit of u (bit
// 8) moved to bit 31; rejected where j >= k[l] (bit set in rej).
func zigAVX512() {
	TEXT("zigFastAVX512", NOSPLIT, "func(n int, words *uint32, k *uint32, w *float32, dst *float32, rej *uint16)")
	Pragma("noescape")
	Doc("zigFastAVX512 writes the ziggurat's fast-path values of words[i] into dst[i]",
		"for i < n rounded down to a multiple of 16, and in rej[i/16] bit i%16 set",
		"where the value is rejected (dst[i] is then to be replaced).")
	n, wp, kp, tw, dst, rej, tmp := RCX, RSI, R8, R9, RDI, R10, RAX
	Load(Param("n"), n)
	Load(Param("words"), wp)
	Load(Param("k"), kp)
	Load(Param("w"), tw)
	Load(Param("dst"), dst)
	Load(Param("rej"), rej)
	MOVL(U32(255), tmp.As32())
	VPBROADCASTD(tmp.As32(), Z30)
	MOVL(U32(256), tmp.As32())
	VPBROADCASTD(tmp.As32(), Z31)
	SHRQ(U8(4), n)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVDQU32(Mem{Base: wp}, Z0)
	VPANDD(Z30, Z0, Z1)   // layer
	VPSRLD(U8(9), Z0, Z2) // abscissa
	KXNORW(K1, K1, K1)
	VPGATHERDD(Mem{Base: kp, Index: Z1, Scale: 4}, K1, Z3)
	KXNORW(K2, K2, K2)
	VGATHERDPS(Mem{Base: tw, Index: Z1, Scale: 4}, K2, Z4)
	VPCMPUD(U8(5), Z3, Z2, K3) // j >= k[l] (NLT): rejected
	VCVTDQ2PS(Z2, Z5)
	VMULPS(Z4, Z5, Z5)
	VPANDD(Z31, Z0, Z6)
	VPSLLD(U8(23), Z6, Z6)
	VPXORD(Z6, Z5, Z5)
	VMOVUPS(Z5, Mem{Base: dst})
	KMOVW(K3, Mem{Base: rej})
	ADDQ(U8(64), wp)
	ADDQ(U8(64), dst)
	ADDQ(U8(2), rej)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// zigAVX2: zigAVX512 on 8 words at a time, one byte of rej per 8 values.
func zigAVX2() {
	TEXT("zigFastAVX2", NOSPLIT, "func(n int, words *uint32, k *uint32, w *float32, dst *float32, rej *uint8)")
	Pragma("noescape")
	Doc("zigFastAVX2 is zigFastAVX512 on 8 words at a time: n rounded down to a",
		"multiple of 8, rej[i/8] bit i%8 set where the value is rejected.")
	n, wp, kp, tw, dst, rej, tmp := RCX, RSI, R8, R9, RDI, R10, RAX
	Load(Param("n"), n)
	Load(Param("words"), wp)
	Load(Param("k"), kp)
	Load(Param("w"), tw)
	Load(Param("dst"), dst)
	Load(Param("rej"), rej)
	MOVQ(U32(255), tmp)
	MOVQ(tmp, X14)
	VPBROADCASTD(X14, Y14)
	MOVQ(U32(256), tmp)
	MOVQ(tmp, X15)
	VPBROADCASTD(X15, Y15)
	SHRQ(U8(3), n)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVDQU(Mem{Base: wp}, Y0)
	VPAND(Y14, Y0, Y1)
	VPSRLD(U8(9), Y0, Y2)
	VPCMPEQD(Y7, Y7, Y7)
	VPGATHERDD(Y7, Mem{Base: kp, Index: Y1, Scale: 4}, Y3)
	VPCMPEQD(Y8, Y8, Y8)
	VGATHERDPS(Y8, Mem{Base: tw, Index: Y1, Scale: 4}, Y4)
	VPCMPGTD(Y2, Y3, Y5) // k[l] > j: accepted
	VCVTDQ2PS(Y2, Y6)
	VMULPS(Y4, Y6, Y6)
	VPAND(Y15, Y0, Y9)
	VPSLLD(U8(23), Y9, Y9)
	VPXOR(Y9, Y6, Y6)
	VMOVUPS(Y6, Mem{Base: dst})
	VMOVMSKPS(Y5, tmp.As32())
	XORL(U32(255), tmp.As32())
	MOVB(tmp.As8(), Mem{Base: rej})
	ADDQ(U8(32), wp)
	ADDQ(U8(32), dst)
	ADDQ(U8(1), rej)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// chacha8AVX512: the 16 ChaCha8 blocks of one chacha8rand seed (counters
// 0..15), lane i of register w holding word w of block i, written in
// chacha8rand's order: 4 chunks of 32 uint64 (blocks 4c..4c+3), each chunk
// word-major (word w of its 4 blocks at uint32 offset 4w). Like
// chacha8rand, the feed-forward adds the key to words 4..11 only.
func chacha8AVX512() {
	iota16 := GLOBL("chachaIota", RODATA|NOPTR)
	for i := range 16 {
		DATA(4*i, U32(uint32(i)))
	}
	TEXT("chacha8EpochAVX512", NOSPLIT, "func(seed *[4]uint64, out *[128]uint64)")
	Pragma("noescape")
	Doc("chacha8EpochAVX512 writes the 4 chunks of 32 uint64 that chacha8rand",
		"(math/rand/v2.ChaCha8) computes from seed with counters 0, 4, 8 and 12.")
	seed, out, tmp := RSI, RDI, RAX
	Load(Param("seed"), seed)
	Load(Param("out"), out)
	x := func(w int) VecPhysical { return zmm(w) }
	for w, c := range []uint32{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574} {
		MOVL(U32(c), tmp.As32())
		VPBROADCASTD(tmp.As32(), x(w))
	}
	for w := 4; w < 12; w++ {
		VPBROADCASTD(Mem{Base: seed, Disp: 4 * (w - 4)}, x(w))
	}
	VMOVDQU32(iota16, x(12))
	for w := 13; w < 16; w++ {
		VPXORD(x(w), x(w), x(w))
	}
	qr := func(a, b, c, d int) {
		VPADDD(x(b), x(a), x(a))
		VPXORD(x(a), x(d), x(d))
		VPROLD(U8(16), x(d), x(d))
		VPADDD(x(d), x(c), x(c))
		VPXORD(x(c), x(b), x(b))
		VPROLD(U8(12), x(b), x(b))
		VPADDD(x(b), x(a), x(a))
		VPXORD(x(a), x(d), x(d))
		VPROLD(U8(8), x(d), x(d))
		VPADDD(x(d), x(c), x(c))
		VPXORD(x(c), x(b), x(b))
		VPROLD(U8(7), x(b), x(b))
	}
	for range 4 {
		qr(0, 4, 8, 12)
		qr(1, 5, 9, 13)
		qr(2, 6, 10, 14)
		qr(3, 7, 11, 15)
		qr(0, 5, 10, 15)
		qr(1, 6, 11, 12)
		qr(2, 7, 8, 13)
		qr(3, 4, 9, 14)
	}
	for w := 4; w < 12; w++ {
		VPBROADCASTD(Mem{Base: seed, Disp: 4 * (w - 4)}, Z16)
		VPADDD(Z16, x(w), x(w))
	}
	for c := range 4 {
		for w := range 16 {
			VEXTRACTI32X4(U8(c), x(w), Mem{Base: out, Disp: 256*c + 16*w})
		}
	}
	VZEROUPPER()
	RET()
}

// The constants of Cephes' expf (Moshier, Cephes Math Library, expf.c),
// the same as model/fast32.go's expf32.
const (
	expLog2e = 1.44269504088896341
	expC1    = 0.693359375
	expC2    = -2.12194440e-4
	expLo    = -87.3
)

var expPoly = []float32{1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1}

// expShift: y = exp(max(x - m, -87.3)) on 8 floats at a time, no fused
// multiply-add (model's expf32 does the same operations in Go).
func expShift() {
	TEXT("expShiftAVX2", NOSPLIT, "func(n int, x, m, y *float32)")
	Pragma("noescape")
	Doc("expShiftAVX2 sets y[i] = expf32(x[i] - m[i]) for i < n rounded down to a multiple of 8.")
	n, xp, mp, yp, tmp := RCX, RSI, RDI, R8, RAX
	Load(Param("n"), n)
	Load(Param("x"), xp)
	Load(Param("m"), mp)
	Load(Param("y"), yp)
	bc := func(v float32, y VecPhysical) {
		MOVL(U32(math.Float32bits(v)), tmp.As32())
		MOVQ(tmp, y.AsX())
		VBROADCASTSS(y.AsX(), y)
	}
	lo, log2e, c1, c2, one := Y15, Y14, Y12, Y11, Y10
	bc(expLo, lo)
	bc(expLog2e, log2e)
	bc(expC1, c1)
	bc(expC2, c2)
	bc(1, one)
	poly := []VecPhysical{Y4, Y5, Y6, Y7, Y8, Y9}
	for i, p := range expPoly {
		bc(p, poly[i])
	}
	MOVL(U32(127), tmp.As32())
	MOVQ(tmp, X3)
	VPBROADCASTD(X3, Y3)
	SHRQ(U8(3), n)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVUPS(Mem{Base: xp}, Y0)
	VSUBPS(Mem{Base: mp}, Y0, Y0) // x - m
	VMAXPS(Y0, lo, Y0)            // Intel maxps(-87.3, x): NaN passes
	VMULPS(log2e, Y0, Y1)         // x·log2e
	VROUNDPS(U8(0), Y1, Y1)       // fx: to the nearest integer, ties to even
	VMULPS(c1, Y1, Y2)
	VSUBPS(Y2, Y0, Y0) // x - fx·C1
	VMULPS(c2, Y1, Y2)
	VSUBPS(Y2, Y0, Y0) // x - fx·C2
	VMULPS(Y0, Y0, Y2) // z = x·x
	VMULPS(Y0, poly[0], Y13)
	for _, p := range poly[1:] {
		VADDPS(p, Y13, Y13)
		if p != poly[len(poly)-1] {
			VMULPS(Y0, Y13, Y13)
		}
	}
	VMULPS(Y2, Y13, Y13)  // y·z
	VADDPS(Y0, Y13, Y13)  // + x
	VADDPS(one, Y13, Y13) // + 1
	VCVTTPS2DQ(Y1, Y1)    // fx as an integer
	VPADDD(Y3, Y1, Y1)
	VPSLLD(U8(23), Y1, Y1) // 2^fx
	VMULPS(Y1, Y13, Y13)
	VMOVUPS(Y13, Mem{Base: yp})
	ADDQ(U8(32), xp)
	ADDQ(U8(32), mp)
	ADDQ(U8(32), yp)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// copyRows: copies n8·8 floats from each of rows rows (the packing of
// panels for the matrix kernels).
func copyRows() {
	TEXT("copyRowsAVX", NOSPLIT, "func(rows, n8 int, src *float32, lds int, dst *float32, ldd int)")
	Pragma("noescape")
	Doc("copyRowsAVX copies dst[r*ldd+j] = src[r*lds+j] for r < rows, j < 8*n8 (strides in elements).")
	rows, n8, src, lds, dst, ldd, j, sp, dp := RCX, RBX, RSI, R8, RDI, R9, R10, R11, R12
	Load(Param("rows"), rows)
	Load(Param("n8"), n8)
	Load(Param("src"), src)
	Load(Param("lds"), lds)
	SHLQ(U8(2), lds)
	Load(Param("dst"), dst)
	Load(Param("ldd"), ldd)
	SHLQ(U8(2), ldd)
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	TESTQ(n8, n8)
	JZ(LabelRef("done"))
	Label("row")
	MOVQ(src, sp)
	MOVQ(dst, dp)
	MOVQ(n8, j)
	Label("col")
	VMOVUPS(Mem{Base: sp}, Y0)
	VMOVUPS(Y0, Mem{Base: dp})
	ADDQ(U8(32), sp)
	ADDQ(U8(32), dp)
	DECQ(j)
	JNZ(LabelRef("col"))
	ADDQ(lds, src)
	ADDQ(ldd, dst)
	DECQ(rows)
	JNZ(LabelRef("row"))
	Label("done")
	VZEROUPPER()
	RET()
}
