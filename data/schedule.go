package data

import (
	"fmt"
	"strings"
)

// ScheduleKind is how a Schedule picks the next task.
type ScheduleKind string

// Schedules of NeuroGym's neurogym/utils/scheduler.py.
const (
	// RandomSchedule picks the next task uniformly among the others (never
	// the same task twice in a row when there are several).
	RandomSchedule ScheduleKind = "random"
	// SequentialSchedule cycles through the tasks in order.
	SequentialSchedule ScheduleKind = "sequential"
)

// Schedule is NeuroGym's ScheduleEnvs wrapper (neurogym/wrappers/block.py):
// several task environments taking turns trial by trial, as a schedule
// (RandomSchedule or SequentialSchedule) says, optionally with one rule input
// per task appended to the observation (env_input: 1 on the current task's
// input during the whole trial). The first trial comes from the first task.
//
// Seeding follows NeuroGym: Seed(s) seeds every task with s and the schedule
// with s. A Schedule is not safe for concurrent use.
type Schedule struct {
	id       string
	envs     []*Env
	kind     ScheduleKind
	envInput bool
	rng      *RandomState
	i, next  int // schedule.i (the last pick) and ScheduleEnvs.next_i_env
	cur      Trial
	ob       Space
	info     *TaskInfo
}

// NewSchedule returns the schedule of envs (at least one), of kind, with
// rule inputs if envInput, seeded with seed. Every task must have the same
// dt, observation size and action space (NeuroGym's _have_equal_shape);
// otherwise the error names the first task that differs.
func NewSchedule(id string, envs []*Env, kind ScheduleKind, envInput bool, seed Seed) (*Schedule, error) {
	if len(envs) == 0 {
		return nil, fmt.Errorf("schedule %s: no tasks", id)
	}
	if kind != RandomSchedule && kind != SequentialSchedule {
		return nil, fmt.Errorf("schedule %s: kind %q: allowed %q, %q", id, kind, RandomSchedule, SequentialSchedule)
	}
	e0 := envs[0]
	for _, e := range envs[1:] {
		switch {
		case e.Dt() != e0.Dt():
			return nil, fmt.Errorf("schedule %s: %s has dt %v ms, %s has %v ms: scheduled tasks need the same dt", id, e.ID(), e.Dt(), e0.ID(), e0.Dt())
		case e.ObSpace().Dim != e0.ObSpace().Dim:
			return nil, fmt.Errorf("schedule %s: %s has %d observation inputs, %s has %d: scheduled tasks need the same observation size (with or without rule inputs)", id, e.ID(), e.ObSpace().Dim, e0.ID(), e0.ObSpace().Dim)
		case e.ActSpace().Kind != e0.ActSpace().Kind || e.ActSpace().Dim != e0.ActSpace().Dim:
			return nil, fmt.Errorf("schedule %s: %s has action space %s(%d), %s has %s(%d): scheduled tasks need the same action space", id, e.ID(), e.ActSpace().Kind, e.ActSpace().Dim, e0.ID(), e0.ActSpace().Kind, e0.ActSpace().Dim)
		}
	}
	s := &Schedule{id: id, envs: envs, kind: kind, envInput: envInput, rng: &RandomState{}}
	s.ob = BoxSpace(e0.ObSpace().Dim)
	if envInput {
		s.ob.Dim += len(envs)
	} else {
		s.ob.Names = e0.ObSpace().Names
	}
	s.Seed(seed)
	return s, nil
}

// ID returns the schedule's name.
func (s *Schedule) ID() string { return s.id }

// ObSpace is the tasks' observation space, plus one rule input per task with
// env_input (unnamed, as in NeuroGym).
func (s *Schedule) ObSpace() Space { return s.ob }

// ActSpace is the first task's action space.
func (s *Schedule) ActSpace() Space { return s.envs[0].ActSpace() }

// Dt is the tasks' step length in ms.
func (s *Schedule) Dt() float64 { return s.envs[0].Dt() }

// Envs returns the scheduled environments in order.
func (s *Schedule) Envs() []*Env { return s.envs }

// EnvInput reports whether rule inputs are appended.
func (s *Schedule) EnvInput() bool { return s.envInput }

// Kind returns the schedule kind.
func (s *Schedule) Kind() ScheduleKind { return s.kind }

// SetInfo replaces the schedule's description (for a named collection).
func (s *Schedule) SetInfo(info TaskInfo) { s.info = &info }

// Info describes the schedule: the description given to SetInfo, or one
// listing the task ids.
func (s *Schedule) Info() TaskInfo {
	if s.info != nil {
		return *s.info
	}
	ids := make([]string, len(s.envs))
	for i, e := range s.envs {
		ids[i] = e.ID()
	}
	return TaskInfo{Summary: fmt.Sprintf("%s schedule of %d tasks (%s)", s.kind, len(s.envs), strings.Join(ids, ", "))}
}

// Seed seeds every task and the schedule with seed, and restarts the
// schedule at the first task (NeuroGym's ScheduleEnvs.seed on a new wrapper).
func (s *Schedule) Seed(seed Seed) {
	for _, e := range s.envs {
		e.Seed(seed)
	}
	s.rng.SeedWith(seed)
	s.i, s.next = 0, 0
}

// pick is the schedule's __call__.
func (s *Schedule) pick() int {
	n := len(s.envs)
	switch {
	case n == 1:
		s.i = 0
	case s.kind == SequentialSchedule:
		s.i = (s.i + 1) % n
	default:
		j := s.rng.RandInt(n - 1) // choice among the others, in order
		if j >= s.i {
			j++
		}
		s.i = j
	}
	return s.i
}

// NewTrial draws the next trial from the current task, appends the rule
// inputs, and picks the task of the following trial.
func (s *Schedule) NewTrial(cond *Vars) (*Trial, error) {
	k := s.next
	tr, err := s.envs[k].NewTrial(cond)
	if err != nil {
		return nil, err
	}
	s.cur.CopyFrom(tr)
	s.cur.Task = k
	if s.envInput {
		d, n := tr.ObsDim, len(s.envs)
		D := d + n
		s.cur.ObsDim = D
		if cap(s.cur.Ob) < tr.T*D {
			s.cur.Ob = make([]float32, tr.T*D)
		}
		s.cur.Ob = s.cur.Ob[:tr.T*D]
		for t := 0; t < tr.T; t++ {
			row := s.cur.Ob[t*D : (t+1)*D]
			copy(row, tr.Ob[t*d:(t+1)*d])
			clear(row[d:])
			row[d+k] = 1
		}
	}
	s.next = s.pick()
	return &s.cur, nil
}

// Replay scores actions on a trial of task tr.Task (see Env.Replay).
func (s *Schedule) Replay(tr *Trial, actions []Action) (Outcome, error) {
	if tr.Task < 0 || tr.Task >= len(s.envs) {
		return Outcome{}, fmt.Errorf("schedule %s: trial of task %d, want [0, %d)", s.id, tr.Task, len(s.envs))
	}
	return s.envs[tr.Task].Replay(tr, actions)
}

// InputChannels returns the named channels of task's observation: its
// space's names or, for a schedule (whose space has none, as in NeuroGym),
// each scheduled task's channels in schedule order, keeping a channel only
// if no earlier one covers any of its elements (yang19.go names the first
// ring "stimulus", yang19.dm1 then the second "stimulus_mod2"), and one
// channel "rule <task id>" per rule input. It is for labels and for
// naming inputs (e.g. the fixed-point input x*); NeuroGym's own spaces are
// left as they are.
func InputChannels(task Task) []Channel {
	ob := task.ObSpace()
	if len(ob.Names) > 0 {
		return ob.Names
	}
	envs := task.Envs()
	var out []Channel
	covered := map[int]bool{}
	names := map[string]bool{}
	for _, e := range envs {
		for _, c := range e.ObSpace().Names {
			free := !names[c.Name]
			for _, i := range c.Index {
				free = free && !covered[i] && i < ob.Dim
			}
			if !free {
				continue
			}
			out = append(out, c)
			names[c.Name] = true
			for _, i := range c.Index {
				covered[i] = true
			}
		}
	}
	if d0 := envs[0].ObSpace().Dim; d0 < ob.Dim {
		for k, e := range envs {
			if i := d0 + k; i < ob.Dim {
				out = append(out, Ch("rule "+e.ID(), i))
			}
		}
	}
	return out
}
