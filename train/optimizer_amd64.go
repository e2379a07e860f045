//go:build amd64 && !purego

package train

import "golang.org/x/sys/cpu"

//go:generate go run -C ../model/internal/asmgen ./optimizer -out ../../../train/optimizer_amd64.s -stubs ../../../train/optimizer_amd64_decl.go -pkg train

// adamKernel returns the vectorised float32 Adam update (8 elements at a
// time, AVX) where the processor has AVX, or nil.
func adamKernel() func(n int, w, grad, m, v *float32, c *[8]float32) {
	if cpu.X86.HasAVX {
		return adamAVX
	}
	return nil
}
