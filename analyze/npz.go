package analyze

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
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
	return writeActivityNPZ(w, t, a.T, targetWidth(a.I, a.H, a.O, a.ActKind), a.Dt, func(k, n int) any {
		s := t.Steps[n]
		switch k {
		case 0:
			return a.Inputs[n*a.T*a.I : (n*a.T+s)*a.I]
		case 1:
			return a.Hidden[n*a.T*a.H : (n*a.T+s)*a.H]
		case 2:
			return a.Outputs[n*a.T*a.O : (n*a.T+s)*a.O]
		}
		if a.ActKind == data.Box {
			return a.TargetVec[n*a.T*a.O : (n*a.T+s)*a.O]
		}
		return a.Target[n*a.T : n*a.T+s]
	})
}

// perStepArrays are the names of activity.npz's per-step arrays, in the
// order of writeActivityNPZ's rows argument.
func perStepArrays() [4]string { return [4]string{"inputs", "hidden", "outputs", "target"} }

// targetWidth returns the widths of the per-step arrays: inputs, hidden,
// outputs and target (1 action, or O values for a Box action space).
func targetWidth(i, h, o int, act data.SpaceKind) [4]int {
	if act == data.Box {
		return [4]int{i, h, o, o}
	}
	return [4]int{i, h, o, 1}
}

// writeActivityNPZ writes activity.npz (layout at WriteNPZ) for the trials
// t, padded to T steps: width gives the last dimension of inputs, hidden,
// outputs and target (1, or O for a Box action space), and rows(k, n)
// returns the real steps of trial n of per-step array k ([]float32 for
// k < 3 and a Box target, []int32 for a Discrete target), read in order
// k = 0..3, n = 0..N-1, so that they can come from a stream. Padded steps
// are written as zeros.
func writeActivityNPZ(w io.Writer, t *Trials, T int, width [4]int, dt float64, rows func(k, n int) any) error {
	z := fileio.NewNPZWriter(w)
	zf := make([]float32, T*max(width[0], width[1], width[2], width[3]))
	zi := make([]int32, T)
	box := t.ActKind == data.Box
	for k, name := range perStepArrays() {
		d := fileio.Float32
		shape := []int{t.N, T, width[k]}
		if k == 3 && !box {
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
			if k == 3 && !box {
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
	type array struct {
		name  string
		data  any
		shape []int
	}
	arrays := []array{
		{"steps", convert[int32](t.Steps), []int{t.N}},
		{"task_index", convert[int64](t.TaskIndex), []int{t.N}},
	}
	vars := make([]*data.Vars, t.N)
	js := []byte{'['}
	for n := range vars {
		vars[n] = &t.Vars[n]
		if n > 0 {
			js = append(js, ", "...)
		}
		js = t.Vars[n].AppendJSON(js)
	}
	js = append(js, ']')
	reserved := map[string]bool{}
	names := perStepArrays()
	for _, name := range append(names[:], "steps", "task_index", "choice", "correct", "performance", "dt", "trials_json", "labels_json") {
		reserved[name] = true
	}
	for _, v := range data.VarArrays(vars) {
		name := v.Name
		if reserved[name] {
			name = "trial_" + name
		}
		switch {
		case v.Kind == data.IntVar:
			arrays = append(arrays, array{name, v.Int, []int{t.N}})
		case v.Kind == data.BoolVar:
			arrays = append(arrays, array{name, v.Bool, []int{t.N}})
		case v.Width > 0:
			arrays = append(arrays, array{name, v.Float, []int{t.N, v.Width}})
		default:
			arrays = append(arrays, array{name, v.Float, []int{t.N}})
		}
	}
	labels, err := json.Marshal(struct {
		Task    string   `json:"task"`
		Tasks   []string `json:"tasks,omitempty"`
		Inputs  []string `json:"inputs"`
		Outputs []string `json:"outputs"`
	}{t.Task.ID, t.Task.Tasks, t.Task.ObNames, t.Task.ActNames})
	if err != nil {
		return err
	}
	arrays = append(arrays,
		array{"choice", convert[int64](t.Choice), []int{t.N}},
		array{"correct", t.Correct, []int{t.N}},
		array{"performance", t.Performance, []int{t.N}},
		array{"dt", []float64{dt}, nil},
		array{"trials_json", js, []int{len(js)}},
		array{"labels_json", labels, []int{len(labels)}},
	)
	for _, arr := range arrays {
		if err := z.Add(arr.name, arr.data, arr.shape...); err != nil {
			return err
		}
	}
	return z.Close()
}

// activityNPZBytes is the size of activity.npz for n trials of T steps.
func activityNPZBytes(n, T int, width [4]int) float64 {
	N, t := float64(n), float64(T)
	return N*t*4*float64(width[0]+width[1]+width[2]+width[3]) + N*(4+8+8+8+8+1+200) + 10*200
}

func convert[D, S int | int32 | int64](s []S) []D {
	d := make([]D, len(s))
	for i, v := range s {
		d[i] = D(v)
	}
	return d
}
