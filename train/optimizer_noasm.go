//go:build !amd64 || purego

package train

// adamKernel returns nil: Adam runs its Go loop.
func adamKernel() func(n int, w, grad, m, v *float32, c *[8]float32) { return nil }
