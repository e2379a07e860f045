package model

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
)

// This file holds the biological constraints of a network: Dale's law and
// fixed connectivity masks (PsychRNN, psychrnn/backend/rnn.py
// get_effective_W_*; Song, Yang & Wang 2016). The trained matrices W stay
// under their state_dict names; the network uses the effective matrices
//
//	W_x,eff = W_x ⊙ M_x                         (H, I)
//	W_r,eff = g(W_r) ⊙ M_r · diag(d)             (H, H)
//	W_o,eff = W_o ⊙ M_o · diag(e)                (O, H)
//
// with M the 0/1 masks (all ones when absent), and, under Dale's law,
// g = |·|, d_j = +1 for an excitatory and -1 for an inhibitory presynaptic
// unit j, and e_j = 1 for excitatory and 0 for inhibitory units; without
// Dale's law g is the identity and d = e = 1. So with Dale's law every
// recurrent column j has the sign d_j (PsychRNN's get_effective_W_rec) and
// the outputs read the excitatory units only (PsychRNN's Dale_out; Song et
// al. 2016), with weights of either sign, as the E-I network of Yang's
// NeuroGym course (nn.Linear on the excitatory units); the input weights
// and the biases are not constrained. PsychRNN and Song et al. also make
// the input and output weights non-negative (|W|); with that (and their
// ρ0 = 1.5) the tutorial's network reached 0-57% test accuracy on
// PerceptualDecisionMaking after its 1000 iterations (seeds 0-4, against
// 79-90% without Dale's law), and even at a small ρ0, |W_x| or |W_o| alone
// left most seeds far behind (issue 11), so here they keep their sign.
//
// The masks enter the forward pass, so a masked weight is exactly zero in
// every pass and its gradient is exactly zero: the chain rule gives
//
//	dW = dW_eff ⊙ C ⊙ g'(W),   C = M (input), M · diag(d) (rec), M · diag(e) (output)
//
// with g' = sign (sign(0) = 0, as PyTorch's abs) for the recurrent matrix
// under Dale's law and 1 otherwise. The effective matrices are computed once per pass (O(H²)), so
// the per-step cost does not change.

// DaleSpectralRadius is the spectral radius ρ0 of the initial effective
// recurrent matrix of a network with Dale's law: 1/√3, that of PyTorch's
// default nn.Linear initialisation of an H×H matrix (uniform in ±1/√H), so
// that the E/I network starts at the scale of the tutorial's unconstrained
// one. Song et al. (2016) use 1.5; in this leaky ReLU network (α = 0.2)
// that makes the initial activity grow about 6% per step, and 1000
// iterations did not train it (issue 11).
const DaleSpectralRadius = 0.5773502691896258

// DaleGammaShape is the shape k of the gamma distribution of the initial
// recurrent magnitudes under Dale's law (pycog's default gamma_k).
const DaleGammaShape = 2

// Constraints describe a biologically constrained network for
// InitConstrainedWeights. The zero value is the unconstrained network.
type Constraints struct {
	// Dale applies Dale's law with the first round(ExcFraction·H) units
	// excitatory and the others inhibitory; ExcFraction must be in (0, 1)
	// and leave at least one unit of each kind.
	Dale        bool
	ExcFraction float64

	// InputConnectivity, RecConnectivity and OutputConnectivity are the
	// probabilities in (0, 1] that a connection of input2rec, rec2rec and
	// rec2output exists; 0 means 1 (all connections). The masks are drawn
	// from data.StreamSeed(seed, data.Connectivity, i) with i = 0, 1, 2 for
	// the three matrices: entry (row-major) k exists if the k-th Uniform(0, 1)
	// draw is below the probability.
	InputConnectivity, RecConnectivity, OutputConnectivity float64

	// InputMask (H, I), RecMask (H, H) and OutputMask (O, H) are explicit
	// 0/1 masks, row-major (ReadMaskNPY); a mask given here wins over the
	// matrix's probability.
	InputMask, RecMask, OutputMask []float64

	// NoAutapses removes the self-connections: the diagonal of the recurrent
	// mask is 0 (PsychRNN's autapses = False).
	NoAutapses bool
}

// Active reports whether c constrains anything.
func (c Constraints) Active() bool {
	p := func(v float64) bool { return v != 0 && v != 1 }
	return c.Dale || p(c.InputConnectivity) || p(c.RecConnectivity) || p(c.OutputConnectivity) ||
		c.InputMask != nil || c.RecMask != nil || c.OutputMask != nil || c.NoAutapses
}

// NExcitatory returns round(frac·h), the number of excitatory units of h
// units under Dale's law.
func NExcitatory(h int, frac float64) int { return int(math.Round(frac * float64(h))) }

// Validate returns an error naming every invalid field of c for the network cfg.
func (c Constraints) Validate(cfg Config) error {
	var errs []error
	if c.Dale {
		if !(c.ExcFraction > 0 && c.ExcFraction < 1) {
			errs = append(errs, fmt.Errorf("ExcFraction = %v, want a value in (0, 1)", c.ExcFraction))
		} else if ne := NExcitatory(cfg.NHidden, c.ExcFraction); ne < 1 || ne >= cfg.NHidden {
			errs = append(errs, fmt.Errorf("ExcFraction = %v gives %d excitatory of %d units, want at least one excitatory and one inhibitory unit", c.ExcFraction, ne, cfg.NHidden))
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"InputConnectivity", c.InputConnectivity}, {"RecConnectivity", c.RecConnectivity}, {"OutputConnectivity", c.OutputConnectivity}} {
		if !(p.v >= 0 && p.v <= 1) {
			errs = append(errs, fmt.Errorf("%s = %v, want a probability in (0, 1] (0 means 1)", p.name, p.v))
		}
	}
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	for _, m := range []struct {
		name string
		m    []float64
		n    int
	}{{"InputMask", c.InputMask, H * I}, {"RecMask", c.RecMask, H * H}, {"OutputMask", c.OutputMask, O * H}} {
		if m.m == nil {
			continue
		}
		if len(m.m) != m.n {
			errs = append(errs, fmt.Errorf("%s has %d elements, want %d", m.name, len(m.m), m.n))
			continue
		}
		if err := checkMask(m.m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.name, err))
		} else if !slices.Contains(m.m, 1) {
			errs = append(errs, fmt.Errorf("%s has no connection (every entry 0): nothing would pass through the matrix", m.name))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("model constraints: %w", errors.Join(errs...))
	}
	return nil
}

// checkMask returns an error if a value of m is not 0 or 1.
func checkMask(m []float64) error {
	for i, v := range m {
		if v != 0 && v != 1 {
			return fmt.Errorf("holds %v at flat index %d, want only 0 and 1", v, i)
		}
	}
	return nil
}

// InitConstrainedWeights returns the initial weights of a network with the
// constraints c: InitWeights(cfg, seed, dtype) with the masks and Dale's
// signs attached (Weights.DaleSign, InputMask, RecMask, OutputMask) and the
// masked entries of the stored matrices set to zero. Without constraints it
// returns InitWeights' weights, with no masks.
//
// Under Dale's law rec2rec.weight is redrawn following Song et al. (2016)
// (pycog's trainer.py): magnitudes |W_ij| ~ Gamma(k = DaleGammaShape,
// θ = c_ij/k) on the connections of the recurrent mask, where c_ij = 1 for
// an excitatory and n_E,i/n_I,i for an inhibitory presynaptic unit (n_E,i,
// n_I,i the numbers of connected excitatory and inhibitory inputs of unit
// i), so that each row receives as much inhibition as excitation on
// average, each row of c normalised to unit length; the matrix is then
// scaled so that the spectral radius of W_r,eff is DaleSpectralRadius. The
// gamma draws (sums of two exponentials, exact for k = 2) come from
// data.StreamSeed(seed, data.Weights, 1), so the other four tensors are
// InitWeights' values whether or not Dale's law is on. The input and output
// weights keep PyTorch's uniform draws.
//
// It returns an error if cfg or c is invalid or dtype is neither Float32
// nor Float64.
func InitConstrainedWeights(cfg Config, c Constraints, seed int64, dtype tensor.Dtype) (*Weights, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := c.Validate(cfg); err != nil {
		return nil, err
	}
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		return nil, fmt.Errorf("model: InitConstrainedWeights: dtype %v, want Float32 or Float64", dtype)
	}
	w64 := InitWeights(cfg, seed, tensor.Float64)
	if !c.Active() {
		return w64.AsType(dtype), nil
	}
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	mask := func(explicit []float64, p float64, rows, cols, index int) []float64 {
		if explicit != nil {
			return append([]float64(nil), explicit...)
		}
		if p == 0 || p == 1 {
			if index == 1 && c.NoAutapses {
				return ones(rows * cols)
			}
			return nil
		}
		rs := data.StreamSeed(seed, data.Connectivity, index).NewRandomState()
		m := make([]float64, rows*cols)
		for k := range m {
			if rs.Float64() < p {
				m[k] = 1
			}
		}
		return m
	}
	w64.InputMask = mask(c.InputMask, c.InputConnectivity, H, I, 0)
	w64.RecMask = mask(c.RecMask, c.RecConnectivity, H, H, 1)
	w64.OutputMask = mask(c.OutputMask, c.OutputConnectivity, O, H, 2)
	if c.NoAutapses {
		for i := range H {
			w64.RecMask[i*H+i] = 0
		}
	}
	if c.Dale {
		ne := NExcitatory(H, c.ExcFraction)
		w64.DaleSign = make([]float64, H)
		for j := range w64.DaleSign {
			w64.DaleSign[j] = -1
			if j < ne {
				w64.DaleSign[j] = 1
			}
		}
		if err := initDaleRecurrent(w64, seed); err != nil {
			return nil, err
		}
	}
	// the stored matrices hold zeros where the masks do
	for i, m := range [3][]float64{w64.InputMask, w64.RecMask, w64.OutputMask} {
		if m == nil {
			continue
		}
		d := w64.Tensors()[matrixIndex(i)].Data().([]float64)
		for k, v := range m {
			d[k] *= v
		}
	}
	return w64.AsType(dtype), nil
}

// initDaleRecurrent redraws w.RecRec (float64) as InitConstrainedWeights
// describes, for w's masks and signs.
func initDaleRecurrent(w *Weights, seed int64) error {
	H := len(w.DaleSign)
	m := w.RecMask
	c := make([]float64, H*H)
	for i := range H {
		var nE, nI float64
		for j := range H {
			if m == nil || m[i*H+j] != 0 {
				if w.DaleSign[j] > 0 {
					nE++
				} else {
					nI++
				}
			}
		}
		var norm float64
		for j := range H {
			if m != nil && m[i*H+j] == 0 {
				continue
			}
			v := 1.0
			if w.DaleSign[j] < 0 {
				v = nE / nI // nI > 0 here: j itself is a connected inhibitory input
			}
			c[i*H+j] = v
			norm += v * v
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for j := range H {
				c[i*H+j] /= norm
			}
		}
	}
	rs := data.StreamSeed(seed, data.Weights, 1).NewRandomState()
	wr := w.RecRec.Data().([]float64)
	for k := range wr {
		// Gamma(2, θ) is the sum of two exponentials of mean θ
		theta := c[k] / DaleGammaShape
		a, b := rs.Exponential(1), rs.Exponential(1)
		wr[k] = theta * (a + b)
	}
	eff := w.effective(1)
	rho, err := spectralRadius(eff, H)
	if err != nil {
		return err
	}
	if !(rho > 0) {
		return errors.New("model: Dale initialisation: the recurrent matrix has spectral radius 0 (is the recurrent mask empty?)")
	}
	for k := range wr {
		wr[k] *= DaleSpectralRadius / rho
	}
	return nil
}

// spectralRadius returns the largest modulus of the eigenvalues of the
// n×n row-major matrix a.
func spectralRadius(a []float64, n int) (float64, error) {
	var eig mat.Eigen
	if !eig.Factorize(mat.NewDense(n, n, append([]float64(nil), a...)), mat.EigenNone) {
		return 0, errors.New("model: eigenvalues of the recurrent matrix did not converge")
	}
	var r float64
	for _, v := range eig.Values(nil) {
		r = max(r, math.Hypot(real(v), imag(v)))
	}
	return r, nil
}

func ones(n int) []float64 {
	m := make([]float64, n)
	for i := range m {
		m[i] = 1
	}
	return m
}

// Constrained reports whether w carries any constraint (Dale's signs or a mask).
func (w *Weights) Constrained() bool {
	return w.DaleSign != nil || w.InputMask != nil || w.RecMask != nil || w.OutputMask != nil
}

// matrixIndex maps the three weight matrices 0 (input2rec), 1 (rec2rec),
// 2 (rec2output) to their index in StateDictNames.
func matrixIndex(m int) int { return [3]int{0, 1, 3}[m] }

// rectified reports whether matrix m enters through its absolute value:
// the recurrent matrix under Dale's law (see the top of this file).
func (w *Weights) rectified(m int) bool { return w.DaleSign != nil && m == 1 }

// effScale returns C of matrix m (0 input, 1 recurrent, 2 output; see the
// top of this file), row-major, or nil if the matrix is unconstrained
// (W_eff = W).
func (w *Weights) effScale(m int) []float64 {
	dale := w.DaleSign != nil
	var mask []float64
	switch m {
	case 0:
		mask = w.InputMask
	case 1:
		mask = w.RecMask
	case 2:
		mask = w.OutputMask
	}
	if !dale && mask == nil {
		return nil
	}
	shape := w.Tensors()[matrixIndex(m)].Shape()
	rows, cols := shape[0], shape[1]
	c := make([]float64, rows*cols)
	for i := range rows {
		for j := range cols {
			v := 1.0
			if mask != nil {
				v = mask[i*cols+j]
			}
			if dale {
				switch m {
				case 1:
					v *= w.DaleSign[j]
				case 2:
					if w.DaleSign[j] < 0 {
						v = 0
					}
				}
			}
			c[i*cols+j] = v
		}
	}
	return c
}

// effective returns the effective matrix m (0 input, 1 recurrent, 2 output)
// in float64, row-major: g(W) ⊙ C (see the top of this file).
func (w *Weights) effective(m int) []float64 {
	v := float64s(w.Tensors()[matrixIndex(m)])
	c := w.effScale(m)
	if c == nil {
		return v
	}
	for k := range v {
		if w.rectified(m) {
			v[k] = math.Abs(v[k])
		}
		v[k] *= c[k]
	}
	return v
}

// Effective returns the effective matrices W_x,eff (H, I), W_r,eff (H, H)
// and W_o,eff (O, H) in float64, row-major: the matrices the network uses
// (see the top of constraints.go). Without constraints they are copies of
// the stored matrices.
func (w *Weights) Effective() (wx, wr, wo []float64) {
	return w.effective(0), w.effective(1), w.effective(2)
}

// ReadMaskNPY reads a 0/1 connectivity mask of shape (rows, cols) from the
// .npy file at path (any of the numeric dtypes fileio reads; C or Fortran
// order) and returns it row-major. Errors name the file and say what is
// wrong: missing or unreadable, not a .npy array, another shape, or a value
// other than 0 and 1 (with its index).
func ReadMaskNPY(path string, rows, cols int) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mask file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("mask file: %w", err)
	}
	h, err := fileio.ReadHeader(f)
	if err != nil {
		return nil, fmt.Errorf("mask file %q: %w", path, err)
	}
	if len(h.Shape) != 2 || h.Shape[0] != rows || h.Shape[1] != cols {
		return nil, fmt.Errorf("mask file %q: shape %s, want (%d, %d)", path, fileio.ShapeString(h.Shape), rows, cols)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, fmt.Errorf("mask file %q: %w", path, err)
	}
	a, err := fileio.ReadNPY(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("mask file %q: %w", path, err)
	}
	m, err := numbers(a.Data)
	if err != nil {
		return nil, fmt.Errorf("mask file %q: %w", path, err)
	}
	if err := checkMask(m); err != nil {
		return nil, fmt.Errorf("mask file %q: %w", path, err)
	}
	return m, nil
}

// numbers converts the numeric slice types fileio returns to float64.
func numbers(d any) ([]float64, error) {
	switch v := d.(type) {
	case []float64:
		return append([]float64(nil), v...), nil
	case []float32:
		return toF64(v), nil
	case []bool:
		out := make([]float64, len(v))
		for i, b := range v {
			if b {
				out[i] = 1
			}
		}
		return out, nil
	case []int8:
		return toF64(v), nil
	case []uint8:
		return toF64(v), nil
	case []int16:
		return toF64(v), nil
	case []uint16:
		return toF64(v), nil
	case []int32:
		return toF64(v), nil
	case []uint32:
		return toF64(v), nil
	case []int64:
		return toF64(v), nil
	case []uint64:
		return toF64(v), nil
	}
	return nil, fmt.Errorf("dtype %T, want a real numeric array of 0 and 1", d)
}

func toF64[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
