package data

import (
	"fmt"
	"math"
)

// Rules are what makes one task: NeuroGym's _new_trial and _step. The
// engine (Env) does everything else: periods, observation and target
// arrays, the time within a trial, timeouts, performance and starting the
// next trial.
type Rules interface {
	// NewTrial is NeuroGym's _new_trial: it draws the trial variables from
	// e.Rng() in NeuroGym's order and sets them in v, applies the forced
	// variables with v.Update(cond) where NeuroGym calls
	// trial.update(kwargs), then adds the periods and builds the observation
	// and target with e's methods. cond may be nil.
	NewTrial(e *Env, v *Vars, cond *Vars) error
	// Step is NeuroGym's _step: the reward for action a at the current step
	// and whether the trial ends there. It may call e.SetPerformance.
	Step(e *Env, a Action) (reward float64, newTrial bool)
}

// TrialStarter is implemented by rules that keep per-trial state for
// stepping (NeuroGym attributes set in _new_trial, such as a reaching
// task's hand position). Replay calls StartTrial before stepping through a
// given trial; the rules call it themselves from NewTrial.
type TrialStarter interface {
	StartTrial(e *Env)
}

// Action is one action: Index for a Discrete action space, Vec for a Box.
type Action struct {
	Index int
	Vec   []float64
}

// DiscreteAction returns the action i.
func DiscreteAction(i int) Action { return Action{Index: i} }

// EnvSpec is the fixed part of a task environment.
type EnvSpec struct {
	ID       string  // NeuroGym env id, e.g. "PerceptualDecisionMaking-v0"
	Dt       float64 // ms per step (> 0)
	ObSpace  Space   // a Box
	ActSpace Space   // Discrete or Box
	Timing   Timing  // period durations (ms)
	Rewards  Rewards
	// AnswerPeriods names the periods in which the target differs from the
	// fixation action (the response). NewEnv refuses a timing in which any
	// of them can have no step at dt.
	AnswerPeriods []string
	Info          TaskInfo
}

// TaskInfo describes a task for listings and for analysis.
type TaskInfo struct {
	// Summary says in one line what the task models.
	Summary string
	// Paper and Link name the study the task comes from.
	Paper, Link string
	// Tags are NeuroGym's tags (e.g. "perceptual", "two-alternative").
	Tags []string
	// Conditions are the trial variables that define a trial's condition
	// (discrete variables); analysis reports accuracy for each of their
	// values.
	Conditions []string
	// Evidence, if not nil, makes the psychometric curve possible.
	Evidence *Evidence
}

// Evidence defines a signed evidence variable for a psychometric curve: the
// probability of choosing Positive against Value(trial).
type Evidence struct {
	// Label names the evidence and its unit, e.g. "signed coherence (%)".
	Label string
	// Positive is the action that positive evidence favours.
	Positive int
	// Value returns the trial's signed evidence: > 0 favours Positive.
	Value func(v *Vars) float64
	// Zero, if not empty, is a condition of zero evidence: forced trial
	// variables as a JSON object (NeuroGym's new_trial(**kwargs); read
	// with ParseVars) under which Value is 0 on every trial, e.g.
	// {"coh": 0}. It may also fix a variable that changes the input
	// without being evidence (a context cue) to one value, so that the
	// condition is one the task presents. The fixed-point analysis
	// searches under the input of this condition by default. Empty when no
	// forced condition gives zero evidence (evidence that compares stimuli
	// shown at different times, or variables the task does not let
	// callers force).
	Zero string
}

// Env is NeuroGym's TrialEnv (neurogym/core.py at commit ee0a140c): the
// generic engine of a trial-based task, driven by the task's Rules. For the
// same rules, keywords and seed it produces NeuroGym's trials and steps.
//
// Building a trial (called by Rules.NewTrial): AddPeriods and AddPeriod lay
// out periods (durations sampled from the timing and floored to dt, as
// sample_time); AddOb, SetOb, AddRandn and ViewOb build the observation
// (created at the first call with T = int(tmax/dt) rows); SetGt and friends
// the target. Stepping (Step, Replay) follows TrialEnv.step.
//
// An Env is not safe for concurrent use.
type Env struct {
	spec  EnvSpec
	rules Rules
	rng   *RandomState
	own   map[string]*RandomState // streams of TruncExp timing objects
	seed  Seed

	cur   Trial // the current trial
	build struct {
		tmaxRaw          float64 // NeuroGym's _tmax: end of the last period, ms
		obBuilt, gtBuilt bool
		err              error
	}
	// NeuroGym keeps these across trials: start_t/end_t of every period
	// ever added, and tmax (used by the timeout and never reset).
	periods []Period
	tmax    float64
	// slots[i] is what AddPeriod keeps about periods[i]; lastSet is the
	// index of the period set last (-1 at a trial's start) and gen counts
	// trials.
	slots   []periodSlot
	lastSet int
	gen     uint64
	rTmax   float64

	t           float64 // ms within the trial
	tInd        int
	performance float64
	started     bool
}

// NewEnv returns the environment for spec and rules, seeded with seed. It
// checks the spec: positive finite dt, valid spaces and timing, and that
// every answer period has at least one step.
func NewEnv(spec EnvSpec, rules Rules, seed Seed) (*Env, error) {
	if !(spec.Dt > 0) || math.IsInf(spec.Dt, 0) {
		return nil, fmt.Errorf("%s: dt = %v: must be a finite number of ms > 0", spec.ID, spec.Dt)
	}
	if spec.ObSpace.Kind != Box {
		return nil, fmt.Errorf("%s: observation space must be a Box", spec.ID)
	}
	if err := spec.ObSpace.Validate(); err != nil {
		return nil, fmt.Errorf("%s: observation space: %w", spec.ID, err)
	}
	if err := spec.ActSpace.Validate(); err != nil {
		return nil, fmt.Errorf("%s: action space: %w", spec.ID, err)
	}
	if err := spec.Timing.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", spec.ID, err)
	}
	for _, p := range spec.AnswerPeriods {
		s, ok := spec.Timing.Get(p)
		if !ok {
			continue // duration computed by the task; it checks itself
		}
		if m := pyFloorDiv(s.Min(), spec.Dt) * spec.Dt; m < spec.Dt {
			return nil, fmt.Errorf("%s: timing.%s can be %v ms, shorter than dt = %v ms: the %s period, which carries the answer, would have no step; make it at least dt or lower dt",
				spec.ID, p, s.Min(), spec.Dt, p)
		}
	}
	e := &Env{spec: spec, rules: rules, rng: &RandomState{}, tmax: 10000}
	e.spec.Timing = spec.Timing.Clone()
	e.spec.Rewards = spec.Rewards.Clone()
	for _, p := range e.spec.Timing {
		if p.Spec.Kind == TimingTruncExp {
			if e.own == nil {
				e.own = map[string]*RandomState{}
			}
			e.own[p.Period] = &RandomState{}
		}
	}
	e.cur.ActKind, e.cur.ActDim = spec.ActSpace.Kind, spec.ActSpace.Dim
	e.cur.ObsDim, e.cur.Dt = spec.ObSpace.Dim, spec.Dt
	e.Seed(seed)
	return e, nil
}

// Seed reseeds the environment like env.seed(s) in NeuroGym: the task's
// stream and the stream of every TruncExp timing object get s.
func (e *Env) Seed(s Seed) {
	e.seed = s
	e.rng.SeedWith(s)
	for _, r := range e.own {
		r.SeedWith(s)
	}
}

// ID returns the NeuroGym env id.
func (e *Env) ID() string { return e.spec.ID }

// Spec returns the environment's spec (timing and rewards as merged with the
// keywords).
func (e *Env) Spec() EnvSpec { return e.spec }

// Info returns the task's description.
func (e *Env) Info() TaskInfo { return e.spec.Info }

// ObSpace returns the observation space.
func (e *Env) ObSpace() Space { return e.spec.ObSpace }

// ActSpace returns the action space.
func (e *Env) ActSpace() Space { return e.spec.ActSpace }

// Dt returns the step length in ms.
func (e *Env) Dt() float64 { return e.spec.Dt }

// Rng returns the task's random stream (NeuroGym's self.rng).
func (e *Env) Rng() *RandomState { return e.rng }

// Reward returns the reward called name (NeuroGym's self.rewards[name]).
func (e *Env) Reward(name string) float64 { return e.spec.Rewards.Get(name) }

// Rules returns the task's rules (the task-specific type).
func (e *Env) Rules() Rules { return e.rules }

// NewTrial is NeuroGym's new_trial(**cond): it draws and builds the next
// trial and makes it the current trial of the stepping API, at its first
// step. The returned trial is owned by the Env and overwritten by the next
// NewTrial; Clone it to keep it. cond (may be nil) forces trial variables.
func (e *Env) NewTrial(cond *Vars) (*Trial, error) {
	e.t, e.tInd, e.performance = 0, 0, 0
	e.started = true
	if err := e.newTrial(cond); err != nil {
		return nil, err
	}
	return &e.cur, nil
}

func (e *Env) newTrial(cond *Vars) error {
	tr := &e.cur
	e.build.tmaxRaw = 0
	e.build.obBuilt, e.build.gtBuilt = false, false
	e.build.err = nil
	e.lastSet = -1
	e.gen++
	tr.Vars.Reset()
	tr.Periods = tr.Periods[:0]
	if err := e.rules.NewTrial(e, &tr.Vars, cond); err != nil {
		return fmt.Errorf("%s: new trial: %w", e.spec.ID, err)
	}
	if e.build.err != nil {
		return fmt.Errorf("%s: new trial: %w", e.spec.ID, e.build.err)
	}
	if !e.build.obBuilt {
		e.initOb()
	}
	if !e.build.gtBuilt {
		e.initGt()
	}
	for _, v := range tr.Vars.All() {
		if !v.finite() {
			return fmt.Errorf("%s: new trial: trial variable %s = %s is not finite", e.spec.ID, v.Name, v.JSON())
		}
	}
	if tr.T == 0 {
		return fmt.Errorf("%s: new trial: the trial has no step (its periods last %v ms in all, dt = %v ms)", e.spec.ID, e.build.tmaxRaw, e.spec.Dt)
	}
	return nil
}

// Fail records an error that NewTrial returns (for a value NeuroGym would
// reject with an exception while building a trial).
func (e *Env) Fail(err error) {
	if e.build.err == nil {
		e.build.err = err
	}
}

// SampleTime draws period's duration from the timing exactly as NeuroGym's
// sample_time, floored to dt: (t // dt) * dt. It panics if the timing has
// no such period (a task's programming error).
func (e *Env) SampleTime(period string) float64 {
	return e.sampleTiming(e.timingIndex(period), period)
}

// timingIndex returns the index of period in the timing, or -1.
func (e *Env) timingIndex(period string) int {
	for i := range e.spec.Timing {
		if e.spec.Timing[i].Period == period {
			return i
		}
	}
	return -1
}

// sampleTiming is SampleTime for the timing entry i (-1: panic).
func (e *Env) sampleTiming(i int, period string) float64 {
	if i < 0 {
		panic(fmt.Sprintf("data: %s: no timing for period %q", e.spec.ID, period))
	}
	s := &e.spec.Timing[i].Spec
	r := e.rng
	if s.Kind == TimingTruncExp {
		r = e.own[period]
	}
	return s.Sample(r, e.spec.Dt)
}

// PeriodOption modifies AddPeriod (Duration, After, AtTime, Before).
type PeriodOption struct {
	kind int
	name string
	ms   float64
}

const (
	optDuration = iota + 1
	optAfter
	optAt
	optBefore
)

// Duration gives the period's duration in ms instead of sampling it from
// the timing (not floored to dt, as in NeuroGym).
func Duration(ms float64) PeriodOption { return PeriodOption{kind: optDuration, ms: ms} }

// After starts the period at the end of period name.
func After(name string) PeriodOption { return PeriodOption{kind: optAfter, name: name} }

// AtTime starts the period at ms.
func AtTime(ms float64) PeriodOption { return PeriodOption{kind: optAt, ms: ms} }

// Before ends the period at the start of period name.
func Before(name string) PeriodOption { return PeriodOption{kind: optBefore, name: name} }

// AddPeriods adds periods back to back, the first starting at 0 (NeuroGym's
// add_period(list)), each with a duration sampled from the timing.
func (e *Env) AddPeriods(names ...string) {
	for i, n := range names {
		if i == 0 {
			e.AddPeriod(n)
		} else {
			e.AddPeriod(n, After(names[i-1]))
		}
	}
}

// AddPeriod is NeuroGym's add_period(name, duration, before, after): the
// duration is sampled from the timing unless Duration is given; the period
// starts at the end of After, at AtTime, ends at the start of Before, or
// starts at 0. It panics if the observation was already built or a
// referenced period does not exist (programming errors, as NeuroGym's
// assertions).
func (e *Env) AddPeriod(name string, opts ...PeriodOption) {
	if e.build.obBuilt {
		panic(fmt.Sprintf("data: %s: AddPeriod(%q) after the observation was built", e.spec.ID, name))
	}
	var d, start float64
	var after, before string
	hasD, hasAt := false, false
	for _, o := range opts {
		switch o.kind {
		case optDuration:
			d, hasD = o.ms, true
		case optAfter:
			after = o.name
		case optAt:
			start, hasAt = o.ms, true
		case optBefore:
			before = o.name
		}
	}
	slot := e.periodIndex(name)
	ti := -1
	if slot >= 0 {
		ti = e.slots[slot].timing
	} else if !hasD {
		ti = e.timingIndex(name)
	}
	if !hasD {
		d = e.sampleTiming(ti, name)
	}
	switch {
	case after != "":
		start = e.lookup(after).End
	case hasAt:
	case before != "":
		start = e.lookup(before).Start - d
	}
	if math.IsNaN(d) || math.IsInf(d, 0) || math.IsNaN(start) || math.IsInf(start, 0) || d < 0 {
		e.Fail(fmt.Errorf("period %s: start %v ms and duration %v ms: want finite values and a duration >= 0", name, start, d))
		d, start = 0, 0
	}
	startIdx, endIdx := start/e.spec.Dt, (start+d)/e.spec.Dt
	if !(endIdx <= MaxTrialSteps) || !(startIdx >= -MaxTrialSteps) {
		e.Fail(fmt.Errorf("period %s ends at %v ms, %.3g steps of dt = %v ms; at most %d steps are allowed", name, start+d, endIdx, e.spec.Dt, MaxTrialSteps))
		startIdx, endIdx = 0, 0
	}
	p := Period{Name: name, Start: start, End: start + d,
		StartIdx: int(startIdx), EndIdx: int(endIdx)}
	e.setPeriod(slot, ti, p)
	e.build.tmaxRaw = math.Max(e.build.tmaxRaw, start+d)
	e.tmax = float64(int(e.build.tmaxRaw/e.spec.Dt)) * e.spec.Dt
}

// periodSlot is what AddPeriod keeps about one period of Env.periods: its
// timing entry (-1 if none: a period whose duration the task computes) and,
// if it was set in trial gen, its index in the current trial's Periods.
type periodSlot struct {
	timing int
	gen    uint64
	cur    int
}

// periodIndex returns the index of period name in e.periods, or -1. Tasks
// add their periods in the same order every trial, so it tries the slot
// after the last one set, then that one (After(previous)), before scanning.
func (e *Env) periodIndex(name string) int {
	if i := e.lastSet + 1; i < len(e.periods) && e.periods[i].Name == name {
		return i
	}
	if i := e.lastSet; i >= 0 && i < len(e.periods) && e.periods[i].Name == name {
		return i
	}
	for i := range e.periods {
		if e.periods[i].Name == name {
			return i
		}
	}
	return -1
}

// setPeriod records p, found at index slot of e.periods (-1: new, with
// timing entry ti), in e.periods and in the current trial's Periods: a
// period set again replaces its earlier value, as a dict assignment does.
func (e *Env) setPeriod(slot, ti int, p Period) {
	if slot < 0 || slot >= len(e.slots) {
		e.periods = append(e.periods, p)
		e.slots = append(e.slots, periodSlot{timing: ti})
		slot = len(e.periods) - 1
	} else {
		e.periods[slot] = p
	}
	e.lastSet = slot
	s := &e.slots[slot]
	if s.gen == e.gen && s.cur < len(e.cur.Periods) && e.cur.Periods[s.cur].Name == p.Name {
		e.cur.Periods[s.cur] = p
		return
	}
	s.gen, s.cur = e.gen, len(e.cur.Periods)
	e.cur.Periods = append(e.cur.Periods, p)
}

// lookup returns the latest period called name, also from earlier trials
// (NeuroGym's start_t/end_t dictionaries are never cleared).
func (e *Env) lookup(name string) Period {
	if i := e.periodIndex(name); i >= 0 {
		return e.periods[i]
	}
	panic(fmt.Sprintf("data: %s: no period %q", e.spec.ID, name))
}

// StartT returns the start of period name in ms; EndT its end.
func (e *Env) StartT(name string) float64 { return e.lookup(name).Start }

// EndT returns the end of period name in ms.
func (e *Env) EndT(name string) float64 { return e.lookup(name).End }

// PeriodRows returns the rows [start, end) of period name.
func (e *Env) PeriodRows(name string) (start, end int) {
	p := e.lookup(name)
	return p.StartIdx, p.EndIdx
}

// MaxTrialSteps bounds the rows of one trial (about a million: 17 minutes
// at dt 1 ms): longer trials (e.g. a timing in hours at dt 1 ms) are an
// error, not an allocation that exhausts memory.
const MaxTrialSteps = 1 << 20

// trialSteps returns the trial's rows, int(tmax/dt), or records an error
// and returns 0 when that is not a finite number of at most MaxTrialSteps.
func (e *Env) trialSteps() int {
	steps := e.build.tmaxRaw / e.spec.Dt
	if !(steps <= MaxTrialSteps) {
		e.Fail(fmt.Errorf("the trial's periods last %v ms, %.3g steps of dt = %v ms; at most %d steps are allowed", e.build.tmaxRaw, steps, e.spec.Dt, MaxTrialSteps))
		return 0
	}
	return int(steps)
}

func (e *Env) initOb() {
	tr := &e.cur
	tr.T = e.trialSteps()
	n := tr.T * tr.ObsDim
	if cap(tr.Ob) < n {
		tr.Ob = make([]float32, n)
	} else {
		tr.Ob = tr.Ob[:n]
		clear(tr.Ob)
	}
	e.build.obBuilt = true
}

func (e *Env) initGt() {
	tr := &e.cur
	T := e.trialSteps()
	if tr.ActKind == Box {
		tr.Gt = tr.Gt[:0]
		n := T * tr.ActDim
		if cap(tr.GtVec) < n {
			tr.GtVec = make([]float32, n)
		} else {
			tr.GtVec = tr.GtVec[:n]
			clear(tr.GtVec)
		}
	} else {
		tr.GtVec = tr.GtVec[:0]
		if cap(tr.Gt) < T {
			tr.Gt = make([]int, T)
		} else {
			tr.Gt = tr.Gt[:T]
			clear(tr.Gt)
		}
	}
	e.build.gtBuilt = true
}

// rows returns the row range of period ("" = the whole trial), building the
// observation first if needed, clipped to the observation's rows as NumPy
// slicing clips.
func (e *Env) obRows(period string) (int, int) {
	if !e.build.obBuilt {
		e.initOb()
	}
	if period == "" {
		return 0, e.cur.T
	}
	s, t := e.PeriodRows(period)
	return clipRows(s, t, e.cur.T)
}

func clipRows(s, t, n int) (int, int) {
	s, t = max(0, min(s, n)), max(0, min(t, n))
	if t < s {
		t = s
	}
	return s, t
}

// Where returns the observation columns named by where: "" for all, else a
// channel name of the observation space. It panics for an unknown name.
func (e *Env) Where(where string) []int {
	if where == "" {
		return nil
	}
	idx, ok := e.spec.ObSpace.Channel(where)
	if !ok {
		panic(fmt.Sprintf("data: %s: observation space has no channel %q", e.spec.ID, where))
	}
	return idx
}

// ObView is a period's rows of the observation, shared with the trial:
// element (t, i) is Data[t*Dim+i].
type ObView struct {
	Rows, Dim int
	Data      []float32
}

// At returns a pointer to element (t, i).
func (v ObView) At(t, i int) *float32 { return &v.Data[t*v.Dim+i] }

// ViewOb returns period's rows of the observation ("" = all), NeuroGym's
// view_ob.
func (e *Env) ViewOb(period string) ObView {
	s, t := e.obRows(period)
	d := e.cur.ObsDim
	return ObView{Rows: t - s, Dim: d, Data: e.cur.Ob[s*d : t*d]}
}

// AddOb adds the scalar v to the observation in period ("" = all rows) and
// columns where ("" = all), as NeuroGym's add_ob with a Python or NumPy
// scalar: NumPy casts the scalar to float32 and adds in float32.
func (e *Env) AddOb(v float64, period, where string) {
	e.addOb(float32(v), period, where, false)
}

// SetOb sets the observation in period and columns where to the scalar v
// (NeuroGym's set_ob: zero, then add).
func (e *Env) SetOb(v float64, period, where string) {
	e.addOb(float32(v), period, where, true)
}

// AddObVec adds the vector v (one value per selected column) to every row of
// period, as NeuroGym's add_ob with a float64 NumPy array: the sum is
// computed in float64 and rounded to float32. It records an error if len(v)
// does not match the number of selected columns.
func (e *Env) AddObVec(v []float64, period, where string) {
	e.addObVec(v, period, where, false)
}

// SetObVec sets the selected columns of every row of period to v (set_ob
// with an array).
func (e *Env) SetObVec(v []float64, period, where string) {
	e.addObVec(v, period, where, true)
}

func (e *Env) addObVec(v []float64, period, where string, reset bool) {
	cols := e.Where(where)
	n := len(cols)
	if cols == nil {
		n = e.cur.ObsDim
	}
	if len(v) != n && len(v) != 1 {
		e.Fail(fmt.Errorf("observation values of length %d for %d columns (period %q, where %q)", len(v), n, period, where))
		return
	}
	s, t := e.obRows(period)
	d := e.cur.ObsDim
	if len(v) == n && (cols == nil || contiguous(cols)) {
		base := 0
		if cols != nil {
			base = cols[0]
		}
		v = v[:n]
		for r := s; r < t; r++ {
			row := e.cur.Ob[r*d+base:][:n]
			if reset {
				for k := range row {
					row[k] *= 0
				}
			}
			for k, x := range v {
				row[k] = float32(float64(row[k]) + x)
			}
		}
		return
	}
	for r := s; r < t; r++ {
		row := e.cur.Ob[r*d : (r+1)*d]
		for k := 0; k < n; k++ {
			c := k
			if cols != nil {
				c = cols[k]
			}
			x := v[0]
			if len(v) > 1 {
				x = v[k]
			}
			if reset {
				row[c] *= 0
			}
			row[c] = float32(float64(row[c]) + x)
		}
	}
}

// addOb adds the scalar v in float32 arithmetic (NumPy's scalar casting),
// after multiplying the old value by 0 if reset (set_ob: NaN and -0 stay
// as NumPy makes them).
func (e *Env) addOb(v float32, period, where string, reset bool) {
	cols := e.Where(where)
	s, t := e.obRows(period)
	d := e.cur.ObsDim
	if cols == nil {
		ob := e.cur.Ob[s*d : t*d]
		if reset {
			for c := range ob {
				ob[c] = float32(ob[c]*0) + v
			}
		} else {
			for c := range ob {
				ob[c] += v
			}
		}
		return
	}
	for r := s; r < t; r++ {
		row := e.cur.Ob[r*d : (r+1)*d]
		for _, c := range cols {
			if reset {
				row[c] *= 0
			}
			row[c] += v
		}
	}
}

// AddRandn adds mu + sigma*N(0,1) to the observation in period and columns
// where, drawing the normals from the task's stream row by row, column
// fastest, as NeuroGym's add_randn (computed in float64, stored as float32).
func (e *Env) AddRandn(mu, sigma float64, period, where string) {
	cols := e.Where(where)
	s, t := e.obRows(period)
	d := e.cur.ObsDim
	if cols == nil {
		e.rng.AddNormals(e.cur.Ob[s*d:t*d], mu, sigma)
		return
	}
	if contiguous(cols) {
		for r := s; r < t; r++ {
			e.rng.AddNormals(e.cur.Ob[r*d+cols[0]:r*d+cols[0]+len(cols)], mu, sigma)
		}
		return
	}
	for r := s; r < t; r++ {
		for _, c := range cols {
			p := &e.cur.Ob[r*d+c]
			*p = float32(float64(*p) + (mu + float64(e.rng.Normal()*sigma)))
		}
	}
}

func contiguous(idx []int) bool {
	for i := 1; i < len(idx); i++ {
		if idx[i] != idx[i-1]+1 {
			return false
		}
	}
	return len(idx) > 0
}

func (e *Env) gtRows(period string) (int, int) {
	if !e.build.gtBuilt {
		e.initGt()
	}
	T := len(e.cur.Gt)
	if e.cur.ActKind == Box {
		T = len(e.cur.GtVec) / e.cur.ActDim
	}
	if period == "" {
		return 0, T
	}
	s, t := e.PeriodRows(period)
	return clipRows(s, t, T)
}

// SetGt sets the target of every row of period ("" = all) to action a
// (NeuroGym's set_groundtruth(a, period)). Discrete action spaces only.
func (e *Env) SetGt(a int, period string) {
	s, t := e.gtRows(period)
	if e.cur.ActKind != Discrete {
		panic(fmt.Sprintf("data: %s: SetGt on a Box action space", e.spec.ID))
	}
	if a < 0 || a >= e.cur.ActDim {
		e.Fail(fmt.Errorf("target action %d outside [0, %d)", a, e.cur.ActDim))
		return
	}
	for r := s; r < t; r++ {
		e.cur.Gt[r] = a
	}
}

// SetGtWhere sets the target of period to the action
// action_space.name[where][v] (NeuroGym's set_groundtruth(v, period, where)).
func (e *Env) SetGtWhere(v int, period, where string) {
	idx, ok := e.spec.ActSpace.Channel(where)
	if !ok {
		panic(fmt.Sprintf("data: %s: action space has no channel %q", e.spec.ID, where))
	}
	if v < 0 || v >= len(idx) {
		e.Fail(fmt.Errorf("target %d outside the %d actions of %q", v, len(idx), where))
		return
	}
	e.SetGt(idx[v], period)
}

// SetGtRows sets the targets of period row by row to v, whose length must
// equal the period's number of rows (NumPy's assignment of an array; an
// error otherwise).
func (e *Env) SetGtRows(v []int, period string) {
	s, t := e.gtRows(period)
	if len(v) != t-s && len(v) != 1 {
		e.Fail(fmt.Errorf("could not broadcast %d targets into the %d rows of period %q", len(v), t-s, period))
		return
	}
	for r := s; r < t; r++ {
		x := v[0]
		if len(v) > 1 {
			x = v[r-s]
		}
		if x < 0 || x >= e.cur.ActDim {
			e.Fail(fmt.Errorf("target action %d outside [0, %d)", x, e.cur.ActDim))
			return
		}
		e.cur.Gt[r] = x
	}
}

// SetGtVec sets the target vector of every row of period ("" = all) to v,
// rounded to float32 (Box action spaces).
func (e *Env) SetGtVec(v []float64, period string) {
	s, t := e.gtRows(period)
	if e.cur.ActKind != Box {
		panic(fmt.Sprintf("data: %s: SetGtVec on a Discrete action space", e.spec.ID))
	}
	if len(v) != e.cur.ActDim {
		e.Fail(fmt.Errorf("target vector of length %d, want %d", len(v), e.cur.ActDim))
		return
	}
	for r := s; r < t; r++ {
		row := e.cur.GtVec[r*e.cur.ActDim : (r+1)*e.cur.ActDim]
		for k, x := range v {
			row[k] = float32(x)
		}
	}
}

// SetRTmax sets the reward added when a trial times out (NeuroGym's r_tmax).
func (e *Env) SetRTmax(r float64) { e.rTmax = r }

// Trial returns the current trial (owned by the Env).
func (e *Env) Trial() *Trial { return &e.cur }

// T returns the time within the current trial in ms (NeuroGym's self.t).
func (e *Env) T() float64 { return e.t }

// TInd returns the current row (NeuroGym's self.t_ind).
func (e *Env) TInd() int { return e.tInd }

// InPeriod reports whether the current time lies in period name:
// start_t <= t < end_t. A period that was never added is not current.
func (e *Env) InPeriod(name string) bool {
	for _, p := range e.periods {
		if p.Name == name {
			return p.Start <= e.t && e.t < p.End
		}
	}
	return false
}

// GtNow returns the target at the current row (Discrete).
func (e *Env) GtNow() int { return e.cur.Gt[e.tInd] }

// GtNowVec returns the target vector at the current row (Box), shared.
func (e *Env) GtNowVec() []float32 { return e.cur.GtRow(e.tInd) }

// Performance returns the performance of the current trial so far.
func (e *Env) Performance() float64 { return e.performance }

// SetPerformance sets the current trial's performance (NeuroGym's
// self.performance).
func (e *Env) SetPerformance(p float64) { e.performance = p }

// AddPerformance adds to the current trial's performance.
func (e *Env) AddPerformance(p float64) { e.performance += p }

// StepInfo describes one step (NeuroGym's info dict).
type StepInfo struct {
	// Gt is the correct action at the step just taken (Discrete); GtVec the
	// correct vector (Box), shared with the trial.
	Gt    int
	GtVec []float32
	// NewTrial reports that the trial ended at this step; Performance is
	// then its performance, and the returned observation is row 0 of the
	// next trial.
	NewTrial    bool
	Performance float64
}

// Step takes action a at the current step, as NeuroGym's TrialEnv.step: the
// task's rule gives the reward and whether the trial ends; time advances by
// dt; a trial that reaches its last step ends with the timeout reward
// (r_tmax); when a trial ends the next one is drawn. It returns the next
// observation row (shared with the trial: do not modify), the reward and
// the info. If no trial has been started, Step starts one first. Errors
// come from drawing the next trial.
func (e *Env) Step(a Action) (ob []float32, reward float64, info StepInfo, err error) {
	if err := e.checkAction(a); err != nil {
		return nil, 0, StepInfo{}, err
	}
	if !e.started {
		if _, err := e.NewTrial(nil); err != nil {
			return nil, 0, StepInfo{}, err
		}
	}
	reward, info = e.stepOnce(a)
	if info.NewTrial {
		if _, err := e.NewTrial(nil); err != nil {
			return nil, reward, info, err
		}
	}
	return e.cur.Row(e.tInd), reward, info, nil
}

// checkAction returns an error for an action outside the action space: an
// index outside [0, n) or a vector of the wrong length or with non-finite
// values.
func (e *Env) checkAction(a Action) error {
	act := e.spec.ActSpace
	if act.Kind == Box {
		if len(a.Vec) != act.Dim {
			return fmt.Errorf("%s: action vector of length %d, the action space is Box(%d)", e.spec.ID, len(a.Vec), act.Dim)
		}
		for _, x := range a.Vec {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s: action vector %v is not finite", e.spec.ID, a.Vec)
			}
		}
		return nil
	}
	if a.Index < 0 || a.Index >= act.Dim {
		return fmt.Errorf("%s: action %d outside Discrete(%d)", e.spec.ID, a.Index, act.Dim)
	}
	return nil
}

// stepOnce runs the rule and the clock for one step; on a trial's end it
// resets the clock and performance but draws nothing.
func (e *Env) stepOnce(a Action) (float64, StepInfo) {
	reward, newTrial := e.rules.Step(e, a)
	var info StepInfo
	if e.cur.ActKind == Box {
		info.GtVec = e.GtNowVec()
	} else {
		info.Gt = e.GtNow()
	}
	e.t += e.spec.Dt
	e.tInd++
	// the tInd guard only matters when float dt accumulates rounding error
	if (e.t+e.spec.Dt > e.tmax || e.tInd >= e.cur.T) && !newTrial {
		newTrial = true
		reward += e.rTmax
	}
	if newTrial {
		info.NewTrial = true
		info.Performance = e.performance
		e.t, e.tInd, e.performance = 0, 0, 0
	}
	return reward, info
}

// Outcome is the result of stepping through one trial.
type Outcome struct {
	// Performance is NeuroGym's performance at the trial's end (1 for a
	// correct decision in most tasks).
	Performance float64
	// Reward is the sum of the rewards of the steps taken.
	Reward float64
	// Steps is the number of steps taken before the trial ended.
	Steps int
	// Ended reports that the trial ended before its last step (by the
	// agent's action, e.g. a choice, or an abort).
	Ended bool
}

// Replay steps through trial tr with the given actions, one per row, as
// Step would (the task's rule, the clock, the timeout), and returns the
// outcome when the trial ends. It draws nothing; the stepping state (current
// trial, time, performance) is restored afterwards, but rules with
// per-trial state (TrialStarter) are restarted for tr. tr must be a trial of
// this environment (its periods and targets are used); actions must cover
// every row until the trial ends. Analysis uses it to score a network's
// per-step actions with NeuroGym's own performance.
func (e *Env) Replay(tr *Trial, actions []Action) (Outcome, error) {
	if tr.ActKind != e.cur.ActKind || tr.ActDim != e.cur.ActDim {
		return Outcome{}, fmt.Errorf("%s: replay: the trial's action space %s(%d) is not this task's %s(%d)",
			e.spec.ID, tr.ActKind, tr.ActDim, e.cur.ActKind, e.cur.ActDim)
	}
	saved := *e // shallow: every slice below is replaced, not written into
	defer func() { *e = saved }()
	e.cur = *tr
	e.periods = append([]Period(nil), tr.Periods...)
	e.slots = make([]periodSlot, len(e.periods)) // indices into the copy
	for i, p := range e.periods {
		e.slots[i] = periodSlot{timing: e.timingIndex(p.Name)}
	}
	e.lastSet = -1
	e.tmax = float64(tr.T) * e.spec.Dt
	e.t, e.tInd, e.performance = 0, 0, 0
	if s, ok := e.rules.(TrialStarter); ok {
		s.StartTrial(e)
	}
	var out Outcome
	for k := 0; k < tr.T; k++ {
		if k >= len(actions) {
			return out, fmt.Errorf("%s: replay: %d actions for a trial of %d steps", e.spec.ID, len(actions), tr.T)
		}
		if err := e.checkAction(actions[k]); err != nil {
			return out, fmt.Errorf("replay step %d: %w", k, err)
		}
		r, info := e.stepOnce(actions[k])
		out.Reward += r
		out.Steps = k + 1
		if info.NewTrial {
			out.Performance = info.Performance
			out.Ended = k+1 < tr.T
			return out, nil
		}
	}
	out.Performance = e.performance
	return out, nil
}
