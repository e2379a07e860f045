package model

import (
	"fmt"
	"io"
	"math"
	"slices"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
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

	// The constraints (constraints.go), fixed during training; nil means
	// none. They are saved beside the five tensors under ConstraintNames.
	DaleSign   []float64 // d (H): +1 excitatory, -1 inhibitory unit; nil without Dale's law; "dale_sign"
	InputMask  []float64 // M_x (H, I) row-major, 0/1; "input2rec.mask"
	RecMask    []float64 // M_r (H, H); "rec2rec.mask"
	OutputMask []float64 // M_o (O, H); "rec2output.mask"
}

// ConstraintNames are the names under which WriteNPZ stores the
// constraints, in the order DaleSign, InputMask, RecMask, OutputMask.
func ConstraintNames() [4]string {
	return [4]string{"dale_sign", "input2rec.mask", "rec2rec.mask", "rec2output.mask"}
}

// constraintSlices returns pointers to the constraint fields in the order
// of ConstraintNames.
func (w *Weights) constraintSlices() [4]*[]float64 {
	return [4]*[]float64{&w.DaleSign, &w.InputMask, &w.RecMask, &w.OutputMask}
}

// constraintShapes returns the shapes of the constraints for cfg, in the
// order of ConstraintNames.
func constraintShapes(cfg Config) [4]tensor.Shape {
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	return [4]tensor.Shape{{H}, {H, I}, {H, H}, {O, H}}
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
	out := fromTensors(ts)
	dst := out.constraintSlices()
	for i, c := range w.constraintSlices() {
		if *c != nil {
			*dst[i] = append([]float64(nil), *c...)
		}
	}
	return out
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
	cs := constraintShapes(cfg)
	for i, c := range w.constraintSlices() {
		if *c == nil {
			continue
		}
		name := ConstraintNames()[i]
		if len(*c) != cs[i].TotalSize() {
			return fmt.Errorf("weights: %s has %d elements, want %d (shape %v)", name, len(*c), cs[i].TotalSize(), cs[i])
		}
		if i == 0 {
			if err := checkSigns(*c); err != nil {
				return fmt.Errorf("weights: %s: %w", name, err)
			}
		} else if err := checkMask(*c); err != nil {
			return fmt.Errorf("weights: %s: %w", name, err)
		}
	}
	return nil
}

// checkSigns returns an error unless every value of d is +1 or -1.
func checkSigns(d []float64) error {
	for i, v := range d {
		if v != 1 && v != -1 {
			return fmt.Errorf("holds %v at index %d, want only +1 (excitatory) and -1 (inhibitory)", v, i)
		}
	}
	return nil
}

// SaveNPZ writes the weights to path as an .npz archive (WriteNPZ),
// atomically: path holds the old file or the complete new one, never a
// part (fileio.WriteFile).
func (w *Weights) SaveNPZ(path string) error {
	if err := fileio.WriteFile(path, w.WriteNPZ); err != nil {
		return fmt.Errorf("save weights: %w", err)
	}
	return nil
}

// WriteNPZ writes the weights to out as an .npz archive of float32 arrays
// under the state_dict names and shapes, so that
// net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(path).items()})
// loads them into the tutorial's PyTorch class. Float64 weights are rounded
// to float32. The constraints that are set follow, as float32 arrays under
// ConstraintNames (dale_sign (H) of ±1, the masks of 0/1 in their matrices'
// shapes); an unconstrained network's archive holds the five tensors only.
// The same weights always give the same bytes.
func (w *Weights) WriteNPZ(out io.Writer) error {
	z := fileio.NewNPZWriter(out)
	for i, t := range w.Tensors() {
		v := float64s(t)
		f := make([]float32, len(v))
		for j, x := range v {
			f[j] = float32(x)
		}
		if err := z.Add(StateDictNames[i], f, t.Shape()...); err != nil {
			return fmt.Errorf("save weights: %w", err)
		}
	}
	shapes := w.constraintShapesFromTensors()
	for i, c := range w.constraintSlices() {
		if *c == nil {
			continue
		}
		f := make([]float32, len(*c))
		for j, x := range *c {
			f[j] = float32(x)
		}
		if err := z.Add(ConstraintNames()[i], f, shapes[i]...); err != nil {
			return fmt.Errorf("save weights: %w", err)
		}
	}
	return z.Close()
}

// LoadWeightsNPZ reads float32 weights for cfg from the .npz archive at
// path, written by SaveNPZ or by numpy.savez from a PyTorch state_dict
// (see ReadWeightsNPZ).
func LoadWeightsNPZ(path string, cfg Config) (*Weights, error) {
	z, err := fileio.OpenNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("load weights: %w", err)
	}
	defer z.Close()
	w, err := readWeights(z.NPZReader, cfg)
	if err != nil {
		return nil, fmt.Errorf("load weights %q: %w", path, err)
	}
	return w, nil
}

// ReadWeightsNPZ reads float32 weights for cfg from an .npz archive of
// size bytes read through r, with the semantics of PyTorch's
// load_state_dict(strict=True): every state_dict name must be present,
// no other array may be (except the constraints under ConstraintNames,
// which are read into the Weights: dale_sign of ±1, masks of 0/1, in the
// shapes WriteNPZ gives them), and each array must have exactly the shape
// the configuration gives (rec2rec.bias of shape (1, H) is refused, as PyTorch
// refuses it). Arrays stored as float64 are accepted and rounded to
// float32; C and Fortran order are accepted. The error names the array
// that is missing, unexpected, of the wrong shape or dtype, or holding a
// NaN or an infinity. Shapes are checked before any array is read, so a
// corrupt or hostile file costs no more memory than the configuration's
// weights.
func ReadWeightsNPZ(r io.ReaderAt, size int64, cfg Config) (*Weights, error) {
	z, err := fileio.NewNPZReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("load weights: %w", err)
	}
	return readWeights(z, cfg)
}

// constraintShapesFromTensors returns the constraint shapes for the sizes
// of w's tensors.
func (w *Weights) constraintShapesFromTensors() [4]tensor.Shape {
	s := w.RecOut.Shape()
	return constraintShapes(Config{NInput: w.InputRec.Shape()[1], NHidden: s[1], NOutput: s[0]})
}

func readWeights(z *fileio.NPZReader, cfg Config) (*Weights, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	want := shapes(cfg)
	known := map[string]bool{}
	for _, name := range ConstraintNames() {
		known[name] = true // optional
	}
	var missing []string
	for _, name := range StateDictNames {
		known[name] = true
		if !z.Has(name) {
			missing = append(missing, name)
		}
	}
	var unexpected []string
	for _, name := range z.Names() {
		if !known[name] {
			unexpected = append(unexpected, name)
		}
	}
	if len(missing) > 0 || len(unexpected) > 0 {
		return nil, fmt.Errorf("state_dict mismatch: missing array(s) %q, unexpected array(s) %q (want exactly %q, and optionally the constraints %q)", missing, unexpected, StateDictNames, ConstraintNames())
	}
	headers := make([]fileio.Header, len(StateDictNames))
	for i, name := range StateDictNames {
		h, err := z.Header(name) // errors name the member
		if err != nil {
			return nil, err
		}
		if !slices.Equal(h.Shape, []int(want[i])) {
			return nil, fmt.Errorf("array %q has shape %s, want %s for this configuration (as PyTorch's load_state_dict, shapes must match exactly)",
				name, fileio.ShapeString(h.Shape), fileio.ShapeString(want[i]))
		}
		if h.Dtype != fileio.Float32 && h.Dtype != fileio.Float64 {
			return nil, fmt.Errorf("array %q has dtype %s, want float32 or float64", name, h.Dtype)
		}
		headers[i] = h
	}
	var ts [5]*tensor.Dense
	for i, name := range StateDictNames {
		a, err := z.Read(name)
		if err != nil {
			return nil, err
		}
		var v []float64
		switch d := a.Data.(type) {
		case []float32:
			v = make([]float64, len(d))
			for j, x := range d {
				v[j] = float64(x)
			}
		case []float64:
			v = d
		}
		if a.Dtype != headers[i].Dtype || len(v) != want[i].TotalSize() {
			return nil, fmt.Errorf("array %q changed while it was read", name)
		}
		for j, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > math.MaxFloat32 {
				return nil, fmt.Errorf("array %q holds a non-finite float32 value %v at flat index %d", name, x, j)
			}
		}
		ts[i] = newDense(tensor.Float32, want[i], v)
	}
	w := fromTensors(ts)
	cs := constraintShapes(cfg)
	for i, name := range ConstraintNames() {
		if !z.Has(name) {
			continue
		}
		h, err := z.Header(name)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(h.Shape, []int(cs[i])) {
			return nil, fmt.Errorf("array %q has shape %s, want %s for this configuration",
				name, fileio.ShapeString(h.Shape), fileio.ShapeString(cs[i]))
		}
		a, err := z.Read(name)
		if err != nil {
			return nil, err
		}
		v, err := numbers(a.Data)
		if err != nil {
			return nil, fmt.Errorf("array %q: %w", name, err)
		}
		if len(v) != cs[i].TotalSize() {
			return nil, fmt.Errorf("array %q changed while it was read", name)
		}
		*w.constraintSlices()[i] = v
	}
	if err := w.check(cfg); err != nil {
		return nil, err
	}
	return w, nil
}
