package analyze

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/taskrnn/taskrnn/data"
)

// WriteNPZ writes a's arrays to path as a NumPy .npz archive, atomically.
// numpy.load(path) then gives:
//
//	inputs       float32 (N, T, I)   observations (channel names in labels_json)
//	hidden       float32 (N, T, H)   hidden states
//	outputs      float32 (N, T, O)   output logits (output vectors for continuous actions)
//	target       int32   (N, T)      desired action per step (Discrete action spaces)
//	             float32 (N, T, O)   desired output vector per step (Box action spaces)
//	steps        int32   (N)         real steps per trial (later steps are zero padding)
//	task_index   int64   (N)         task of each trial within a schedule
//	<variable>   (N) or (N, len)     each trial variable (e.g. ground_truth, coh; see data.VarArrays)
//	choice       int64   (N)         action at the last step (-1 for continuous actions)
//	correct      bool    (N)         choice == target at the last step
//	performance  float64 (N)         NeuroGym's performance of the network's actions
//	dt           float64 ()          step length, ms
//	trials_json  uint8   (len,)      the trial dicts as a JSON list (bytes(a).decode())
//	labels_json  uint8   (len,)      {"task", "tasks", "inputs", "outputs"}: names as JSON
//
// The archive is uncompressed, like numpy.savez; the arrays are standard
// .npy version 1.0 entries that codeberg.org/sbinet/npyio/npz reads back.
// (npyio's own writer discovers the shape element by element, about
// 0.7 us per element, too slow for large tests; the format is simple.)
// It returns Validate's error or an error from writing the file.
func WriteNPZ(path string, a *Activity) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return writeFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		zw := zip.NewWriter(bw)
		type array struct {
			name  string
			data  any
			shape []int
		}
		target := array{"target", a.Target, []int{a.N, a.T}}
		if a.ActKind == data.Box {
			target = array{"target", a.TargetVec, []int{a.N, a.T, a.O}}
		}
		arrays := []array{
			{"inputs", a.Inputs, []int{a.N, a.T, a.I}},
			{"hidden", a.Hidden, []int{a.N, a.T, a.H}},
			{"outputs", a.Outputs, []int{a.N, a.T, a.O}},
			target,
			{"steps", convert[int32](a.Steps), []int{a.N}},
			{"task_index", convert[int64](a.TaskIndex), []int{a.N}},
		}
		vars := make([]*data.Vars, a.N)
		js := []byte{'['}
		for n := range vars {
			vars[n] = &a.Vars[n]
			if n > 0 {
				js = append(js, ", "...)
			}
			js = a.Vars[n].AppendJSON(js)
		}
		js = append(js, ']')
		reserved := map[string]bool{}
		for _, name := range []string{"inputs", "hidden", "outputs", "target", "steps", "task_index", "choice", "correct", "performance", "dt", "trials_json", "labels_json"} {
			reserved[name] = true
		}
		for _, v := range data.VarArrays(vars) {
			name := v.Name
			if reserved[name] {
				name = "trial_" + name
			}
			switch {
			case v.Kind == data.IntVar:
				arrays = append(arrays, array{name, v.Int, []int{a.N}})
			case v.Kind == data.BoolVar:
				arrays = append(arrays, array{name, v.Bool, []int{a.N}})
			case v.Width > 0:
				arrays = append(arrays, array{name, v.Float, []int{a.N, v.Width}})
			default:
				arrays = append(arrays, array{name, v.Float, []int{a.N}})
			}
		}
		labels, err := json.Marshal(struct {
			Task    string   `json:"task"`
			Tasks   []string `json:"tasks,omitempty"`
			Inputs  []string `json:"inputs"`
			Outputs []string `json:"outputs"`
		}{a.Task.ID, a.Task.Tasks, a.Task.ObNames, a.Task.ActNames})
		if err != nil {
			return err
		}
		arrays = append(arrays,
			array{"choice", convert[int64](a.Choice), []int{a.N}},
			array{"correct", a.Correct, []int{a.N}},
			array{"performance", a.Performance, []int{a.N}},
			array{"dt", []float64{a.Dt}, nil},
			array{"trials_json", js, []int{len(js)}},
			array{"labels_json", labels, []int{len(labels)}},
		)
		for _, arr := range arrays {
			ew, err := zw.CreateHeader(&zip.FileHeader{Name: arr.name + ".npy", Method: zip.Store})
			if err != nil {
				return fmt.Errorf("array %s: %w", arr.name, err)
			}
			if err := writeNpy(ew, arr.data, arr.shape); err != nil {
				return fmt.Errorf("array %s: %w", arr.name, err)
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// writeNpy writes data (a slice of float32, float64, int32, int64 or bool)
// as a C-order, little-endian .npy version 1.0 array of the given shape
// (nil for a scalar).
func writeNpy(w io.Writer, data any, shape []int) error {
	var descr string
	switch data.(type) {
	case []float32:
		descr = "<f4"
	case []float64:
		descr = "<f8"
	case []int32:
		descr = "<i4"
	case []int64:
		descr = "<i8"
	case []bool:
		descr = "|b1"
	case []uint8:
		descr = "|u1"
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
	// Pad with spaces so that magic(6)+version(2)+length(2)+header ends
	// in a newline on a 64-byte boundary, as numpy writes it.
	total := 10 + len(hdr) + 1
	hdr += strings.Repeat(" ", (64-total%64)%64) + "\n"
	head := make([]byte, 0, 10+len(hdr))
	head = append(head, "\x93NUMPY\x01\x00"...)
	head = binary.LittleEndian.AppendUint16(head, uint16(len(hdr)))
	head = append(head, hdr...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	return binary.Write(w, binary.LittleEndian, data)
}

func convert[D, S int | int32 | int64](s []S) []D {
	d := make([]D, len(s))
	for i, v := range s {
		d[i] = D(v)
	}
	return d
}
