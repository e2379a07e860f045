package data

import "fmt"

// PeriodSpec declares one period of a task: its name and timing.
type PeriodSpec struct {
	Name   string
	Timing TimingSpec
}

// Period is one scheduled period of a trial: [Start, End) in ms and
// [StartIdx, EndIdx) in rows of the trial's arrays. A zero-length period has
// StartIdx == EndIdx.
type Period struct {
	Name             string
	Start, End       float64 // ms
	StartIdx, EndIdx int     // rows
}

// Trial is one trial: its observation and target arrays, its periods and the
// per-trial record (ground truth and coherence for PerceptualDecisionMaking).
//
// Ob is (T, ObsDim) row-major: Ob[t*ObsDim+i]. Gt is (T): the correct action
// at each row. The engine methods (Schedule, AddOb, SetGt, AddRandn) build a
// trial the way NeuroGym's TrialEnv does; a task declares its periods, what is
// shown in each and the correct output, and the engine does the bookkeeping.
type Trial struct {
	GroundTruth int     // 0-based choice
	Coh         float64 // coherence, percent
	T, ObsDim   int
	Dt          float64 // ms per row
	Ob          []float32
	Gt          []int
	Periods     []Period // in schedule order, back to back from t = 0
}

// Period returns the scheduled period called name and whether it exists.
func (tr *Trial) Period(name string) (Period, bool) {
	for _, p := range tr.Periods {
		if p.Name == name {
			return p, true
		}
	}
	return Period{}, false
}

// Rows returns the row range [start, end) of period name; it panics if the
// trial has no such period.
func (tr *Trial) Rows(name string) (start, end int) {
	p, ok := tr.Period(name)
	if !ok {
		panic(fmt.Sprintf("data: trial has no period %q", name))
	}
	return p.StartIdx, p.EndIdx
}

// Row returns observation row t (length ObsDim), sharing memory with Ob.
func (tr *Trial) Row(t int) []float32 { return tr.Ob[t*tr.ObsDim : (t+1)*tr.ObsDim] }

// Schedule starts building a trial: it samples the duration of each period in
// order from r (floored to dt, see TimingSpec.Sample), lays the periods back
// to back from t = 0 (start index int(start/dt), end index int(end/dt)),
// sets T = int(end/dt) of the last period, and resizes Ob (T, obsDim) and Gt
// (T) to zeros, reusing their memory when large enough. Specs must be valid.
func (tr *Trial) Schedule(dt float64, obsDim int, r *RandomState, periods []PeriodSpec) {
	tr.Periods = tr.Periods[:0]
	tr.Dt = dt
	tr.ObsDim = obsDim
	start, tmax := 0.0, 0.0
	for _, ps := range periods {
		d := ps.Timing.Sample(r, dt)
		end := start + d
		tr.Periods = append(tr.Periods, Period{
			Name: ps.Name, Start: start, End: end,
			StartIdx: int(start / dt), EndIdx: int(end / dt),
		})
		if end > tmax {
			tmax = end
		}
		start = end
	}
	tr.T = int(tmax / dt)
	n := tr.T * obsDim
	if cap(tr.Ob) < n {
		tr.Ob = make([]float32, n)
	} else {
		tr.Ob = tr.Ob[:n]
		clear(tr.Ob)
	}
	if cap(tr.Gt) < tr.T {
		tr.Gt = make([]int, tr.T)
	} else {
		tr.Gt = tr.Gt[:tr.T]
		clear(tr.Gt)
	}
}

// AddOb adds v to observation column col in every row of period (NumPy
// semantics: the float32 value and v are added in float64, the sum is stored
// as float32). Unknown periods panic.
func (tr *Trial) AddOb(period string, col int, v float64) {
	s, e := tr.Rows(period)
	for t := s; t < e; t++ {
		p := &tr.Ob[t*tr.ObsDim+col]
		*p = float32(float64(*p) + v)
	}
}

// AddObRow adds vals[j] to column col0+j in every row of period (same
// rounding as AddOb).
func (tr *Trial) AddObRow(period string, col0 int, vals []float64) {
	s, e := tr.Rows(period)
	for t := s; t < e; t++ {
		row := tr.Ob[t*tr.ObsDim+col0 : t*tr.ObsDim+col0+len(vals)]
		for j, v := range vals {
			row[j] = float32(float64(row[j]) + v)
		}
	}
}

// AddRandn adds mu + sigma*N(0,1) to columns [col0, col1) of every row of
// period, drawing the normals from r row by row, column fastest, as NeuroGym's
// add_randn does (the noise is computed in float64 and the sum stored as
// float32).
func (tr *Trial) AddRandn(period string, col0, col1 int, mu, sigma float64, r *RandomState) {
	s, e := tr.Rows(period)
	if col0 == 0 && col1 == tr.ObsDim {
		r.addNormals(tr.Ob[s*tr.ObsDim:e*tr.ObsDim], mu, sigma)
		return
	}
	for t := s; t < e; t++ {
		r.addNormals(tr.Ob[t*tr.ObsDim+col0:t*tr.ObsDim+col1], mu, sigma)
	}
}

// SetGt sets the target of every row of period to action. Unknown periods panic.
func (tr *Trial) SetGt(period string, action int) {
	s, e := tr.Rows(period)
	for t := s; t < e; t++ {
		tr.Gt[t] = action
	}
}

// Clone returns a deep copy of tr.
func (tr *Trial) Clone() *Trial {
	c := *tr
	c.Ob = append([]float32(nil), tr.Ob...)
	c.Gt = append([]int(nil), tr.Gt...)
	c.Periods = append([]Period(nil), tr.Periods...)
	return &c
}
