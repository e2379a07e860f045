package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmAcc checks c += op(a) b in float32 (the assembly path on CPUs
// with AVX2 and FMA when n is a multiple of 64, else gonum) against a
// float64 loop, for both layouts of a and padded row strides.
func TestGemmAcc(t *testing.T) {
	t.Logf("assembly kernel available: %v", haveAxpyRows())
	r := rand.New(rand.NewPCG(1, 2))
	for _, transA := range []bool{false, true} {
		for _, m := range []int{1, 3, 16, 64} {
			for _, n := range []int{8, 64, 128} {
				for _, k := range []int{1, 7, 64, 300} {
					lda, ldb, ldc := k+3, n+5, n+64
					rowsA := m
					if transA {
						lda, rowsA = m+2, k
					}
					a := make([]float32, rowsA*lda)
					b := make([]float32, k*ldb)
					c := make([]float32, m*ldc)
					for _, s := range [][]float32{a, b, c} {
						for i := range s {
							s[i] = float32(r.NormFloat64())
						}
					}
					want := make([]float64, len(c))
					for i := range c {
						want[i] = float64(c[i])
					}
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var sum float64
							for l := 0; l < k; l++ {
								var av float32
								if transA {
									av = a[l*lda+i]
								} else {
									av = a[i*lda+l]
								}
								sum += float64(av) * float64(b[l*ldb+j])
							}
							want[i*ldc+j] += sum
						}
					}
					gemmAcc(transA, m, n, k, a, lda, b, ldb, c, ldc)
					for i := range c {
						tol := 1e-5 * (math.Sqrt(float64(k)) + 1) * 4
						if d := math.Abs(float64(c[i]) - want[i]); d > tol {
							t.Fatalf("transA=%v m=%d n=%d k=%d: c[%d] = %v, want %v", transA, m, n, k, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}
