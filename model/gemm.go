package model

import "fmt"

// This file drives the float32 matrix products of the Fast graph on the
// register-blocked micro-kernels of kernels_amd64.s (GotoBLAS/BLIS
// structure: Goto and van de Geijn, "Anatomy of high-performance matrix
// multiplication", ACM TOMS 34(3), 2008; Van Zee and van de Geijn, "BLIS",
// ACM TOMS 41(3), 2015):
//
//   - A micro-kernel keeps an mr×nr tile of C in registers while it adds
//     the products of a column of A (mr values, broadcast) and a row of B
//     (nr values) for every l < k.
//   - B is read as "panels" of nr columns stored row after row (k×nr,
//     contiguous, zero-padded at the right edge). The recurrent weights are
//     packed into panels once per run (packPanels) and reused at every step;
//     other products pack blocks of blockK rows of B (and blocks of blockM
//     rows of A) on the fly, so that a panel of B stays in L1 while the
//     kernel runs over the rows of a block of A kept in L2.
//   - A is read through any row and column strides, so row-major and
//     transposed matrices need no copy where whole panels of mr rows exist;
//     partial panels (and partial tiles of C) go through zero-padded copies.
//
// Every element of C is one chain of fused multiply-adds over l in order,
// starting from C (accumulate) or 0, whatever the kernel, the blocking or
// the tile position: the AVX-512 and AVX2 kernels give the same bits.

// microKernel is one register-blocked kernel: C[mr×nr] (+)= A[mr×k]·B[k×nr],
// A[i][l] = a[i*rsA+l*csA], B[l][j] = b[l*ldb+j], C[i][j] = c[i*ldc+j];
// C starts from its value if accumulate != 0.
type microKernel struct {
	name   string
	mr, nr int
	fn     func(k int, a *float32, rsA, csA int, b *float32, ldb int, c *float32, ldc int, accumulate int)
}

// Cache blocking of the packed products: blockK rows of B per packed block
// (a kc×nr panel of 32 KB for nr = 32 stays in the 48 KB L1 of a Zen 5
// core) and blockM rows of A per packed block (240×256 floats, 240 KB, in
// its 1 MB L2). blockM is a multiple of both kernels' mr (8 and 6).
const (
	blockK = 256
	blockM = 240
)

// gemm32 runs float32 products on one micro-kernel. Its buffers grow to the
// largest size used and are reused afterwards, so a graph's products
// allocate only in their first run. Not safe for concurrent use.
type gemm32 struct {
	k     microKernel
	packA []float32 // packed block of A: panels of kc×mr
	packB []float32 // packed block of B: panels of kc×nr
	edgeA []float32 // a partial row panel of an unpacked A, zero-padded (k×mr)
	edgeB []float32 // a partial column panel of an unpacked B, zero-padded (k×nr)
	tile  []float32 // a partial tile of C (mr×nr)
}

func newGemm32(k microKernel) *gemm32 {
	return &gemm32{k: k, tile: make([]float32, k.mr*k.nr)}
}

// bestGemm32 returns a gemm32 on the best micro-kernel of this processor,
// or nil if there is none (other architectures, -tags purego).
func bestGemm32() *gemm32 {
	if ks := gemmKernels(); len(ks) > 0 {
		return newGemm32(ks[0])
	}
	return nil
}

func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// checkSpan panics unless x holds the element (rows-1)*rs + (cols-1)*cs
// (the last one an operation reads or writes): the assembly kernels do not
// check bounds, so every call is checked here.
func checkSpan(name string, x []float32, rows, cols, rs, cs int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if last := (rows-1)*rs + (cols-1)*cs; last >= len(x) || last < 0 || rs < 0 || cs < 0 {
		panic(fmt.Sprintf("model: gemm: %s: %d×%d with strides (%d, %d) needs %d elements, has %d",
			name, rows, cols, rs, cs, last+1, len(x)))
	}
}

// panelsLen returns the length of B (k×n) packed in panels.
func (g *gemm32) panelsLen(k, n int) int {
	return (n + g.k.nr - 1) / g.k.nr * k * g.k.nr
}

// packPanels packs B (k×n), B[l][j] = b[l*rsB+j*csB], into ceil(n/nr)
// panels of k×nr (zero-padded on the right) in dst, grown as needed, and
// returns dst. Panel p starts at p*k*nr.
func (g *gemm32) packPanels(dst []float32, k, n int, b []float32, rsB, csB int) []float32 {
	checkSpan("packPanels B", b, k, n, rsB, csB)
	nr := g.k.nr
	dst = grow(dst, g.panelsLen(k, n))
	for j0 := 0; j0 < n; j0 += nr {
		w := min(nr, n-j0)
		panel := dst[j0/nr*k*nr : (j0/nr+1)*k*nr]
		switch {
		case csB == 1 && w == nr && nr%8 == 0:
			copyRows(k, nr, b[j0:], rsB, panel, nr)
		case csB == 1:
			for l := range k {
				row := panel[l*nr : (l+1)*nr]
				copy(row, b[l*rsB+j0:l*rsB+j0+w])
				clear(row[w:])
			}
		default:
			// column j of B is read in order of l (contiguous when rsB == 1)
			if w < nr {
				clear(panel)
			}
			for jj := range w {
				col := b[(j0+jj)*csB:]
				for l := range k {
					panel[l*nr+jj] = col[l*rsB]
				}
			}
		}
	}
	return dst
}

// packAPanels packs the m×k matrix A[i][l] = a[i*rsA+l*csA] into
// ceil(m/mr) panels of k×mr (column l of a panel is mr consecutive values,
// zero-padded below), in dst grown as needed, and returns dst.
func (g *gemm32) packAPanels(dst []float32, m, k int, a []float32, rsA, csA int) []float32 {
	checkSpan("packAPanels A", a, m, k, rsA, csA)
	mr := g.k.mr
	np := (m + mr - 1) / mr
	dst = grow(dst, np*k*mr)
	for i0 := 0; i0 < m; i0 += mr {
		h := min(mr, m-i0)
		panel := dst[i0/mr*k*mr : (i0/mr+1)*k*mr]
		switch {
		case rsA == 1 && h == 8 && mr == 8:
			copyRows(k, 8, a[i0:], csA, panel, 8)
		case rsA == 1 && h == 6 && mr == 6:
			for l := range k {
				d, src := panel[l*6:l*6+6], a[l*csA+i0:l*csA+i0+6]
				d[0], d[1], d[2], d[3], d[4], d[5] = src[0], src[1], src[2], src[3], src[4], src[5]
			}
		default:
			if h < mr {
				clear(panel)
			}
			for i := range h {
				row := a[(i0+i)*rsA:]
				for l := range k {
					panel[l*mr+i] = row[l*csA]
				}
			}
		}
	}
	return dst
}

// copyRows copies w values (a multiple of 8) from each of rows rows of src
// (row stride lds) to dst (row stride ldd): the packing of whole panels,
// with AVX moves where the processor has them (copy or array assignment
// would call runtime.memmove per row, slow for 32 bytes).
func copyRows(rows, w int, src []float32, lds int, dst []float32, ldd int) {
	if rows == 0 {
		return
	}
	checkSpan("copyRows src", src, rows, w, lds, 1)
	checkSpan("copyRows dst", dst, rows, w, ldd, 1)
	if haveAVX2FMA() {
		copyRowsAVX(rows, w/8, &src[0], lds, &dst[0], ldd)
		return
	}
	for r := range rows {
		copy(dst[r*ldd:r*ldd+w], src[r*lds:r*lds+w])
	}
}

// tileKernel runs the kernel on the partial h×w tile of C at (i0, j0)
// through the tile buffer (A and B are whole mr- and nr-wide panels, padded
// with zeros where they pass the matrix).
func (g *gemm32) tileKernel(k int, a *float32, rsA, csA int, b *float32, ldb int, c []float32, i0, j0, h, w, ldc int, accumulate bool) {
	nr := g.k.nr
	t := g.tile
	clear(t)
	if accumulate {
		for i := range h {
			copy(t[i*nr:i*nr+w], c[(i0+i)*ldc+j0:])
		}
	}
	g.k.fn(k, a, rsA, csA, b, ldb, &t[0], nr, 1)
	for i := range h {
		copy(c[(i0+i)*ldc+j0:(i0+i)*ldc+j0+w], t[i*nr:])
	}
}

// bPanels is B as the kernels read it: panel p (columns p·nr to p·nr+nr-1)
// starts at data[p·step] and its rows are ld apart. Packed by packPanels:
// ld = nr, step = k·nr; a row-major matrix read in place: ld = its row
// stride, step = nr (then a partial last panel is copied, zero-padded).
type bPanels struct {
	data     []float32
	ld, step int
	direct   bool
}

// runPanels computes C (m×n) (+)= A·B with B in panels (bp) and A read with
// strides (rsA, csA), or, if aPacked, packed in panels of k×mr (as
// packAPanels writes them). Column panels are the outer loop, so that each
// panel of B is loaded once and reused by every row panel of A.
func (g *gemm32) runPanels(m, n, k int, a []float32, rsA, csA int, aPacked bool, bp bPanels, c []float32, ldc int, accumulate bool) {
	mr, nr := g.k.mr, g.k.nr
	acc := 0
	if accumulate {
		acc = 1
	}
	mFull := m / mr * mr
	if !aPacked && mFull < m {
		// the last, partial row panel of an unpacked A: zero-padded copy
		g.edgeA = g.packAPanels(g.edgeA, m-mFull, k, a[mFull*rsA:], rsA, csA)
	}
	if aPacked {
		checkSpan("runPanels A", a, (m+mr-1)/mr*k*mr, 1, 1, 1)
	} else if mFull > 0 {
		checkSpan("runPanels A", a, mFull, k, rsA, csA)
	}
	nFull := n / nr * nr
	if bp.direct {
		if nFull > 0 {
			checkSpan("runPanels B", bp.data, k, nFull, bp.ld, 1)
		}
		if nFull < n {
			// the last, partial column panel of an unpacked B: zero-padded copy
			g.edgeB = g.packPanels(g.edgeB, k, n-nFull, bp.data[nFull:], bp.ld, 1)
		}
	} else {
		checkSpan("runPanels B", bp.data, g.panelsLen(k, n), 1, 1, 1)
	}
	checkSpan("runPanels C", c, m, n, ldc, 1)
	for j0 := 0; j0 < n; j0 += nr {
		w := min(nr, n-j0)
		b, ldb := &bp.data[j0/nr*bp.step], bp.ld
		if bp.direct && j0 >= nFull {
			b, ldb = &g.edgeB[0], nr
		}
		for i0 := 0; i0 < m; i0 += mr {
			h := min(mr, m-i0)
			var ap *float32
			rs, cs := rsA, csA
			switch {
			case aPacked:
				ap, rs, cs = &a[i0/mr*k*mr], 1, mr
			case i0 < mFull:
				ap = &a[i0*rsA]
			default:
				ap, rs, cs = &g.edgeA[0], 1, mr
			}
			if h == mr && w == nr {
				g.k.fn(k, ap, rs, cs, b, ldb, &c[i0*ldc+j0], ldc, acc)
			} else {
				g.tileKernel(k, ap, rs, cs, b, ldb, c, i0, j0, h, w, ldc, accumulate)
			}
		}
	}
}

// mulPanels computes C (m×n) (+)= A·B for A[i][l] = a[i*rsA+l*csA] (m×k)
// and B (k×n) prepacked by packPanels in bp: the per-step products with the
// recurrent weights.
func (g *gemm32) mulPanels(m, n, k int, a []float32, rsA, csA int, bp []float32, c []float32, ldc int, accumulate bool) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 {
		if !accumulate {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	g.runPanels(m, n, k, a, rsA, csA, false, bPanels{data: bp, ld: g.k.nr, step: k * g.k.nr}, c, ldc, accumulate)
}

// mul computes C (m×n) (+)= A·B for A[i][l] = a[i*rsA+l*csA] (m×k) and
// the row-major B[l][j] = b[l*ldb+j] (k×n), C[i][j] = c[i*ldc+j]. Small
// operands (A and B of at most directMax values each) are read in place,
// C in registers for the whole of k; larger ones in blocks of blockK rows
// of B and blockM rows of A, packed in turn.
func (g *gemm32) mul(m, n, k int, a []float32, rsA, csA int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 {
		g.mulPanels(m, n, 0, nil, 0, 0, nil, c, ldc, accumulate)
		return
	}
	checkSpan("mul A", a, m, k, rsA, csA)
	checkSpan("mul B", b, k, n, ldb, 1)
	checkSpan("mul C", c, m, n, ldc, 1)
	mr := g.k.mr
	if m <= mr || (m*k <= directMax && k*n <= directMax) {
		direct := bPanels{data: b, ld: ldb, step: g.k.nr, direct: true}
		if m < mr {
			// too few rows for a panel: a zero-padded copy of A
			g.packA = g.packAPanels(g.packA, m, k, a, rsA, csA)
			g.runPanels(m, n, k, g.packA, 1, mr, true, direct, c, ldc, accumulate)
			return
		}
		g.runPanels(m, n, k, a, rsA, csA, false, direct, c, ldc, accumulate)
		return
	}
	for p0 := 0; p0 < k; p0 += blockK {
		kc := min(blockK, k-p0)
		g.packB = g.packPanels(g.packB, kc, n, b[p0*ldb:], ldb, 1)
		bp := bPanels{data: g.packB, ld: g.k.nr, step: kc * g.k.nr}
		for i0 := 0; i0 < m; i0 += blockM {
			mc := min(blockM, m-i0)
			g.packA = g.packAPanels(g.packA, mc, kc, a[i0*rsA+p0*csA:], rsA, csA)
			g.runPanels(mc, n, kc, g.packA, 1, mr, true, bp, c[i0*ldc:], ldc, accumulate || p0 > 0)
		}
	}
}

// directMax is the largest operand (in float32 values, 256 KB) that mul
// reads in place rather than packed: it stays in a core's L2 cache.
const directMax = 64 << 10
