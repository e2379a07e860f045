package model

import "math"

// This file holds the float32 paths of the fused operations (fused.go) on
// the assembly kernels: the matrix products on a register-blocked
// micro-kernel (gemm.go), the element-wise work of a step and of its
// gradient in one vectorised pass each. Graphs of float64 weights, and
// builds without the kernels (other architectures, -tags purego), take the
// gonum paths in fused.go instead; the tests compare both.

// kern32 is the float32 machinery of one graph.
type kern32 struct {
	mm *gemm32
	ew bool // the element-wise AVX2+FMA kernels run here

	// the weights packed in panels for the micro-kernel, by step 0 of each
	// run (the weights do not change during a run)
	wrTP []float32 // W_rᵀ (H×H): B of the forward products h_{t-1} W_rᵀ
	wrP  []float32 // W_r (H×H): B of the backward products P_t W_r
	wxTP []float32 // [W_xᵀ; b_r] ((I+1)×H): B of the input projection
	wxb  []float32 // the same, unpacked
	x1   []float32 // [X 1] (T*B × (I+1)), the inputs of the last run with a column of ones
	dxb  []float32 // [X 1]ᵀ P ((I+1)×H) of the last backward pass (inGrad)

	zeros []float32 // h_{-1} = 0 (B×H)
	dTmp  []float32 // f'(pre) of a forward-only graph, discarded (B×H)
}

// newKern32 returns the float32 kernels of a graph of B trials and H units,
// or nil where no micro-kernel runs.
func newKern32(B, H int) *kern32 {
	mm := bestGemm32()
	if mm == nil {
		return nil
	}
	return &kern32{mm: mm, ew: haveAVX2FMA(), zeros: make([]float32, B*H), dTmp: make([]float32, B*H)}
}

// inProj: xp (TB×H) = x (TB×I) W_xᵀ + b, W_x (H×I), as one product
// [x 1] [W_xᵀ; b] (no pass that copies b into xp first). It keeps [x 1] in
// k.x1 for inGrad.
func (k *kern32) inProj(TB, I, H int, x, wx, b, xp []float32) {
	k.x1 = grow(k.x1, TB*(I+1))
	for r := range TB {
		copy(k.x1[r*(I+1):], x[r*I:(r+1)*I])
		k.x1[r*(I+1)+I] = 1
	}
	k.wxb = grow(k.wxb, (I+1)*H)
	for j := range H {
		for i := range I {
			k.wxb[i*H+j] = wx[j*I+i]
		}
	}
	copy(k.wxb[I*H:], b)
	k.wxTP = k.mm.packPanels(k.wxTP, I+1, H, k.wxb, H, 1)
	k.mm.mulPanels(TB, H, I+1, k.x1, I+1, 1, k.wxTP, xp, H, false)
}

// inGrad computes [x 1]ᵀ dxp ((I+1)×H), with x as inProj saw it: the
// transposed input-weight gradient in its first I rows and the bias
// gradient Σ_rows dxp in its last, read by colSum (inGradRow).
func (k *kern32) inGrad(TB, I, H int, dxp, out []float32) {
	k.mm.mul(I+1, H, TB, k.x1, 1, I+1, dxp, H, out, H, false)
}

// packRec packs W_r (H×H) for the forward products and, if train, for the
// backward ones.
func (k *kern32) packRec(H int, wr []float32, train bool) {
	k.wrTP = k.mm.packPanels(k.wrTP, H, H, wr, 1, H)
	if train {
		k.wrP = k.mm.packPanels(k.wrP, H, H, wr, H, 1)
	}
}

// step is step t's forward pass on (B×H) blocks: pre = xp + hPrev W_rᵀ
// (hPrev nil at t = 0), then h = (1-α) hPrev + α f(pre) + c·noise with
// d = f'(pre) (d may be nil: a forward-only graph keeps no derivative).
func (k *kern32) step(B, H int, act Activation, alpha, c float32, xp, hPrev, noise, pre, fx, h, d []float32) {
	copy(pre, xp)
	if hPrev != nil {
		k.mm.mulPanels(B, H, H, hPrev, H, 1, k.wrTP, pre, H, true)
	} else {
		hPrev = k.zeros
	}
	n := B * H
	if act == ReLU && k.ew {
		if d == nil {
			d = k.dTmp
		}
		n8 := n &^ 7
		if n8 > 0 {
			stepReLUAVX2(n8, &pre[0], &hPrev[0], &noise[0], &h[0], &d[0], 1-alpha, alpha, c)
		}
		for i := n8; i < n; i++ {
			var di float32
			if pre[i] > 0 {
				di = 1
			}
			h[i] = (1-alpha)*hPrev[i] + alpha*reluTail(pre[i]) + c*noise[i]
			d[i] = di
		}
		return
	}
	if d != nil {
		activate(act, pre, fx, d)
	} else {
		activateOnly(act, pre, fx)
	}
	for i := range h[:n] {
		h[i] = (1-alpha)*hPrev[i] + alpha*fx[i] + c*noise[i]
	}
}

// preGrad: p = (α g) ⊙ d.
func (k *kern32) preGrad(alpha float32, g, d, p []float32) {
	n := len(p)
	n8 := 0
	if k.ew {
		n8 = n &^ 7
		if n8 > 0 {
			scaleMulAVX2(n8, &g[0], &d[0], &p[0], alpha)
		}
	}
	for i := n8; i < n; i++ {
		p[i] = alpha * g[i] * d[i]
	}
}

// prevGrad: out = (1-α) g + dPrev + p W_r, all (B×H).
func (k *kern32) prevGrad(B, H int, alpha float32, g, dPrev, p, out []float32) {
	n := B * H
	n8 := 0
	if k.ew {
		n8 = n &^ 7
		if n8 > 0 {
			axpbyAVX2(n8, &g[0], &dPrev[0], &out[0], 1-alpha)
		}
	}
	for i := n8; i < n; i++ {
		out[i] = (1-alpha)*g[i] + dPrev[i]
	}
	k.mm.mulPanels(B, H, H, p, H, 1, k.wrP, out, H, true)
}

// outProj: z (O×n) with z[o*n+r] = W_o[o]·hs[r] + b_o[o], hs (n×H): dot
// products of every state with up to four rows of W_o at a time.
func (k *kern32) outProj(n, H, O int, wo, bo, hs, z []float32) {
	if !k.ew {
		for o := range O {
			w := wo[o*H : (o+1)*H]
			for r := range n {
				var s float32
				for j, v := range hs[r*H : (r+1)*H] {
					s += w[j] * v
				}
				z[o*n+r] = s + bo[o]
			}
		}
		return
	}
	H8 := H &^ 7
	var out [4]float32
	for o0 := 0; o0 < O; o0 += 4 {
		var w [4][]float32
		for q := range w {
			w[q] = wo[min(o0+q, O-1)*H:][:H] // rows past O repeat the last one, unused
		}
		for r := range n {
			h := hs[r*H : (r+1)*H]
			if H8 > 0 {
				dot4AVX2(H8, &h[0], &w[0][0], &w[1][0], &w[2][0], &w[3][0], &out)
			} else {
				out = [4]float32{}
			}
			for q := 0; q < 4 && o0+q < O; q++ {
				s := out[q]
				for j := H8; j < H; j++ {
					s += w[q][j] * h[j]
				}
				z[(o0+q)*n+r] = s + bo[o0+q]
			}
		}
	}
}

// reluTail is max(0, x) with NaN passed through, as stepReLUAVX2.
func reluTail(x float32) float32 {
	if x > 0 || math.IsNaN(float64(x)) {
		return x
	}
	return 0
}

// The constants of Cephes' expf (Moshier, Cephes Math Library, expf.c),
// shared with expShiftAVX2 (internal/asmgen).
const (
	expLo    = float32(-87.3)
	expLog2e = float32(1.44269504088896341)
	expC1    = float32(0.693359375)
	expC2    = float32(-2.12194440e-4)
	expP0    = float32(1.9875691500e-4)
	expP1    = float32(1.3981999507e-3)
	expP2    = float32(8.3334519073e-3)
	expP3    = float32(4.1665795894e-2)
	expP4    = float32(1.6666665459e-1)
	expP5    = float32(5.0000001201e-1)
)

// expf32 is exp(max(x, -87.3)) in float32 (relative error about 1e-7;
// NaN passes): Cephes' expf, with the multiple of ln 2 rounded to even.
// Every operation is rounded on its own (the conversions forbid fused
// multiply-adds), exactly as expShiftAVX2 does 8 at a time.
func expf32(x float32) float32 {
	if x < expLo {
		x = expLo
	}
	fx := float32(math.RoundToEven(float64(float32(x * expLog2e))))
	x = x - float32(fx*expC1)
	x = x - float32(fx*expC2)
	z := float32(x * x)
	y := float32(expP0 * x)
	y = float32(float32(y+expP1) * x)
	y = float32(float32(y+expP2) * x)
	y = float32(float32(y+expP3) * x)
	y = float32(float32(y+expP4) * x)
	y = y + expP5
	y = float32(float32(float32(y*z)+x) + 1)
	return float32(y * math.Float32frombits(uint32(int32(fx)+127)<<23))
}

// expShift sets y = expf32(x - m) element-wise.
func (k *kern32) expShift(x, m, y []float32) {
	n := len(y)
	x, m = x[:n], m[:n]
	start := 0
	if k.ew && n >= 8 {
		start = n &^ 7
		expShiftAVX2(start, &x[0], &m[0], &y[0])
	}
	for i := start; i < n; i++ {
		y[i] = expf32(x[i] - m[i])
	}
}

// crossEntropy computes the softmax of every column of z (O×n) into prob
// (O×n, saved for the gradient), using colMax (n) as scratch, and returns
// Σ_r w_r ℓ_r in column order (columns of weight 0 skipped), ℓ_r = m_r +
// log Σ_o exp(z_or - m_r) - z_{y_r r} with m_r the column's maximum.
func (k *kern32) crossEntropy(O, n int, z []float32, y []int32, w, prob, colMax []float32) float64 {
	copy(colMax[:n], z[:n])
	for o := 1; o < O; o++ {
		row := z[o*n : (o+1)*n]
		for r, v := range row {
			colMax[r] = max(colMax[r], v)
		}
	}
	for o := range O {
		k.expShift(z[o*n:(o+1)*n], colMax, prob[o*n:(o+1)*n])
	}
	var sum float64
	for r := range n {
		var s float32
		for o := range O {
			s += prob[o*n+r]
		}
		for o := range O {
			prob[o*n+r] /= s
		}
		if wr := float64(w[r]); wr != 0 {
			sum += wr * (float64(colMax[r]) + math.Log(float64(s)) - float64(z[int(y[r])*n+r]))
		}
	}
	return sum
}
