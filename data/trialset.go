package data

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// TrialSet is a run of consecutive trials of one task, as printed by
// cmd/task: the first trials after seeding with Seed.
type TrialSet struct {
	Name   string // optional label, written last when not empty
	Task   Task   // the task (spaces, ids)
	Kwargs []byte // the constructor keywords as given (JSON object)
	Seed   uint32
	Trials []*Trial
}

// GenerateTrials seeds task with IntSeed(seed) and returns its first n
// trials (copies). Errors: n < 0, errors drawing a trial.
func GenerateTrials(task Task, kwargs []byte, seed uint32, n int) (*TrialSet, error) {
	if n < 0 {
		return nil, fmt.Errorf("n = %d: number of trials must be >= 0", n)
	}
	task.Seed(IntSeed(seed))
	s := &TrialSet{Task: task, Kwargs: kwargs, Seed: seed}
	for i := 0; i < n; i++ {
		tr, err := task.NewTrial(nil)
		if err != nil {
			return nil, err
		}
		s.Trials = append(s.Trials, tr.Clone())
	}
	return s, nil
}

// SpaceJSON returns the space as NeuroGym golden files print it, e.g.
// {"type": "Discrete", "shape": [], "n": 3, "name": {"fixation": 0, "choice": "range(1, 3)"}}.
func SpaceJSON(s Space) string {
	b := []byte(`{"type": "` + s.Kind.String() + `", "shape": [`)
	if s.Kind == Box {
		b = strconv.AppendInt(b, int64(s.Dim), 10)
	}
	b = append(b, ']')
	if s.Kind == Discrete {
		b = append(b, `, "n": `...)
		b = strconv.AppendInt(b, int64(s.Dim), 10)
	}
	if len(s.Names) > 0 {
		b = append(b, `, "name": {`...)
		for i, c := range s.Names {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, pyString(c.Name)...)
			b = append(b, ": "...)
			b = append(b, c.JSON()...)
		}
		b = append(b, '}')
	}
	return string(append(b, '}'))
}

// WriteJSON writes the set as one line of JSON in the layout of NeuroGym
// golden files (../shared/golden/tasks; Python json.dumps formatting): task,
// [tasks,] kwargs, seed, dt, observation_space, action_space, trials (each
// [task_index, task,] trial, ob, gt)[, name]. ob values are the float32
// values written as doubles. No trailing newline.
func (s *TrialSet) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	envs := s.Task.Envs()
	_, sched := s.Task.(*Schedule)
	bw.WriteString(`{"task": ` + pyString(s.Task.ID()))
	if sched {
		bw.WriteString(`, "tasks": [`)
		for i, e := range envs {
			if i > 0 {
				bw.WriteString(", ")
			}
			bw.WriteString(pyString(e.ID()))
		}
		bw.WriteString("]")
	}
	bw.WriteString(`, "kwargs": `)
	kw := s.Kwargs
	if len(kw) == 0 {
		kw = []byte("{}")
	}
	if err := writePyJSON(bw, kw); err != nil {
		return fmt.Errorf("kwargs: %w", err)
	}
	bw.WriteString(`, "seed": ` + strconv.FormatUint(uint64(s.Seed), 10))
	bw.WriteString(`, "dt": ` + pyFloat(s.Task.Dt()))
	bw.WriteString(`, "observation_space": ` + SpaceJSON(s.Task.ObSpace()))
	bw.WriteString(`, "action_space": ` + SpaceJSON(s.Task.ActSpace()))
	bw.WriteString(`, "trials": [`)
	var num []byte
	for i, tr := range s.Trials {
		if i > 0 {
			bw.WriteString(", ")
		}
		bw.WriteString("{")
		if sched {
			bw.WriteString(`"task_index": ` + strconv.Itoa(tr.Task) + `, "task": ` + pyString(envs[tr.Task].ID()) + ", ")
		}
		bw.WriteString(`"trial": `)
		bw.Write(tr.Vars.AppendJSON(num[:0]))
		bw.WriteString(`, "ob": [`)
		for t := 0; t < tr.T; t++ {
			if t > 0 {
				bw.WriteString(", ")
			}
			bw.WriteByte('[')
			for k, v := range tr.Row(t) {
				if k > 0 {
					bw.WriteString(", ")
				}
				num = appendPyFloat(num[:0], float64(v))
				bw.Write(num)
			}
			bw.WriteByte(']')
		}
		bw.WriteString(`], "gt": [`)
		for t := 0; t < tr.T; t++ {
			if t > 0 {
				bw.WriteString(", ")
			}
			if tr.ActKind == Box {
				bw.WriteByte('[')
				for k, v := range tr.GtRow(t) {
					if k > 0 {
						bw.WriteString(", ")
					}
					num = appendPyFloat(num[:0], float64(v))
					bw.Write(num)
				}
				bw.WriteByte(']')
			} else {
				bw.WriteString(strconv.Itoa(tr.Gt[t]))
			}
		}
		bw.WriteString("]}")
	}
	bw.WriteString("]")
	if s.Name != "" {
		bw.WriteString(`, "name": ` + pyString(s.Name))
	}
	bw.WriteString("}")
	return bw.Flush()
}

// VarArray is one trial variable across trials, for .npz files: Int (int64),
// Float (float64, NaN where a trial lacks the variable) or Bool values, one
// per trial, or rows of a fixed-length list (Floats, (n, Width)).
type VarArray struct {
	Name  string
	Kind  VarKind // IntVar, FloatVar, BoolVar, or IntsVar/FloatsVar for lists
	Width int     // list length (lists only)
	Int   []int64
	Float []float64
	Bool  []bool
}

// VarArrays collects the trial variables vars (one dict per trial) into arrays, in the
// order they first appear: a scalar variable present in every trial keeps
// its kind (ints widened to floats if some trials hold floats); one missing
// from some trials becomes float64 with NaN there (bools as 0/1); lists of
// one fixed length become (n, len) float64 arrays; strings and lists of
// varying length are left out (they are in the JSON form of the trials).
func VarArrays(vars []*Vars) []VarArray {
	type info struct {
		kind    VarKind
		width   int
		count   int
		mixed   bool
		varying bool
	}
	var order []string
	seen := map[string]*info{}
	for _, vs := range vars {
		for _, v := range vs.All() {
			in, ok := seen[v.Name]
			if !ok {
				in = &info{kind: v.Kind, width: len(v.List)}
				seen[v.Name] = in
				order = append(order, v.Name)
			}
			in.count++
			switch {
			case in.kind == v.Kind:
				if (v.Kind == IntsVar || v.Kind == FloatsVar) && len(v.List) != in.width {
					in.varying = true
				}
			case v.IsScalar() && (in.kind == IntVar || in.kind == FloatVar || in.kind == BoolVar):
				in.mixed = true
			default:
				in.varying = true
			}
		}
	}
	n := len(vars)
	var out []VarArray
	for _, name := range order {
		in := seen[name]
		if in.kind == StringVar || in.varying {
			continue
		}
		a := VarArray{Name: name, Kind: in.kind}
		if in.kind == IntsVar || in.kind == FloatsVar {
			a.Kind, a.Width = FloatsVar, in.width
			a.Float = make([]float64, n*in.width)
			for i, vs := range vars {
				v, ok := vs.Get(name)
				for k := 0; k < in.width; k++ {
					a.Float[i*in.width+k] = math.NaN()
					if ok {
						a.Float[i*in.width+k] = v.List[k]
					}
				}
			}
			out = append(out, a)
			continue
		}
		if in.mixed || in.count < n {
			a.Kind = FloatVar
		}
		for _, vs := range vars {
			v, ok := vs.Get(name)
			switch a.Kind {
			case IntVar:
				a.Int = append(a.Int, int64(v.Num))
			case BoolVar:
				a.Bool = append(a.Bool, v.Num != 0)
			default:
				x := math.NaN()
				if ok {
					x = v.Num
				}
				a.Float = append(a.Float, x)
			}
		}
		out = append(out, a)
	}
	return out
}

// NPZ layout written by WriteNPZ (n trials, Tmax the longest trial):
//
//	ob          float32 (n, Tmax, obs_dim)  observations, zero after a trial's end
//	gt          int64   (n, Tmax)           targets, -1 after a trial's end (Discrete)
//	            float32 (n, Tmax, act_dim)  target vectors, NaN after a trial's end (Box)
//	trial_len   int64   (n,)                rows of each trial
//	task_index  int64   (n,)                task of each trial within a schedule
//	<variable>  (n,) or (n, len)            each trial variable (see VarArrays)
//	trials_json uint8   (len,)              the trial dicts as a JSON list (bytes(a).decode())
//	seed        int64   ()                  environment seed
//	dt          float64 ()                  ms per row
//	kwargs      uint8   (len,)              the kwargs JSON text as UTF-8 bytes

// WriteNPZ writes the set as a NumPy .npz archive (layout above) to path,
// atomically (fileio.WriteFile). Every array loads in NumPy, empty ones
// included (-n 0).
func (s *TrialSet) WriteNPZ(path string) error {
	n := len(s.Trials)
	tmax := 0
	for _, tr := range s.Trials {
		tmax = max(tmax, tr.T)
	}
	obsDim := s.Task.ObSpace().Dim
	act := s.Task.ActSpace()
	ob := make([]float32, n*tmax*obsDim)
	var gtInt []int64
	var gtVec []float32
	if act.Kind == Box {
		gtVec = make([]float32, n*tmax*act.Dim)
		for k := range gtVec {
			gtVec[k] = float32(math.NaN())
		}
	} else {
		gtInt = make([]int64, n*tmax)
		for k := range gtInt {
			gtInt[k] = -1
		}
	}
	lens := make([]int64, n)
	tasks := make([]int64, n)
	vars := make([]*Vars, n)
	js := []byte{'['}
	for i, tr := range s.Trials {
		copy(ob[i*tmax*obsDim:], tr.Ob[:tr.T*obsDim])
		if act.Kind == Box {
			copy(gtVec[i*tmax*act.Dim:], tr.GtVec[:tr.T*act.Dim])
		} else {
			for t, g := range tr.Gt {
				gtInt[i*tmax+t] = int64(g)
			}
		}
		lens[i] = int64(tr.T)
		tasks[i] = int64(tr.Task)
		vars[i] = &tr.Vars
		if i > 0 {
			js = append(js, ", "...)
		}
		js = tr.Vars.AppendJSON(js)
	}
	js = append(js, ']')
	kw := s.Kwargs
	if len(kw) == 0 {
		kw = []byte("{}")
	}
	type member struct {
		name  string
		v     any
		shape []int
	}
	members := []member{{"ob", ob, []int{n, tmax, obsDim}}}
	if act.Kind == Box {
		members = append(members, member{"gt", gtVec, []int{n, tmax, act.Dim}})
	} else {
		members = append(members, member{"gt", gtInt, []int{n, tmax}})
	}
	members = append(members, member{"trial_len", lens, []int{n}}, member{"task_index", tasks, []int{n}})
	for _, a := range VarArrays(vars) {
		switch {
		case a.Kind == IntVar:
			members = append(members, member{a.Name, a.Int, []int{n}})
		case a.Kind == BoolVar:
			members = append(members, member{a.Name, a.Bool, []int{n}})
		case a.Width > 0:
			members = append(members, member{a.Name, a.Float, []int{n, a.Width}})
		default:
			members = append(members, member{a.Name, a.Float, []int{n}})
		}
	}
	members = append(members,
		member{"trials_json", js, []int{len(js)}}, member{"seed", []int64{int64(s.Seed)}, nil},
		member{"dt", []float64{s.Task.Dt()}, nil}, member{"kwargs", append([]uint8(nil), kw...), []int{len(kw)}})
	return fileio.WriteFile(path, func(f io.Writer) error {
		zw := fileio.NewNPZWriter(f)
		for _, m := range members {
			if err := zw.Add(m.name, m.v, m.shape...); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		return zw.Close()
	})
}
