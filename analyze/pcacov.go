package analyze

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// covAccumulator accumulates the mean and the centred scatter matrix of
// observations (rows of d variables) given in blocks, so that the
// principal components of more observations than fit in memory can be
// computed: each block's own mean and scatter are merged into the running
// ones with the pairwise update of Chan, Golub and LeVeque (1979), which is
// as accurate as centring all observations at once.
type covAccumulator struct {
	d    int
	n    float64
	mean []float64
	m2   *mat.SymDense // sum of (x - mean)(x - mean)^T
}

func newCovAccumulator(d int) *covAccumulator {
	return &covAccumulator{d: d, mean: make([]float64, d), m2: mat.NewSymDense(d, nil)}
}

// add merges the rows of x, an (m, d) matrix, into the accumulator. It
// returns an error if x has another number of columns or a non-finite
// value.
func (c *covAccumulator) add(x *mat.Dense) error {
	m, d := x.Dims()
	if d != c.d {
		return fmt.Errorf("analyze: PCA block has %d variables, want %d", d, c.d)
	}
	if m == 0 {
		return nil
	}
	mu := make([]float64, d)
	for i := 0; i < m; i++ {
		row := x.RawRowView(i)
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("analyze: PCA input (%d, %d) = %v, want finite values", i, j, v)
			}
			mu[j] += v
		}
	}
	for j := range mu {
		mu[j] /= float64(m)
	}
	xc := mat.NewDense(m, d, nil)
	xc.Apply(func(i, j int, v float64) float64 { return v - mu[j] }, x)
	var s mat.SymDense
	s.SymOuterK(1, xc.T()) // the block's scatter, (d, d)
	nb := float64(m)
	tot := c.n + nb
	delta := make([]float64, d)
	for j := range delta {
		delta[j] = mu[j] - c.mean[j]
	}
	c.m2.AddSym(c.m2, &s)
	c.m2.SymRankOne(c.m2, c.n*nb/tot, mat.NewVecDense(d, delta))
	for j := range c.mean {
		c.mean[j] += delta[j] * nb / tot
	}
	c.n = tot
	return nil
}

// pca returns the principal components of everything added: the
// eigenvectors of the covariance matrix (scatter / (n-1)), in order of
// decreasing variance, k = min(n, d) of them, each with its largest
// element positive (fixSigns). It is FitPCA's result computed from the
// covariance instead of the data matrix.
func (c *covAccumulator) pca() (*PCA, error) {
	if c.n < 2 {
		return nil, fmt.Errorf("analyze: PCA needs at least 2 observations, got %.0f", c.n)
	}
	cov := mat.NewSymDense(c.d, nil)
	cov.ScaleSym(1/(c.n-1), c.m2)
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, errors.New("analyze: PCA: eigendecomposition failed")
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, c.d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return vals[order[i]] > vals[order[j]] })
	k := min(c.d, int(math.Min(c.n, float64(c.d))))
	out := mat.NewDense(c.d, k, nil)
	vars := make([]float64, k)
	for col := 0; col < k; col++ {
		src := order[col]
		vars[col] = math.Max(vals[src], 0) // rounding can make a zero variance slightly negative
		for r := 0; r < c.d; r++ {
			out.Set(r, col, vecs.At(r, src))
		}
	}
	fixSigns(out)
	return &PCA{Mean: append([]float64(nil), c.mean...), Vectors: out, Vars: vars}, nil
}
