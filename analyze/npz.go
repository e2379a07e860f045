package analyze

import (
	"fmt"
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
	t, err := a.Trials()
	if err != nil {
		return err
	}
	return writeActivityNPZ(w, t, a.T, [4]int{a.I, a.H, a.O, 1}, a.Dt, func(k, n int) any {
		s := t.Steps[n]
		switch k {
		case 0:
			return a.Inputs[n*a.T*a.I : (n*a.T+s)*a.I]
		case 1:
			return a.Hidden[n*a.T*a.H : (n*a.T+s)*a.H]
		case 2:
			return a.Outputs[n*a.T*a.O : (n*a.T+s)*a.O]
		}
		return a.Target[n*a.T : n*a.T+s]
	})
}

// perStepArrays are the names of activity.npz's per-step arrays, in the
// order of writeActivityNPZ's rows argument.
func perStepArrays() [4]string { return [4]string{"inputs", "hidden", "outputs", "target"} }

// writeActivityNPZ writes activity.npz (layout at WriteNPZ) for the trials
// t, padded to T steps: width gives the last dimension of inputs, hidden,
// outputs and target (1), and rows(k, n) returns the real steps of trial n
// of per-step array k ([]float32 for k < 3, []int32 for target), read in
// order k = 0..3, n = 0..N-1, so that they can come from a stream. Padded
// steps are written as zeros.
func writeActivityNPZ(w io.Writer, t *Trials, T int, width [4]int, dt float64, rows func(k, n int) any) error {
	z := fileio.NewNPZWriter(w)
	zf := make([]float32, T*max(width[0], width[1], width[2]))
	zi := make([]int32, T)
	for k, name := range perStepArrays() {
		d := fileio.Float32
		shape := []int{t.N, T, width[k]}
		if k == 3 {
			d, shape = fileio.Int32, []int{t.N, T}
		}
		aw, err := z.Create(name, d, shape...)
		if err != nil {
			return err
		}
		for n := range t.N {
			r := rows(k, n)
			if r == nil {
				return fmt.Errorf("activity: %s of trial %d is missing", name, n)
			}
			if err := aw.Write(r); err != nil {
				return err
			}
			pad := (T - t.Steps[n]) * width[k]
			var zeros any = zf[:pad]
			if k == 3 {
				zeros = zi[:pad]
			}
			if err := aw.Write(zeros); err != nil {
				return err
			}
		}
		if err := aw.Close(); err != nil {
			return err
		}
	}
	for _, arr := range []struct {
		name  string
		data  any
		shape []int
	}{
		{"steps", convert[int32](t.Steps), []int{t.N}},
		{"ground_truth", convert[int64](t.GroundTruth), []int{t.N}},
		{"coh", t.Coh, []int{t.N}},
		{"choice", convert[int64](t.Choice), []int{t.N}},
		{"correct", t.Correct, []int{t.N}},
		{"dt", []float64{dt}, nil},
	} {
		if err := z.Add(arr.name, arr.data, arr.shape...); err != nil {
			return err
		}
	}
	return z.Close()
}

// activityNPZBytes is the size of activity.npz for n trials of T steps.
func activityNPZBytes(n, T int, width [4]int) float64 {
	N, t := float64(n), float64(T)
	return N*t*4*float64(width[0]+width[1]+width[2]+1) + N*(4+8+8+8+1) + 10*200
}

func convert[D, S int | int32 | int64](s []S) []D {
	d := make([]D, len(s))
	for i, v := range s {
		d[i] = D(v)
	}
	return d
}
