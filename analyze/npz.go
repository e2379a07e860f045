package analyze

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteNPZ writes a's arrays to path as a NumPy .npz archive, atomically.
// numpy.load(path) then gives:
//
//	inputs       float32 (N, T, I)   observations: fixation, one channel per ring location
//	hidden       float32 (N, T, H)   hidden states
//	outputs      float32 (N, T, O)   output logits
//	target       int32   (N, T)      desired action per step
//	steps        int32   (N)         real steps per trial (later steps are zero padding)
//	ground_truth int64   (N)         correct ring location, 0-based
//	coh          float64 (N)         coherence, percent
//	choice       int64   (N)         action at the last step (0 fixate, k chooses location k-1)
//	correct      bool    (N)         choice == target at the last step
//	dt           float64 ()          step length, ms
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
		arrays := []struct {
			name  string
			data  any
			shape []int
		}{
			{"inputs", a.Inputs, []int{a.N, a.T, a.I}},
			{"hidden", a.Hidden, []int{a.N, a.T, a.H}},
			{"outputs", a.Outputs, []int{a.N, a.T, a.O}},
			{"target", a.Target, []int{a.N, a.T}},
			{"steps", convert[int32](a.Steps), []int{a.N}},
			{"ground_truth", convert[int64](a.GroundTruth), []int{a.N}},
			{"coh", a.Coh, []int{a.N}},
			{"choice", convert[int64](a.Choice), []int{a.N}},
			{"correct", a.Correct, []int{a.N}},
			{"dt", []float64{a.Dt}, nil},
		}
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
