//go:build !amd64 || purego

package model

// gemmKernels returns no micro-kernels: the products run on gonum.
func gemmKernels() []microKernel { return nil }

// haveAVX2FMA is false: the element-wise passes run in Go.
func haveAVX2FMA() bool { return false }

func stepReLUAVX2(n int, pre, hPrev, noise, h, d *float32, oma, a, c float32) {
	panic("model: stepReLUAVX2 without assembly")
}
func scaleMulAVX2(n int, g, d, p *float32, a float32) { panic("model: scaleMulAVX2 without assembly") }
func axpbyAVX2(n int, x, y, out *float32, a float32)  { panic("model: axpbyAVX2 without assembly") }
func dot4AVX2(n int, x, w0, w1, w2, w3 *float32, out *[4]float32) {
	panic("model: dot4AVX2 without assembly")
}

// zigKernel is a vectorised fast path of the ziggurat (none in this build).
type zigKernel struct {
	fn    func(n int, words *uint32, k *uint32, w *float32, dst *float32, rej *uint8)
	width int
}

// zigKernels returns no kernels: Noise.Fill runs its Go loop.
func zigKernels() []zigKernel { return nil }

// chachaKernel returns nil: the noise uses math/rand/v2.ChaCha8 itself.
func chachaKernel() func(seed *[4]uint64, out *[128]uint64) { return nil }

func expShiftAVX2(n int, x, m, y *float32) { panic("model: expShiftAVX2 without assembly") }

func copyRowsAVX(rows, n8 int, src *float32, lds int, dst *float32, ldd int) {
	panic("model: copyRowsAVX without assembly")
}
