package analyze

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestPCALowRank(t *testing.T) {
	// 500 observations of 12 variables on a 3-D subspace plus an offset,
	// with latent standard deviations 5, 2 and 0.5.
	const n, d, k = 500, 12, 3
	rng := rand.New(rand.NewPCG(3, 4))
	basis := mat.NewDense(k, d, nil)
	for i := range k {
		for j := range d {
			basis.Set(i, j, rng.NormFloat64())
		}
	}
	var q mat.QR // orthonormal rows: the true components
	q.Factorize(basis.T())
	var qm mat.Dense
	q.QTo(&qm)
	comps := qm.Slice(0, d, 0, k)
	sds := []float64{5, 2, 0.5}
	z := mat.NewDense(n, k, nil)
	for i := range n {
		for j := range k {
			z.Set(i, j, sds[j]*rng.NormFloat64())
		}
	}
	var x mat.Dense
	x.Mul(z, comps.T())
	for i := range n {
		for j := range d {
			x.Set(i, j, x.At(i, j)+float64(j))
		}
	}
	p, err := FitPCA(&x)
	if err != nil {
		t.Fatal(err)
	}
	if p.Components() != d {
		t.Fatalf("components = %d, want %d", p.Components(), d)
	}
	r := p.ExplainedVarianceRatio()
	for i := 1; i < len(r); i++ {
		if r[i] > r[i-1] {
			t.Errorf("ratios not sorted: %v", r)
		}
	}
	if s := floats.Sum(r); math.Abs(s-1) > 1e-12 {
		t.Errorf("ratios sum to %v, want 1", s)
	}
	if s := floats.Sum(r[:k]); math.Abs(s-1) > 1e-12 {
		t.Errorf("first %d ratios sum to %v, want 1 for rank-%d data", k, s, k)
	}
	if r[0] < 0.75 || r[1] < 0.1 {
		t.Errorf("ratios %v, want about 25:4:0.25 split", r[:3])
	}
	// The first k components span the true subspace: |Q^T v| = 1.
	for j := range k {
		var proj mat.VecDense
		proj.MulVec(comps.T(), p.Vectors.ColView(j))
		if nrm := mat.Norm(&proj, 2); math.Abs(nrm-1) > 1e-9 {
			t.Errorf("component %d lies outside the true subspace: |proj| = %v", j, nrm)
		}
	}
	// Projection on k components reconstructs the data exactly.
	rec := p.Reconstruct(p.Project(&x, k))
	if !mat.EqualApprox(rec, &x, 1e-9) {
		t.Error("rank-3 reconstruction differs from the data")
	}
	// Projected scores are centred with the component variances.
	s := p.Project(&x, 2)
	for j := range 2 {
		col := mat.Col(nil, j, s)
		m := floats.Sum(col) / n
		if math.Abs(m) > 1e-9 {
			t.Errorf("score %d mean %v, want 0", j, m)
		}
		v := 0.0
		for _, c := range col {
			v += c * c / (n - 1)
		}
		if math.Abs(v-p.Vars[j]) > 1e-9*p.Vars[j] {
			t.Errorf("score %d variance %v, want %v", j, v, p.Vars[j])
		}
	}
}

func TestPCAErrors(t *testing.T) {
	if _, err := FitPCA(mat.NewDense(1, 3, nil)); err == nil {
		t.Error("one observation: no error")
	}
	x := mat.NewDense(3, 2, []float64{1, 2, 3, math.NaN(), 5, 6})
	if _, err := FitPCA(x); err == nil {
		t.Error("NaN: no error")
	}
}

// TestPCASigns: every principal direction has its largest-magnitude loading
// positive, so that negating the data (which flips gonum's raw vectors or
// not, arbitrarily) gives the same directions and mirrored scores.
func TestPCASigns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := mat.NewDense(200, 6, nil)
	for i := range 200 {
		a, b := 3*rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(i, []float64{a, -a + 0.1*b, b, 0.5 * b, -2 * a, rng.NormFloat64() * 0.1})
	}
	p, err := FitPCA(x)
	if err != nil {
		t.Fatal(err)
	}
	var neg mat.Dense
	neg.Scale(-1, x)
	q, err := FitPCA(&neg)
	if err != nil {
		t.Fatal(err)
	}
	for j := range p.Components() {
		col := mat.Col(nil, j, p.Vectors)
		big := col[floats.MaxIdx(absAll(col))]
		if big <= 0 {
			t.Errorf("component %d: largest loading %g, want positive", j, big)
		}
		if !floats.EqualApprox(col, mat.Col(nil, j, q.Vectors), 1e-9) {
			t.Errorf("component %d differs between x and -x", j)
		}
	}
}

func absAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Abs(x)
	}
	return out
}
