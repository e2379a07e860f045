package fixedpoint

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// WriteNPZ writes the points as a NumPy .npz archive to w (uncompressed,
// like numpy.savez, with data/fileio's NPZWriter; write it to a file with
// fileio.WriteFile). With n points, H hidden units and I inputs,
// numpy.load gives, under fixed-point-finder's FixedPoints field names
// where it has them:
//
//	xstar           float64    (n, H)     the points
//	x_init          float64    (n, H)     the initial state each was found from
//	inputs          float64    (n, I)     the constant input x* (the same row n times)
//	F_xstar         float64    (n, H)     F(xstar, x*)
//	qstar           float64    (n)        ½‖F_xstar − xstar‖²
//	n_iters         int64      (n)        optimiser iterations
//	J_xstar         float64    (n, H, H)  dF/dh at xstar
//	dFdu            float64    (n, H, I)  dF/dx at xstar
//	eigval_J_xstar  complex128 (n, H)     eigenvalues of J_xstar, by decreasing modulus
//	eigvec_J_xstar  complex128 (n, H, H)  matching unit right eigenvectors (columns)
//	is_stable       bool       (n)        every |λ| < 1
//	n_unstable      int64      (n)        number of |λ| > 1
//	is_slow         bool       (n)        a slow point (tol_q < qstar <= tol_q_slow)
//	all_qstar       float64    (n_inits)  q where each optimisation ended
//	tol_q, tol_q_slow, tol_unique  float64 ()  the tolerances used
//	input_json      uint8      (len,)     in as JSON (bytes(a).decode()): the
//	                                      input's values, channel names and source
//
// in describes x* (its Values must be fp.Inputs); nil writes {"values": x*}
// as input_json. It returns an error if in does not match fp.Inputs or
// writing fails.
func (fp *FixedPoints) WriteNPZ(w io.Writer, in *Input) error {
	if in == nil {
		in = &Input{Values: fp.Inputs}
	}
	if !same(in.Values, fp.Inputs) || len(in.Values) != len(fp.Inputs) {
		return fmt.Errorf("fixed points: input_json values %v are not the search's inputs %v", in.Values, fp.Inputs)
	}
	inJSON, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("fixed points: input_json: %w", err)
	}
	n, H := len(fp.Points), 0
	if len(fp.All) > 0 {
		H = len(fp.All[0].XInit)
	}
	I := len(fp.Inputs)
	rows := func(get func(p *Point) []float64, width int) []float64 {
		out := make([]float64, 0, n*width)
		for i := range fp.Points {
			out = append(out, get(&fp.Points[i])...)
		}
		return out
	}
	var (
		qstar             = make([]float64, n)
		nIters, nUnstable = make([]int64, n), make([]int64, n)
		isStable, isSlow  = make([]bool, n), make([]bool, n)
		eigval            = make([]complex128, 0, n*H)
		eigvec            = make([]complex128, 0, n*H*H)
		allQ              = make([]float64, len(fp.All))
		jac               = make([]float64, 0, n*H*H)
		dfdu              = make([]float64, 0, n*H*I)
	)
	for i := range fp.Points {
		p := &fp.Points[i]
		qstar[i], nIters[i], nUnstable[i] = p.Qstar, int64(p.NIters), int64(p.NUnstable)
		isStable[i], isSlow[i] = p.IsStable, p.Kind == Slow
		eigval = append(eigval, p.Eigval...)
		eigvec = append(eigvec, p.Eigvec.RawCMatrix().Data...)
		jac = append(jac, p.J.RawMatrix().Data...)
		dfdu = append(dfdu, p.DFdu.RawMatrix().Data...)
	}
	for i, a := range fp.All {
		allQ[i] = a.Qstar
	}
	arrays := []struct {
		name  string
		data  any
		shape []int
	}{
		{"xstar", rows(func(p *Point) []float64 { return p.Xstar }, H), []int{n, H}},
		{"x_init", rows(func(p *Point) []float64 { return p.XInit }, H), []int{n, H}},
		{"inputs", rows(func(*Point) []float64 { return fp.Inputs }, I), []int{n, I}},
		{"F_xstar", rows(func(p *Point) []float64 { return p.FXstar }, H), []int{n, H}},
		{"qstar", qstar, []int{n}},
		{"n_iters", nIters, []int{n}},
		{"J_xstar", jac, []int{n, H, H}},
		{"dFdu", dfdu, []int{n, H, I}},
		{"eigval_J_xstar", eigval, []int{n, H}},
		{"eigvec_J_xstar", eigvec, []int{n, H, H}},
		{"is_stable", isStable, []int{n}},
		{"n_unstable", nUnstable, []int{n}},
		{"is_slow", isSlow, []int{n}},
		{"all_qstar", allQ, []int{len(fp.All)}},
		{"tol_q", []float64{fp.Options.TolQ}, nil},
		{"tol_q_slow", []float64{fp.Options.TolQSlow}, nil},
		{"tol_unique", []float64{fp.Options.TolUnique}, nil},
		{"input_json", inJSON, []int{len(inJSON)}},
	}
	z := fileio.NewNPZWriter(w)
	for _, a := range arrays {
		if err := z.Add(a.name, a.data, a.shape...); err != nil {
			return fmt.Errorf("fixed points: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("fixed points: %w", err)
	}
	return nil
}
