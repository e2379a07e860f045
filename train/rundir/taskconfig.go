package rundir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
	"github.com/taskrnn/taskrnn/model"
)

// TutorialTask is the tutorial's task, the default.
const TutorialTask = "PerceptualDecisionMaking-v0"

// The tutorial's stimulus length (ms) and noise, used for TutorialTask when
// neither the shorthands nor the task keywords set them.
const (
	tutorialStimLen   = 1000
	tutorialStimNoise = 0.3
)

// TaskList is the "task" key: one NeuroGym task id, or a list of ids trained
// as a schedule (NeuroGym's ScheduleEnvs). In JSON a string or a list of
// strings; as a flag, ids separated by commas.
type TaskList []string

// MarshalJSON writes a single id as a string and several as a list.
func (l TaskList) MarshalJSON() ([]byte, error) {
	if len(l) == 1 {
		return json.Marshal(l[0])
	}
	return json.Marshal([]string(l))
}

// UnmarshalJSON reads a string or a list of strings.
func (l *TaskList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = TaskList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("task: %s: want a task id or a list of task ids", b)
	}
	if len(many) == 0 {
		return errors.New("task: []: an empty list; give a task id or a list of ids (cmd/task -list prints them)")
	}
	*l = many
	return nil
}

// String returns the ids joined by commas (the flag form).
func (l TaskList) String() string { return strings.Join(l, ",") }

// Set parses the flag form.
func (l *TaskList) Set(s string) error {
	var ids TaskList
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("%q: no task id (cmd/task -list prints them)", s)
	}
	*l = ids
	return nil
}

// Kwargs is the "task_kwargs" key: NeuroGym constructor keywords as a JSON
// object, applied to the task (to every task of a schedule).
type Kwargs json.RawMessage

// MarshalJSON writes the object ({} when empty).
func (k Kwargs) MarshalJSON() ([]byte, error) {
	if len(bytes.TrimSpace(k)) == 0 {
		return []byte("{}"), nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, k); err != nil {
		return nil, fmt.Errorf("task_kwargs: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalJSON keeps the object (null means {}).
func (k *Kwargs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*k = nil
		return nil
	}
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("task_kwargs: %s: want a JSON object of NeuroGym constructor keywords", clip(b))
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return fmt.Errorf("task_kwargs: %w", err)
	}
	if buf.String() == "{}" {
		*k = nil
		return nil
	}
	*k = buf.Bytes()
	return nil
}

// String and Set are the flag form (the JSON object as text).
func (k Kwargs) String() string {
	b, _ := k.MarshalJSON()
	return string(b)
}

// Set parses the flag's JSON object.
func (k *Kwargs) Set(s string) error { return k.UnmarshalJSON([]byte(s)) }

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// optFloat is a flag for a number that may be unset (nil).
type optFloat struct{ p **float64 }

func (o optFloat) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.FormatFloat(**o.p, 'g', -1, 64)
}

func (o optFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("want a number")
	}
	*o.p = &v
	return nil
}

// optBool is a flag for a bool that may be unset (nil).
type optBool struct{ p **bool }

func (o optBool) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return strconv.FormatBool(**o.p)
}

func (o optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*o.p = &v
	return nil
}

func (o optBool) IsBoolFlag() bool { return true }

// taskKwargs returns the keywords passed to tasks.Make: task_kwargs with dt
// and the shorthands stim_len (timing.stimulus) and stim_noise (sigma)
// merged in. Errors name the key: dt given in task_kwargs too, a shorthand
// given together with its keyword, a shorthand for a task that has no such
// period or keyword.
func (c Config) taskKwargs() ([]byte, error) {
	m := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(c.TaskKwargs)) > 0 {
		if _, err := data.ParseKwargs(c.TaskKwargs); err != nil { // malformed, duplicate keys
			return nil, fmt.Errorf("task_kwargs: %w", err)
		}
		if err := json.Unmarshal(c.TaskKwargs, &m); err != nil {
			return nil, fmt.Errorf("task_kwargs: %w", err)
		}
	}
	if _, ok := m["dt"]; ok {
		return nil, errors.New(`task_kwargs: "dt" is the dt key of the configuration (it applies to every task): give it there, not in task_kwargs`)
	}
	m["dt"], _ = json.Marshal(c.Dt)
	var timing map[string]json.RawMessage
	if raw, ok := m["timing"]; ok {
		if err := json.Unmarshal(raw, &timing); err != nil {
			return nil, fmt.Errorf("task_kwargs timing: %w", err)
		}
	}
	for _, id := range c.Task {
		d, err := tasks.Describe(id)
		if err != nil {
			return nil, fmt.Errorf("task: %w", err)
		}
		if c.StimLen != nil && !slices.Contains(d.Periods, "stimulus") {
			return nil, fmt.Errorf("stim_len = %v: %s has no stimulus period (its periods: %s); set its timing in task_kwargs instead", *c.StimLen, id, strings.Join(d.Periods, ", "))
		}
		if c.StimNoise != nil && !d.HasKwarg("sigma") {
			return nil, fmt.Errorf("stim_noise = %v: %s has no sigma keyword (its keywords: %s)", *c.StimNoise, id, strings.Join(d.KwargNames(), ", "))
		}
	}
	if c.StimLen != nil {
		if _, ok := timing["stimulus"]; ok {
			return nil, errors.New(`stim_len and task_kwargs timing.stimulus: give one of them (stim_len is a shorthand for timing.stimulus)`)
		}
		if timing == nil {
			timing = map[string]json.RawMessage{}
		}
		timing["stimulus"], _ = json.Marshal(*c.StimLen)
	}
	if timing != nil {
		m["timing"], _ = json.Marshal(timing)
	}
	if c.StimNoise != nil {
		if _, ok := m["sigma"]; ok {
			return nil, errors.New(`stim_noise and task_kwargs sigma: give one of them (stim_noise is a shorthand for sigma)`)
		}
		m["sigma"], _ = json.Marshal(*c.StimNoise)
	}
	return json.Marshal(m)
}

// objectMember returns member name of the JSON object obj (raw), or nil.
func objectMember(obj []byte, name string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return nil
	}
	return m[name]
}

// canonicalTask fills the task defaults: TutorialTask when no task is
// given, the tutorial's stimulus length and noise for TutorialTask when
// neither the shorthand nor the keyword sets them, and the schedule's
// defaults for several tasks.
func (c Config) canonicalTask() Config {
	if len(c.Task) == 0 {
		c.Task = TaskList{TutorialTask}
	}
	c.Task = append(TaskList(nil), c.Task...)
	if len(c.Task) == 1 && c.Task[0] == TutorialTask {
		timing := objectMember(c.TaskKwargs, "timing")
		if c.StimLen == nil && objectMember(timing, "stimulus") == nil {
			v := float64(tutorialStimLen)
			c.StimLen = &v
		}
		if c.StimNoise == nil && objectMember(c.TaskKwargs, "sigma") == nil {
			v := tutorialStimNoise
			c.StimNoise = &v
		}
	}
	if len(c.Task) > 1 {
		if c.Schedule == "" {
			c.Schedule = string(data.RandomSchedule)
		}
		if c.EnvInput == nil {
			t := true
			c.EnvInput = &t
		}
	}
	return c
}

// MakeTask builds the configured task (or schedule of tasks) seeded with
// seed: tasks.Make for one id; for several, a data.Schedule of them with
// the configured schedule and rule inputs. The configuration must be
// canonical.
func (c Config) MakeTask(seed data.Seed) (data.Task, error) {
	kw, err := c.taskKwargs()
	if err != nil {
		return nil, err
	}
	if len(c.Task) == 1 {
		t, err := tasks.Make(c.Task[0], kw, seed)
		if err != nil {
			return nil, fmt.Errorf("task: %w", err)
		}
		return t, nil
	}
	envs := make([]*data.Env, len(c.Task))
	for i, id := range c.Task {
		t, err := tasks.Make(id, kw, seed)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", id, err)
		}
		e, ok := t.(*data.Env)
		if !ok {
			return nil, fmt.Errorf("task %s is itself a schedule: list single tasks", id)
		}
		envs[i] = e
	}
	s, err := data.NewSchedule(c.Task.String(), envs, data.ScheduleKind(c.Schedule), c.EnvInput != nil && *c.EnvInput, seed)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	return s, nil
}

// validateTask checks the task keys and builds the task once; it returns
// the task (for its spaces) or the errors.
func (c Config) validateTask() (data.Task, []error) {
	var errs []error
	if len(c.Task) > 1 {
		if c.Schedule != string(data.RandomSchedule) && c.Schedule != string(data.SequentialSchedule) {
			errs = append(errs, fmt.Errorf("schedule = %q: allowed %q, %q", c.Schedule, data.RandomSchedule, data.SequentialSchedule))
		}
	} else if c.Schedule != "" || c.EnvInput != nil {
		errs = append(errs, errors.New("schedule and env_input apply to a list of tasks; task is a single id"))
	}
	if c.StimLen != nil && (math.IsNaN(*c.StimLen) || math.IsInf(*c.StimLen, 0)) {
		errs = append(errs, fmt.Errorf("stim_len = %v: must be a finite number of ms", *c.StimLen))
	}
	if c.StimNoise != nil && (math.IsNaN(*c.StimNoise) || math.IsInf(*c.StimNoise, 0)) {
		errs = append(errs, fmt.Errorf("stim_noise = %v: must be finite", *c.StimNoise))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	t, err := c.MakeTask(data.IntSeed(0))
	if err != nil {
		return nil, []error{err}
	}
	if err := checkTrainable(c); err != nil {
		return nil, []error{err}
	}
	return t, nil
}

// trainableProbe is the number of trials checkTrainable draws.
const trainableProbe = 8

// checkTrainable draws a few trials of the configured task (from a stream
// of its own) and checks that their targets are actions of the task's
// action space (and, for trial_aligned batches, that they fit in seq_len), so that a task whose NeuroGym ground truth is not an action
// (Reaching1D-v0 and Reaching1DWithSelfDistraction-v0: an angle in radians)
// is refused before training, naming the task, instead of failing at the
// first iteration.
func checkTrainable(c Config) error {
	t, err := c.MakeTask(data.IntSeed(1))
	if err != nil {
		return err
	}
	for range trainableProbe {
		tr, err := t.NewTrial(nil)
		if err != nil {
			return fmt.Errorf("task %s: drawing a trial: %w", c.Task, err)
		}
		if err := tr.Validate(); err != nil {
			id := c.Task.String()
			if envs := t.Envs(); tr.Task >= 0 && tr.Task < len(envs) {
				id = envs[tr.Task].ID()
			}
			return fmt.Errorf("task %s cannot be trained with a supervised loss: its targets are not actions of its action space %s (%v); NeuroGym's ground truth for it is not an action. Its trials can still be inspected with cmd/task", id, data.SpaceJSON(t.ActSpace()), err)
		}
		if c.TrialAligned && tr.T > c.SeqLen {
			return fmt.Errorf("seq_len = %d: a trial of %s has %d steps; trial_aligned needs seq_len at least as long as the longest trial", c.SeqLen, c.Task, tr.T)
		}
	}
	return nil
}

// resolveLoss returns the loss for the task's action space: the configured
// one, or CrossEntropy for a Discrete action space and L2 for a Box when
// none is configured. CrossEntropy on a Box is an error.
func resolveLoss(loss string, act data.Space) (string, error) {
	switch {
	case loss == "" && act.Kind == data.Box:
		return string(model.L2), nil
	case loss == "":
		return string(model.CrossEntropy), nil
	case act.Kind == data.Box && loss == string(model.CrossEntropy):
		return "", fmt.Errorf("loss = CrossEntropy: the task's actions are continuous (Box(%d)); use L2 or L1", act.Dim)
	}
	return loss, nil
}
