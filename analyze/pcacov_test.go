package analyze

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestCovAccumulatorMatchesFitPCA: principal components accumulated over
// blocks of rows equal those of gonum's stat.PC on all rows at once
// (FitPCA), for data with a large common offset (where a naive sum of
// squares would lose precision).
func TestCovAccumulatorMatchesFitPCA(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, d = 1000, 12
	x := mat.NewDense(n, d, nil)
	mix := mat.NewDense(d, d, nil)
	for i := range d {
		for j := range d {
			mix.Set(i, j, rng.NormFloat64()*math.Pow(0.6, float64(j)))
		}
	}
	for i := range n {
		for j := range d {
			v := 1e4 // offset
			for k := range d {
				v += mix.At(j, k) * rng.NormFloat64()
			}
			x.Set(i, j, v)
		}
	}
	want, err := FitPCA(x)
	if err != nil {
		t.Fatal(err)
	}
	acc := newCovAccumulator(d)
	for start := 0; start < n; {
		m := min(1+rng.IntN(300), n-start)
		if err := acc.add(mat.DenseCopyOf(x.Slice(start, start+m, 0, d))); err != nil {
			t.Fatal(err)
		}
		start += m
	}
	got, err := acc.pca()
	if err != nil {
		t.Fatal(err)
	}
	for j := range d {
		if math.Abs(got.Mean[j]-want.Mean[j]) > 1e-9 {
			t.Errorf("mean[%d] = %v, want %v", j, got.Mean[j], want.Mean[j])
		}
	}
	for k := range d {
		if math.Abs(got.Vars[k]-want.Vars[k]) > 1e-8*want.Vars[0] {
			t.Errorf("var[%d] = %v, want %v", k, got.Vars[k], want.Vars[k])
		}
		if k < 6 { // well-separated leading components: vectors agree
			for j := range d {
				if math.Abs(got.Vectors.At(j, k)-want.Vectors.At(j, k)) > 1e-6 {
					t.Errorf("vector %d element %d = %v, want %v", k, j, got.Vectors.At(j, k), want.Vectors.At(j, k))
				}
			}
		}
	}
	// Fewer observations than variables: k = n components.
	few := newCovAccumulator(d)
	few.add(mat.DenseCopyOf(x.Slice(0, 3, 0, d)))
	if p, err := few.pca(); err != nil || p.Components() != 3 {
		t.Errorf("3 observations: %v components, %v", p.Components(), err)
	}
	bad := mat.NewDense(2, d, nil)
	bad.Set(1, 1, math.NaN())
	if err := newCovAccumulator(d).add(bad); err == nil {
		t.Error("NaN accepted")
	}
}
