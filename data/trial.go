package data

import "fmt"

// Period is one scheduled period of a trial: [Start, End) in ms and
// [StartIdx, EndIdx) in rows of the trial's arrays, as NeuroGym's start_t,
// end_t, start_ind and end_ind (StartIdx = int(Start/dt), EndIdx =
// int(End/dt)). A period shorter than a step has StartIdx == EndIdx.
type Period struct {
	Name             string
	Start, End       float64 // ms
	StartIdx, EndIdx int     // rows
}

// Steps returns the number of rows of the period.
func (p Period) Steps() int { return p.EndIdx - p.StartIdx }

// Trial is one trial of a task: NeuroGym's trial dict (Vars), the
// observation and target arrays, and the periods.
//
// Ob is (T, ObsDim) row-major: Ob[t*ObsDim+i], float32 as NeuroGym's
// observation space. For a Discrete action space Gt is (T), the correct
// action at each row (NeuroGym's int64 gt), and GtVec is empty; for a Box
// action space GtVec is (T, ActDim) float32 and Gt is empty.
type Trial struct {
	// Task is the index of the task that made the trial within a schedule
	// (NeuroGym's ScheduleEnvs.i_env); 0 for a single task.
	Task int
	// Vars is NeuroGym's trial dict: the trial variables in insertion order.
	Vars Vars

	T      int     // rows
	Dt     float64 // ms per row
	ObsDim int
	Ob     []float32

	ActKind SpaceKind
	ActDim  int // Discrete: number of actions; Box: vector length
	Gt      []int
	GtVec   []float32

	// Periods are the periods added while building the trial, in the order
	// they were added (they may overlap and need not start at 0).
	Periods []Period
}

// Period returns the trial's period called name and whether it exists.
func (tr *Trial) Period(name string) (Period, bool) {
	for _, p := range tr.Periods {
		if p.Name == name {
			return p, true
		}
	}
	return Period{}, false
}

// Row returns observation row t (length ObsDim), sharing memory with Ob.
func (tr *Trial) Row(t int) []float32 { return tr.Ob[t*tr.ObsDim : (t+1)*tr.ObsDim] }

// GtRow returns target row t of a Box task (length ActDim), sharing memory.
func (tr *Trial) GtRow(t int) []float32 { return tr.GtVec[t*tr.ActDim : (t+1)*tr.ActDim] }

// CopyFrom makes tr a deep copy of src, reusing tr's memory.
func (tr *Trial) CopyFrom(src *Trial) {
	tr.Task = src.Task
	tr.Vars.CopyFrom(&src.Vars)
	tr.T, tr.Dt, tr.ObsDim = src.T, src.Dt, src.ObsDim
	tr.Ob = append(tr.Ob[:0], src.Ob...)
	tr.ActKind, tr.ActDim = src.ActKind, src.ActDim
	tr.Gt = append(tr.Gt[:0], src.Gt...)
	tr.GtVec = append(tr.GtVec[:0], src.GtVec...)
	tr.Periods = append(tr.Periods[:0], src.Periods...)
}

// Clone returns a deep copy of tr.
func (tr *Trial) Clone() *Trial {
	c := &Trial{}
	c.CopyFrom(tr)
	return c
}

// Validate checks that the arrays have the lengths T, ObsDim and ActDim
// imply and that targets are valid actions.
func (tr *Trial) Validate() error {
	if tr.T < 0 || len(tr.Ob) != tr.T*tr.ObsDim {
		return fmt.Errorf("trial: len(Ob) = %d, want T*ObsDim = %d*%d", len(tr.Ob), tr.T, tr.ObsDim)
	}
	switch tr.ActKind {
	case Discrete:
		if len(tr.Gt) != tr.T {
			return fmt.Errorf("trial: len(Gt) = %d, want T = %d", len(tr.Gt), tr.T)
		}
		for t, g := range tr.Gt {
			if g < 0 || g >= tr.ActDim {
				return fmt.Errorf("trial: Gt[%d] = %d, want an action in [0, %d)", t, g, tr.ActDim)
			}
		}
	case Box:
		if len(tr.GtVec) != tr.T*tr.ActDim {
			return fmt.Errorf("trial: len(GtVec) = %d, want T*ActDim = %d*%d", len(tr.GtVec), tr.T, tr.ActDim)
		}
	}
	return nil
}
