// Command optimizer writes the amd64 assembly of package train's
// optimisers with avo: train/optimizer_amd64.s and the declarations in
// train/optimizer_amd64_decl.go. It is run by go generate in package train
// (see train/optimizer_amd64.go):
//
//	go run -C ../model/internal/asmgen ./optimizer -out ../../../train/optimizer_amd64.s -stubs ../../../train/optimizer_amd64_decl.go -pkg train
//
// adamAVX is the element-wise float32 Adam update of train/optimizer_adam.go
// (adam32) on 8 elements at a time, with the same operations in the same
// order (products, sums, square root and quotient each rounded, no fused
// multiply-add), so that it gives the Go loop's bits.
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("amd64,!purego")
	adam()
	Generate()
}

func adam() {
	TEXT("adamAVX", NOSPLIT, "func(n int, w, grad, m, v *float32, c *[8]float32)")
	Pragma("noescape")
	Doc("adamAVX applies adam32's update to elements i < n rounded down to a multiple of 8",
		"and zeroes grad there. c holds b1, 1-b1, b2, 1-b2, weight decay, -step size,",
		"sqrt(1-b2^t) and eps; a weight decay of 0 skips the decay term, as adam32 does.")
	n, w, g, m, v, c := RCX, RSI, RDI, R8, R9, R10
	Load(Param("n"), n)
	Load(Param("w"), w)
	Load(Param("grad"), g)
	Load(Param("m"), m)
	Load(Param("v"), v)
	Load(Param("c"), c)
	b1, c1, b2, c2, wd, negStep, bc2, eps := Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15
	for i, y := range []VecPhysical{b1, c1, b2, c2, wd, negStep, bc2, eps} {
		VBROADCASTSS(Mem{Base: c, Disp: 4 * i}, y)
	}
	VXORPS(Y7, Y7, Y7) // zeros for g
	SHRQ(U8(3), n)
	JZ(LabelRef("done"))
	// decay: a non-zero weight decay (the sign bit aside)
	MOVL(Mem{Base: c, Disp: 16}, EAX)
	ANDL(U32(0x7fffffff), EAX)
	body := func(decay bool) {
		VMOVUPS(Mem{Base: g}, Y0) // g
		if decay {
			VMULPS(Mem{Base: w}, wd, Y1) // wd·w
			VADDPS(Y1, Y0, Y0)           // g + wd·w
		}
		VMULPS(Mem{Base: m}, b1, Y1) // m·b1
		VMULPS(Y0, c1, Y2)           // c1·g
		VADDPS(Y2, Y1, Y1)           // m
		VMOVUPS(Y1, Mem{Base: m})
		VMULPS(Mem{Base: v}, b2, Y2) // v·b2
		VMULPS(Y0, c2, Y3)           // c2·g
		VMULPS(Y0, Y3, Y3)           // (c2·g)·g
		VADDPS(Y3, Y2, Y2)           // v
		VMOVUPS(Y2, Mem{Base: v})
		VSQRTPS(Y2, Y3)              // sqrt(v)
		VDIVPS(bc2, Y3, Y3)          // sqrt(v)/bc2
		VADDPS(eps, Y3, Y3)          // denom
		VMULPS(Y1, negStep, Y4)      // -step·m
		VDIVPS(Y3, Y4, Y4)           // (-step·m)/denom
		VADDPS(Mem{Base: w}, Y4, Y4) // w + …
		VMOVUPS(Y4, Mem{Base: w})
		VMOVUPS(Y7, Mem{Base: g})
		for _, p := range []GPPhysical{w, g, m, v} {
			ADDQ(U8(32), p)
		}
		DECQ(n)
	}
	TESTL(EAX, EAX)
	JNZ(LabelRef("decayloop"))
	Label("loop")
	body(false)
	JNZ(LabelRef("loop"))
	JMP(LabelRef("done"))
	Label("decayloop")
	body(true)
	JNZ(LabelRef("decayloop"))
	Label("done")
	VZEROUPPER()
	RET()
}
