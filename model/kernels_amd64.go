//go:build amd64 && !purego

package model

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run -C internal/asmgen . -out ../../kernels_amd64.s -stubs ../../kernels_amd64_decl.go -pkg model

// gemmKernels returns the matrix micro-kernels this processor can run, best
// first: the 8×32 AVX-512 kernel where the CPU (and the OS) support
// AVX-512F, the 6×16 AVX2+FMA kernel where they support AVX2 and FMA.
// GODEBUG=cpu.avx512f=off (or cpu.avx2=off, cpu.fma=off) hides a feature
// from golang.org/x/sys/cpu, and so from this choice.
func gemmKernels() []microKernel {
	var ks []microKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, microKernel{name: "avx512", mr: 8, nr: 32, fn: gemm8x32AVX512})
	}
	if haveAVX2FMA() {
		ks = append(ks, microKernel{name: "avx2", mr: 6, nr: 16, fn: gemm6x16AVX2})
	}
	return ks
}

// haveAVX2FMA reports whether the element-wise AVX2+FMA kernels can run.
func haveAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// zigKernel is a vectorised fast path of the ziggurat (noise.go): it writes
// the values of n words (a multiple of width) and the rejection bitmap
// (bit i%8 of byte i/8 for value i), as the Go loop would.
type zigKernel struct {
	fn    func(n int, words *uint32, k *uint32, w *float32, dst *float32, rej *uint8)
	width int
}

// zigKernels returns the ziggurat kernels this processor can run, best
// first: AVX-512F (16 values at a time), AVX2 (8).
func zigKernels() []zigKernel {
	var ks []zigKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, zigKernel{func(n int, words *uint32, k *uint32, w *float32, dst *float32, rej *uint8) {
			zigFastAVX512(n, words, k, w, dst, (*uint16)(unsafe.Pointer(rej)))
		}, 16})
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, zigKernel{zigFastAVX2, 8})
	}
	return ks
}

// chachaKernel returns the AVX-512 chacha8rand epoch, or nil.
func chachaKernel() func(seed *[4]uint64, out *[128]uint64) {
	if cpu.X86.HasAVX512F {
		return chacha8EpochAVX512
	}
	return nil
}
