package model

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
)

// Weights are the network's parameters, under PyTorch's state_dict names and
// shapes. All five tensors have the same dtype, tensor.Float32 for training
// or tensor.Float64 for gradient checks. A TrainGraph updates them in place
// (through its solver), and a ForwardGraph built on the same Weights reads the
// updated values.
type Weights struct {
	InputRec *tensor.Dense // W_x (H, I), "input2rec.weight"
	RecRec   *tensor.Dense // W_r (H, H), "rec2rec.weight"
	RecBias  *tensor.Dense // b_r (H), "rec2rec.bias"
	RecOut   *tensor.Dense // W_o (O, H), "rec2output.weight"
	OutBias  *tensor.Dense // b_o (O), "rec2output.bias"
}

// StateDictNames are the PyTorch state_dict names of the weights, in the
// order of Weights' fields (the order of InitWeights' draws).
var StateDictNames = [5]string{
	"input2rec.weight", "rec2rec.weight", "rec2rec.bias", "rec2output.weight", "rec2output.bias",
}

// Tensors returns the five weight tensors in the order of StateDictNames.
func (w *Weights) Tensors() [5]*tensor.Dense {
	return [5]*tensor.Dense{w.InputRec, w.RecRec, w.RecBias, w.RecOut, w.OutBias}
}

// shapes returns the state_dict shapes for cfg, in the order of StateDictNames.
func shapes(cfg Config) [5]tensor.Shape {
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	return [5]tensor.Shape{{H, I}, {H, H}, {H}, {O, H}, {O}}
}

// fanIns returns fan_in of the nn.Linear layer each tensor belongs to.
func fanIns(cfg Config) [5]int {
	return [5]int{cfg.NInput, cfg.NHidden, cfg.NHidden, cfg.NHidden, cfg.NHidden}
}

func fromTensors(ts [5]*tensor.Dense) *Weights {
	return &Weights{InputRec: ts[0], RecRec: ts[1], RecBias: ts[2], RecOut: ts[3], OutBias: ts[4]}
}

// InitWeights draws initial weights as PyTorch's nn.Linear does by default:
// every weight and bias uniform in (-1/sqrt(fan_in), +1/sqrt(fan_in)), with
// fan_in = I for input2rec and H for the others. The draws come from
// data.StreamSeed(seed, data.Weights, 0)'s Uniform (NumPy's
// RandomState([seed lo, seed hi, 2, 0]).uniform), tensor by
// tensor in the order of StateDictNames, each row-major, so that numpy's
// RandomState reproduces them. dtype is tensor.Float32 or tensor.Float64 (the
// values are drawn in float64 and rounded). InitWeights panics if cfg is
// invalid or dtype is neither.
func InitWeights(cfg Config, seed int64, dtype tensor.Dtype) *Weights {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if dtype != tensor.Float32 && dtype != tensor.Float64 {
		panic(fmt.Sprintf("model.InitWeights: dtype %v, want Float32 or Float64", dtype))
	}
	rs := data.StreamSeed(seed, data.Weights, 0).NewRandomState()
	var ts [5]*tensor.Dense
	fan := fanIns(cfg)
	for i, s := range shapes(cfg) {
		bound := 1 / math.Sqrt(float64(fan[i]))
		v := make([]float64, s.TotalSize())
		for j := range v {
			v[j] = rs.Uniform(-bound, bound)
		}
		ts[i] = newDense(dtype, s, v)
	}
	return fromTensors(ts)
}

// newDense returns a new tensor of dtype and shape holding the values v.
func newDense(dtype tensor.Dtype, s tensor.Shape, v []float64) *tensor.Dense {
	switch dtype {
	case tensor.Float32:
		b := make([]float32, len(v))
		for i, x := range v {
			b[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(s.Clone()...), tensor.WithBacking(b))
	case tensor.Float64:
		return tensor.New(tensor.WithShape(s.Clone()...), tensor.WithBacking(append([]float64(nil), v...)))
	}
	panic(fmt.Sprintf("model: dtype %v, want Float32 or Float64", dtype))
}

// float64s returns a copy of t's values as float64.
func float64s(t *tensor.Dense) []float64 {
	switch d := t.Data().(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return append([]float64(nil), d...)
	}
	panic(fmt.Sprintf("model: tensor dtype %v, want Float32 or Float64", t.Dtype()))
}

// Dtype returns the weights' dtype.
func (w *Weights) Dtype() tensor.Dtype { return w.RecRec.Dtype() }

// AsType returns a deep copy of w converted to dtype (tensor.Float32 or
// tensor.Float64).
func (w *Weights) AsType(dtype tensor.Dtype) *Weights {
	var ts [5]*tensor.Dense
	for i, t := range w.Tensors() {
		ts[i] = newDense(dtype, t.Shape(), float64s(t))
	}
	return fromTensors(ts)
}

// Clone returns a deep copy of w with the same dtype.
func (w *Weights) Clone() *Weights { return w.AsType(w.Dtype()) }

// check returns an error if w does not have cfg's shapes, one float dtype, or
// finite values.
func (w *Weights) check(cfg Config) error {
	dt := w.Dtype()
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return fmt.Errorf("weights: dtype %v, want Float32 or Float64", dt)
	}
	want := shapes(cfg)
	for i, t := range w.Tensors() {
		if t == nil {
			return fmt.Errorf("weights: %s is nil", StateDictNames[i])
		}
		if !t.Shape().Eq(want[i]) {
			return fmt.Errorf("weights: %s has shape %v, want %v", StateDictNames[i], t.Shape(), want[i])
		}
		if t.Dtype() != dt {
			return fmt.Errorf("weights: %s has dtype %v, the others %v", StateDictNames[i], t.Dtype(), dt)
		}
		if !t.IsNativelyAccessible() || t.DataSize() != want[i].TotalSize() {
			return fmt.Errorf("weights: %s is not a plain dense tensor", StateDictNames[i])
		}
	}
	return nil
}

// SaveNPZ writes the weights to path as an .npz archive of float32 arrays
// under the state_dict names and shapes, so that
// net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(path).items()})
// loads them into the tutorial's PyTorch class. Float64 weights are rounded
// to float32. The file is written to a temporary name in the same directory
// and renamed, so path never holds a partial archive.
func (w *Weights) SaveNPZ(path string) error {
	var buf bytes.Buffer
	zw := npz.NewWriter(&buf)
	for i, t := range w.Tensors() {
		v := float64s(t)
		f := make([]float32, len(v))
		for j, x := range v {
			f[j] = float32(x)
		}
		var arr any = f
		if s := t.Shape(); len(s) == 2 {
			rows := make([][]float32, s[0])
			for r := range rows {
				rows[r] = f[r*s[1] : (r+1)*s[1]]
			}
			arr = rows
		}
		if err := zw.Write(StateDictNames[i], arr); err != nil {
			return fmt.Errorf("save weights %q: %w", path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("save weights %q: %w", path, err)
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("save weights: %w", err)
	}
	return nil
}

// LoadWeightsNPZ reads float32 weights for cfg from an .npz archive written
// by SaveNPZ or by numpy.savez from a PyTorch state_dict. Arrays stored as
// float64 are accepted and rounded to float32; other keys are ignored. The
// error names the array that is missing, has the wrong shape or dtype, or
// holds a NaN or an infinity.
func LoadWeightsNPZ(path string, cfg Config) (*Weights, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("load weights %q: %w", path, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load weights: %w", err)
	}
	r, err := npz.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("load weights %q: %w", path, err)
	}
	keys := make(map[string]bool)
	for _, k := range r.Keys() {
		keys[k] = true
	}
	var ts [5]*tensor.Dense
	want := shapes(cfg)
	for i, name := range StateDictNames {
		key := name
		if !keys[key] {
			key = name + ".npy" // numpy.savez stores "name.npy"; npyio strips it, be lenient either way
			if !keys[key] {
				return nil, fmt.Errorf("load weights %q: array %q is missing (have %q)", path, name, r.Keys())
			}
		}
		h := r.Header(key)
		if h == nil {
			return nil, fmt.Errorf("load weights %q: array %q: unreadable header", path, name)
		}
		if h.Descr.Fortran {
			return nil, fmt.Errorf("load weights %q: array %q is in Fortran order, want C order", path, name)
		}
		if !tensor.Shape(h.Descr.Shape).Eq(want[i]) {
			return nil, fmt.Errorf("load weights %q: array %q has shape %v, want %v for this config", path, name, h.Descr.Shape, []int(want[i]))
		}
		var arr npy.Array
		if err := r.Read(key, &arr); err != nil {
			return nil, fmt.Errorf("load weights %q: array %q: %w", path, name, err)
		}
		var v []float64
		switch d := arr.Data().(type) {
		case []float32:
			v = make([]float64, len(d))
			for j, x := range d {
				v[j] = float64(x)
			}
		case []float64:
			v = d
		default:
			return nil, fmt.Errorf("load weights %q: array %q has dtype %s, want float32 (<f4) or float64 (<f8)", path, name, h.Descr.Type)
		}
		if len(v) != want[i].TotalSize() {
			return nil, fmt.Errorf("load weights %q: array %q has %d values, want %d", path, name, len(v), want[i].TotalSize())
		}
		for j, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > math.MaxFloat32 {
				return nil, fmt.Errorf("load weights %q: array %q holds a non-finite float32 value %v at flat index %d", path, name, x, j)
			}
		}
		ts[i] = newDense(tensor.Float32, want[i], v)
	}
	return fromTensors(ts), nil
}

// writeFileAtomic writes b to a temporary file in path's directory, syncs
// it and renames it to path.
func writeFileAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %q: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = io.Copy(f, bytes.NewReader(b)); err != nil {
		f.Close()
		return fmt.Errorf("write %q: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %q: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %q: %w", path, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %q: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %q: %w", path, err)
	}
	return nil
}
