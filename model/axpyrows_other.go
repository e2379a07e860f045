//go:build !amd64 || purego

package model

func haveAxpyRows() bool { return false }

func axpyRows64(m, k int, a *float32, sa, sl int, b *float32, ldb int, c *float32, ldc int) {
	panic("model: axpyRows64 without assembly")
}
