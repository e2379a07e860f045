package fixedpoint

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteNPZ writes the points to path as a NumPy .npz archive (uncompressed,
// like numpy.savez), written to a temporary file and renamed. With n points,
// H hidden units and I inputs, numpy.load(path) gives, under
// fixed-point-finder's FixedPoints field names where it has them:
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
//
// It returns an error if writing fails.
func (fp *FixedPoints) WriteNPZ(path string) error {
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
		qstar               = make([]float64, n)
		nIters, nUnstable   = make([]int64, n), make([]int64, n)
		isStable, isSlow    = make([]bool, n), make([]bool, n)
		eigval              = make([]complex128, 0, n*H)
		eigvec              = make([]complex128, 0, n*H*H)
		allQ                = make([]float64, len(fp.All))
		jac, dfdu           []float64
		xstar, xinit, fx, u []float64
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
	xstar = rows(func(p *Point) []float64 { return p.Xstar }, H)
	xinit = rows(func(p *Point) []float64 { return p.XInit }, H)
	fx = rows(func(p *Point) []float64 { return p.FXstar }, H)
	u = rows(func(*Point) []float64 { return fp.Inputs }, I)
	for i, a := range fp.All {
		allQ[i] = a.Qstar
	}
	arrays := []npyArray{
		{"xstar", xstar, []int{n, H}},
		{"x_init", xinit, []int{n, H}},
		{"inputs", u, []int{n, I}},
		{"F_xstar", fx, []int{n, H}},
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
	}
	if err := writeNPZ(path, arrays); err != nil {
		return fmt.Errorf("fixed points: write %q: %w", path, err)
	}
	return nil
}

// npyArray is one array of an .npz archive: data (a slice of float64,
// complex128, int64 or bool) of the given shape (nil for a scalar).
type npyArray struct {
	name  string
	data  any
	shape []int
}

// writeNPZ writes the arrays to path as an uncompressed .npz, atomically.
// It is the one place this package writes NumPy files (a minimal copy of
// analyze's writer, with complex128 added), to be pointed at the project's
// shared .npy code when there is one.
func writeNPZ(path string, arrays []npyArray) error {
	var buf bytes.Buffer
	bw := bufio.NewWriterSize(&buf, 1<<16)
	zw := zip.NewWriter(bw)
	for _, a := range arrays {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		if err := writeNpy(w, a.data, a.shape); err != nil {
			return fmt.Errorf("array %s: %w", a.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeNpy writes data as a C-order, little-endian .npy version 1.0 array.
func writeNpy(w io.Writer, data any, shape []int) error {
	var descr string
	switch data.(type) {
	case []float64:
		descr = "<f8"
	case []complex128:
		descr = "<c16"
	case []int64:
		descr = "<i8"
	case []bool:
		descr = "|b1"
	default:
		return fmt.Errorf("npy: unsupported type %T", data)
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	shp := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		shp = "(" + dims[0] + ",)"
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shp)
	// pad so that magic (6) + version (2) + length (2) + header ends in a
	// newline on a 64-byte boundary, as numpy writes it
	total := 10 + len(hdr) + 1
	hdr += strings.Repeat(" ", (64-total%64)%64) + "\n"
	head := make([]byte, 0, 10+len(hdr))
	head = append(head, "\x93NUMPY\x01\x00"...)
	head = binary.LittleEndian.AppendUint16(head, uint16(len(hdr)))
	head = append(head, hdr...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err := w.Write(npyBytes(data))
	return err
}

// npyBytes returns data's values little-endian (binary.Write takes its slow
// reflective path for complex slices).
func npyBytes(data any) []byte {
	le := binary.LittleEndian
	switch d := data.(type) {
	case []float64:
		b := make([]byte, 0, 8*len(d))
		for _, v := range d {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
		return b
	case []complex128:
		b := make([]byte, 0, 16*len(d))
		for _, v := range d {
			b = le.AppendUint64(b, math.Float64bits(real(v)))
			b = le.AppendUint64(b, math.Float64bits(imag(v)))
		}
		return b
	case []int64:
		b := make([]byte, 0, 8*len(d))
		for _, v := range d {
			b = le.AppendUint64(b, uint64(v))
		}
		return b
	case []bool:
		b := make([]byte, len(d))
		for i, v := range d {
			if v {
				b[i] = 1
			}
		}
		return b
	}
	panic(fmt.Sprintf("npy: unsupported type %T", data)) // writeNpy checked the type
}

// writeFileAtomic writes b to a temporary file in path's directory, syncs it
// and renames it to path.
func writeFileAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
