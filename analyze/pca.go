package analyze

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// PCA is a principal component analysis of a set of observations
// (rows) of d variables (columns), computed with gonum's stat.PC.
type PCA struct {
	// Mean is the mean observation (d), subtracted before projecting.
	Mean []float64
	// Vectors holds the principal directions as unit-length columns
	// (d, k), k = min(observations, d), in order of decreasing variance;
	// each column's largest-magnitude element is positive.
	Vectors *mat.Dense
	// Vars holds the variance along each direction (k), decreasing.
	Vars []float64
}

// FitPCA computes the principal components of the rows of x, an
// (observations, variables) matrix. It returns an error if x has fewer
// than two rows, contains a non-finite value, or the decomposition fails.
func FitPCA(x mat.Matrix) (*PCA, error) {
	r, c := x.Dims()
	if r < 2 {
		return nil, fmt.Errorf("analyze: PCA needs at least 2 observations, got %d", r)
	}
	mean := make([]float64, c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := x.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("analyze: PCA input (%d, %d) = %v, want finite values", i, j, v)
			}
			mean[j] += v
		}
	}
	floats.Scale(1/float64(r), mean)
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		return nil, errors.New("analyze: PCA: singular value decomposition failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	fixSigns(&vecs)
	return &PCA{Mean: mean, Vectors: &vecs, Vars: pc.VarsTo(nil)}, nil
}

// fixSigns flips each column of v so that its largest-magnitude element is
// positive. A principal direction's sign is arbitrary; fixing it keeps
// figures of similar networks (or of one network under another BLAS) from
// coming out mirrored.
func fixSigns(v *mat.Dense) {
	r, c := v.Dims()
	for j := 0; j < c; j++ {
		big := 0.0
		for i := 0; i < r; i++ {
			if x := v.At(i, j); math.Abs(x) > math.Abs(big) {
				big = x
			}
		}
		if big < 0 {
			for i := 0; i < r; i++ {
				v.Set(i, j, -v.At(i, j))
			}
		}
	}
}

// ExplainedVarianceRatio returns each component's share of the total
// variance (k). The shares are non-increasing and sum to 1 unless the data
// have zero variance, in which case all are 0.
func (p *PCA) ExplainedVarianceRatio() []float64 {
	total := floats.Sum(p.Vars)
	r := make([]float64, len(p.Vars))
	if total > 0 {
		floats.ScaleTo(r, 1/total, p.Vars)
	}
	return r
}

// Components returns the number of components k.
func (p *PCA) Components() int { return len(p.Vars) }

// Project returns the coordinates of the rows of x, (n, d), on the first k
// principal components: (x - Mean) * Vectors[:, :k], an (n, k) matrix.
// It panics if x has the wrong number of columns or k is out of [1, Components()].
func (p *PCA) Project(x mat.Matrix, k int) *mat.Dense {
	n, d := x.Dims()
	if d != len(p.Mean) {
		panic(fmt.Sprintf("analyze: Project: x has %d columns, PCA has %d variables", d, len(p.Mean)))
	}
	if k < 1 || k > p.Components() {
		panic(fmt.Sprintf("analyze: Project: k = %d, want in [1, %d]", k, p.Components()))
	}
	centred := mat.NewDense(n, d, nil)
	centred.Apply(func(i, j int, v float64) float64 { return v - p.Mean[j] }, x)
	var out mat.Dense
	out.Mul(centred, p.Vectors.Slice(0, d, 0, k))
	return &out
}

// Reconstruct maps (n, k) component coordinates back to the (n, d)
// variable space: scores * Vectors[:, :k]^T + Mean. With k = Components()
// it inverts Project; with fewer components it gives the best rank-k
// approximation. It panics if scores has more columns than Components().
func (p *PCA) Reconstruct(scores mat.Matrix) *mat.Dense {
	n, k := scores.Dims()
	d := len(p.Mean)
	if k > p.Components() {
		panic(fmt.Sprintf("analyze: Reconstruct: %d score columns, PCA has %d components", k, p.Components()))
	}
	var out mat.Dense
	out.Mul(scores, p.Vectors.Slice(0, d, 0, k).T())
	for i := 0; i < n; i++ {
		floats.Add(out.RawRowView(i), p.Mean)
	}
	return &out
}

func nan() float64 { return math.NaN() }
