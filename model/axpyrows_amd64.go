//go:build amd64 && !purego

package model

import "golang.org/x/sys/cpu"

// haveAxpyRows reports whether axpyRows64 can run here.
func haveAxpyRows() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// axpyRows64 is implemented in axpyrows_amd64.s.
//
//go:noescape
func axpyRows64(m, k int, a *float32, sa, sl int, b *float32, ldb int, c *float32, ldc int)
