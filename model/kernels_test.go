package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/tensor"
)

// randFloats returns n standard normal float32 values.
func randFloats(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// gonumProduct returns C (+)= op(A)·B computed by gonum's Sgemm, for A
// stored m×k (lda = k+pad) or, if transA, k×m.
func gonumProduct(transA bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) []float32 {
	want := append([]float32(nil), c...)
	tA := blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	beta := float32(0)
	if accumulate {
		beta = 1
	}
	if !accumulate {
		for i := range m {
			clear(want[i*ldc : i*ldc+n])
		}
	}
	blasImpl.Sgemm(tA, blas.NoTrans, m, n, k, 1, a, lda, b, ldb, beta, want, ldc)
	return want
}

// gemmShapes are the shape classes every kernel is tested on: one row and
// one column, sizes below, at and above the tile sizes (6, 8; 16, 32) and
// not multiples of the vector width, batch 1; then operands too large to be
// read in place (directMax), which cross the blocking sizes (blockM = 240,
// blockK = 256) in the packed path.
func gemmShapes() [][3]int {
	var s [][3]int
	for _, m := range []int{1, 3, 5, 6, 7, 8, 13, 16, 64, 245} {
		for _, n := range []int{1, 7, 15, 16, 17, 31, 32, 33, 64, 97} {
			for _, k := range []int{1, 3, 8, 257} {
				s = append(s, [3]int{m, n, k})
			}
		}
	}
	for _, m := range []int{9, 250, 487} {
		for _, n := range []int{33, 64} {
			s = append(s, [3]int{m, n, 1100}) // k*n > directMax
		}
	}
	return append(s, [3]int{300, 250, 300}, [3]int{481, 20, 257})
}

// TestGemmKernelsMatchGonum checks every micro-kernel of this machine, in
// each driver (mul: A row-major or transposed, B row-major; mulPanels: B
// prepacked from a row-major or a transposed matrix), with and without
// accumulation, against gonum's Sgemm, for every shape class, with row
// strides larger than the rows. The kernels must agree with each other to
// the bit (each element is the same chain of fused multiply-adds).
func TestGemmKernelsMatchGonum(t *testing.T) {
	ks := gemmKernels()
	t.Logf("micro-kernels on this machine: %v", kernelNames(ks))
	if len(ks) == 0 {
		t.Skip("no assembly kernels in this build")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, shape := range gemmShapes() {
		m, n, k := shape[0], shape[1], shape[2]
		for _, transA := range []bool{false, true} {
			lda, rowsA := k+3, m
			if transA {
				lda, rowsA = m+2, k
			}
			a := randFloats(r, rowsA*lda)
			b := randFloats(r, k*(n+5))
			bT := randFloats(r, n*(k+1)) // Bᵀ stored n×k, row stride k+1
			c0 := randFloats(r, m*(n+4))
			ldb, ldc := n+5, n+4
			rsA, csA := lda, 1
			if transA {
				rsA, csA = 1, lda
			}
			for _, acc := range []bool{false, true} {
				want := gonumProduct(transA, m, n, k, a, lda, b, ldb, c0, ldc, acc)
				// B given transposed: the same product with B[l][j] = bT[j*(k+1)+l]
				bFromT := make([]float32, k*ldb)
				for l := range k {
					for j := range n {
						bFromT[l*ldb+j] = bT[j*(k+1)+l]
					}
				}
				wantT := gonumProduct(transA, m, n, k, a, lda, bFromT, ldb, c0, ldc, acc)
				var first [3][]float32
				for ki, kern := range ks {
					g := newGemm32(kern)
					name := fmt.Sprintf("%s m=%d n=%d k=%d transA=%v acc=%v", kern.name, m, n, k, transA, acc)
					got := append([]float32(nil), c0...)
					g.mul(m, n, k, a, rsA, csA, b, ldb, got, ldc, acc)
					checkClose(t, "mul "+name, got, want, k)
					gotP := append([]float32(nil), c0...)
					bp := g.packPanels(nil, k, n, b, ldb, 1)
					g.mulPanels(m, n, k, a, rsA, csA, bp, gotP, ldc, acc)
					checkClose(t, "mulPanels "+name, gotP, want, k)
					gotT := append([]float32(nil), c0...)
					bpT := g.packPanels(nil, k, n, bT, 1, k+1)
					g.mulPanels(m, n, k, a, rsA, csA, bpT, gotT, ldc, acc)
					checkClose(t, "mulPanels(Bᵀ) "+name, gotT, wantT, k)
					if ki == 0 {
						first = [3][]float32{got, gotP, gotT}
						continue
					}
					for q, x := range [3][]float32{got, gotP, gotT} {
						for i := range x {
							if math.Float32bits(x[i]) != math.Float32bits(first[q][i]) {
								t.Fatalf("%s: element %d is %v, kernel %s gives %v", name, i, x[i], ks[0].name, first[q][i])
							}
						}
					}
					// the three drivers give the same bits too
					for i := range got {
						if got[i] != gotP[i] {
							t.Fatalf("%s: mul and mulPanels differ at %d: %v, %v", name, i, got[i], gotP[i])
						}
					}
				}
				if t.Failed() {
					return
				}
			}
		}
	}
}

func kernelNames(ks []microKernel) []string {
	var s []string
	for _, k := range ks {
		s = append(s, k.name)
	}
	return s
}

// checkClose compares got with want (gonum's float32 product): every
// element within float32 rounding of a sum of k products of normals.
func checkClose(t *testing.T, name string, got, want []float32, k int) {
	t.Helper()
	tol := 4e-6 * (math.Sqrt(float64(k)) + 2) * 4
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > tol || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: element %d is %v, gonum %v", name, i, got[i], want[i])
		}
	}
}

// TestGemmKernelChoice: the best kernel is AVX-512 where x/sys/cpu reports
// AVX-512F, and GODEBUG=cpu.avx512f=off (the CI's non-AVX-512 run) leaves
// the AVX2 kernel.
func TestGemmKernelChoice(t *testing.T) {
	ks := gemmKernels()
	t.Logf("GODEBUG=%q: kernels %v", os.Getenv("GODEBUG"), kernelNames(ks))
	if strings.Contains(os.Getenv("GODEBUG"), "cpu.avx512f=off") {
		for _, k := range ks {
			if k.name == "avx512" {
				t.Errorf("GODEBUG=cpu.avx512f=off, but the AVX-512 kernel is offered")
			}
		}
	}
	if g := bestGemm32(); g != nil && len(ks) > 0 && g.k.name != ks[0].name {
		t.Errorf("bestGemm32 uses %s, want %s", g.k.name, ks[0].name)
	}
}

// TestElementwiseKernels compares the AVX2 element-wise kernels (and their
// Go tails) with plain Go float64 arithmetic, for lengths around the
// vector width.
func TestElementwiseKernels(t *testing.T) {
	if !haveAVX2FMA() {
		t.Skip("no AVX2+FMA kernels in this build")
	}
	k := newKern32(1, 1)
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 8, 9, 16, 33, 100} {
		pre, hp, nz := randFloats(r, n), randFloats(r, n), randFloats(r, n)
		pre[0] = float32(math.NaN())
		if n > 1 {
			pre[1] = 0
		}
		h, d, fx := make([]float32, n), make([]float32, n), make([]float32, n)
		const alpha, c = float32(0.2), float32(0.063)
		xp := append([]float32(nil), pre...)
		k.zeros = make([]float32, n)
		k.step(1, n, ReLU, alpha, c, xp, nil, nz, make([]float32, n), fx, h, d) // t = 0: hPrev = 0
		for i := range n {
			relu, di := 0.0, float32(0)
			if pre[i] > 0 {
				relu, di = float64(pre[i]), 1
			}
			want := float64(alpha)*relu + float64(c)*float64(nz[i])
			if i == 0 {
				if !math.IsNaN(float64(h[i])) {
					t.Errorf("n=%d: relu(NaN) gave h = %v, want NaN", n, h[i])
				}
				continue
			}
			if math.Abs(float64(h[i])-want) > 1e-6 || d[i] != di {
				t.Errorf("n=%d: step t=0 element %d: h %v d %v, want %v %v", n, i, h[i], d[i], want, di)
			}
		}
		// with a previous state (given as the zero state, so that no product runs)
		k.zeros = hp
		k.step(1, n, ReLU, alpha, c, xp, nil, nz, make([]float32, n), fx, h, d)
		for i := 1; i < n; i++ {
			relu := math.Max(float64(pre[i]), 0)
			want := float64(1-alpha)*float64(hp[i]) + float64(alpha)*relu + float64(c)*float64(nz[i])
			if math.Abs(float64(h[i])-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("n=%d: step element %d: h %v, want %v", n, i, h[i], want)
			}
		}
		g, dd := randFloats(r, n), randFloats(r, n)
		p := make([]float32, n)
		k.preGrad(alpha, g, dd, p)
		for i := range n {
			if want := float64(alpha) * float64(g[i]) * float64(dd[i]); math.Abs(float64(p[i])-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("n=%d: preGrad element %d: %v, want %v", n, i, p[i], want)
			}
		}
		out := make([]float32, n)
		dPrev := randFloats(r, n)
		// prevGrad's element-wise part, with a zero product (W_r = 0)
		k.wrP = make([]float32, k.mm.panelsLen(n, n))
		k.prevGrad(1, n, alpha, g, dPrev, p, out)
		for i := range n {
			if want := float64(1-alpha)*float64(g[i]) + float64(dPrev[i]); math.Abs(float64(out[i])-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("n=%d: prevGrad element %d: %v, want %v", n, i, out[i], want)
			}
		}
	}
}

// TestOutProjKernel compares the output projection (dot4AVX2 and its Go
// tail) with float64 dot products, for 1 to 9 outputs and H around the
// vector width.
func TestOutProjKernel(t *testing.T) {
	k := newKern32(1, 1)
	if k == nil || !k.ew {
		t.Skip("no AVX2+FMA kernels in this build")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, O := range []int{1, 3, 4, 5, 9} {
		for _, H := range []int{1, 8, 13, 64} {
			const n = 11
			wo, bo, hs := randFloats(r, O*H), randFloats(r, O), randFloats(r, n*H)
			z := make([]float32, O*n)
			k.outProj(n, H, O, wo, bo, hs, z)
			for o := range O {
				for q := range n {
					want := float64(bo[o])
					for j := range H {
						want += float64(wo[o*H+j]) * float64(hs[q*H+j])
					}
					if math.Abs(float64(z[o*n+q])-want) > 1e-5*(1+math.Sqrt(float64(H))) {
						t.Errorf("O=%d H=%d: z[%d][%d] = %v, want %v", O, H, o, q, z[o*n+q], want)
					}
				}
			}
		}
	}
}

// BenchmarkGemm times the products of one training step at H = 1024
// (batch 16 and 64) on each micro-kernel and reports GFLOP/s: the forward
// step product (B×H)·(H×H) with prepacked weights, and the recurrent weight
// gradient (H×N)·(N×H), N = 59·B.
func BenchmarkGemm(b *testing.B) {
	const H = 1024
	for _, kern := range gemmKernels() {
		for _, B := range []int{16, 64} {
			r := rand.New(rand.NewPCG(1, 1))
			g := newGemm32(kern)
			w := randFloats(r, H*H)
			h := randFloats(r, B*H)
			c := make([]float32, B*H)
			bp := g.packPanels(nil, H, H, w, 1, H)
			b.Run(fmt.Sprintf("%s/step/B=%d", kern.name, B), func(b *testing.B) {
				cpu0 := processCPU()
				for b.Loop() {
					g.mulPanels(B, H, H, h, H, 1, bp, c, H, true)
				}
				reportGFLOPs(b, 2*float64(B*H*H), cpu0)
			})
			N := 59 * B
			p, hs, dw := randFloats(r, N*H), randFloats(r, N*H), make([]float32, H*H)
			b.Run(fmt.Sprintf("%s/recGrad/B=%d", kern.name, B), func(b *testing.B) {
				cpu0 := processCPU()
				for b.Loop() {
					g.mul(H, H, N, p, 1, H, hs, H, dw, H, false)
				}
				reportGFLOPs(b, 2*float64(H*H)*float64(N), cpu0)
			})
		}
	}
}

// reportGFLOPs reports flops per operation as GFLOP/s of wall time and of
// the process's CPU time since cpu0 (less disturbed by other processes on
// a shared machine).
func reportGFLOPs(b *testing.B, flops float64, cpu0 time.Duration) {
	total := flops * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu0 >= 0 {
		b.ReportMetric(total/(processCPU()-cpu0).Seconds()/1e9, "cpu-GFLOP/s")
	}
}

// TestGraphSameBitsOnEveryKernel trains the tutorial's network for a few
// steps on each micro-kernel of this machine: losses, outputs and
// gradients agree to the bit (so GODEBUG=cpu.avx512f=off changes no result).
func TestGraphSameBitsOnEveryKernel(t *testing.T) {
	ks := gemmKernels()
	if len(ks) < 2 {
		t.Skipf("kernels on this machine: %v", kernelNames(ks))
	}
	cfg := tutorialConfig()
	const T, B = 12, 5 // B = 5: partial tiles on every kernel
	var first [5][]float64
	var firstLoss []float64
	for ki, kern := range ks {
		w := InitWeights(cfg, 3, tensor.Float32)
		g, err := NewTrainGraph(cfg, w, T, B, CrossEntropy, Fast)
		if err != nil {
			t.Fatal(err)
		}
		g.net.(*fastNet[float32]).s.k32.mm = newGemm32(kern)
		var losses []float64
		for i := range 3 {
			inputs, class, noise := testData(cfg, T, B, uint64(i))
			l, err := g.Run(inputs, Targets{Class: class}, noise)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, l)
		}
		grads, err := g.Gradients()
		if err != nil {
			t.Fatal(err)
		}
		g.Close()
		if ki == 0 {
			first, firstLoss = grads, losses
			continue
		}
		if !slices.Equal(losses, firstLoss) {
			t.Errorf("%s: losses %v, %s: %v", kern.name, losses, ks[0].name, firstLoss)
		}
		for i := range grads {
			if !slices.Equal(grads[i], first[i]) {
				t.Errorf("%s: gradient of %s differs from %s's", kern.name, StateDictNames[i], ks[0].name)
			}
		}
	}
}

// TestExpf32: expf32 is within 2 ulp-ish (2.5e-7 relative) of exp on
// [-87.3, 0], passes NaN, and expShiftAVX2 gives its bits.
func TestExpf32(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	n := 10007
	x, m := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(-90 * r.Float64())
		m[i] = float32(r.Float64() - 0.5)
	}
	x[0], x[1], x[2] = 0, float32(math.NaN()), float32(math.Inf(-1))
	m[0], m[1], m[2] = 0, 0, 0
	for i := range x {
		d := x[i] - m[i]
		got := expf32(d)
		if i == 1 {
			if !math.IsNaN(float64(got)) {
				t.Errorf("expf32(NaN) = %v", got)
			}
			continue
		}
		want := math.Exp(float64(max(d, expLo)))
		if math.Abs(float64(got)-want) > 2.5e-7*want {
			t.Fatalf("expf32(%v) = %v, exp %v (relative error %.2g)", d, got, want, math.Abs(float64(got)-want)/want)
		}
	}
	k := newKern32(1, 1)
	if k == nil || !k.ew {
		t.Skip("no AVX2 kernels in this build")
	}
	y := make([]float32, n)
	k.expShift(x, m, y)
	for i := range y {
		if want := expf32(x[i] - m[i]); math.Float32bits(y[i]) != math.Float32bits(want) && !(math.IsNaN(float64(want)) && math.IsNaN(float64(y[i]))) {
			t.Fatalf("expShiftAVX2 element %d: %v, expf32 %v", i, y[i], want)
		}
	}
}
