package analyze

import (
	"io"

	"github.com/taskrnn/taskrnn/data/fileio"
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
// The archive is uncompressed, like numpy.savez (fileio.NPZWriter).
// It returns Validate's error or an error from writing the file.
func WriteNPZ(path string, a *Activity) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return fileio.WriteFile(path, a.writeNPZ)
}

// writeNPZ writes a's arrays as an .npz archive to w (see WriteNPZ).
func (a *Activity) writeNPZ(w io.Writer) error {
	if err := a.Validate(); err != nil {
		return err
	}
	z := fileio.NewNPZWriter(w)
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
		if err := z.Add(arr.name, arr.data, arr.shape...); err != nil {
			return err
		}
	}
	return z.Close()
}

func convert[D, S int | int32 | int64](s []S) []D {
	d := make([]D, len(s))
	for i, v := range s {
		d[i] = D(v)
	}
	return d
}
