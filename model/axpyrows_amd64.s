//go:build amd64 && !purego

#include "textflag.h"

// func axpyRows64(m, k int, a *float32, sa, sl int, b *float32, ldb int, c *float32, ldc int)
//
// For i < m: c[i*ldc : i*ldc+64] += sum over l < k of a[i*sa + l*sl] * b[l*ldb : l*ldb+64].
// One row of c lives in Y0-Y7 while l runs; Y8 holds the broadcast a element.
// Requires AVX2 and FMA (checked by the caller).
TEXT ·axpyRows64(SB), NOSPLIT, $0-72
	MOVQ m+0(FP), R8
	MOVQ k+8(FP), R9
	MOVQ a+16(FP), AX
	MOVQ sa+24(FP), R10
	SHLQ $2, R10
	MOVQ sl+32(FP), R11
	SHLQ $2, R11
	MOVQ b+40(FP), BX
	MOVQ ldb+48(FP), R12
	SHLQ $2, R12
	MOVQ c+56(FP), DX
	MOVQ ldc+64(FP), R13
	SHLQ $2, R13
	TESTQ R8, R8
	JLE done

row:
	VMOVUPS 0(DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	VMOVUPS 128(DX), Y4
	VMOVUPS 160(DX), Y5
	VMOVUPS 192(DX), Y6
	VMOVUPS 224(DX), Y7
	MOVQ AX, SI
	MOVQ BX, DI
	MOVQ R9, CX
	TESTQ CX, CX
	JLE store

inner:
	VBROADCASTSS (SI), Y8
	VFMADD231PS 0(DI), Y8, Y0
	VFMADD231PS 32(DI), Y8, Y1
	VFMADD231PS 64(DI), Y8, Y2
	VFMADD231PS 96(DI), Y8, Y3
	VFMADD231PS 128(DI), Y8, Y4
	VFMADD231PS 160(DI), Y8, Y5
	VFMADD231PS 192(DI), Y8, Y6
	VFMADD231PS 224(DI), Y8, Y7
	ADDQ R11, SI
	ADDQ R12, DI
	DECQ CX
	JNZ inner

store:
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	ADDQ R10, AX
	ADDQ R13, DX
	DECQ R8
	JNZ row

done:
	VZEROUPPER
	RET
