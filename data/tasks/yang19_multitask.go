package tasks

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/taskrnn/taskrnn/data"
)

const yang19MultitaskID = "yang19.multitask-v0"

// newYang19Multitask makes yang19.multitask-v0: the 20 yang19 tasks taking
// turns trial by trial, as Yang et al. (2019) trained one network on all of
// them and as NeuroGym composes them (neurogym/tests/test_reset_step.py,
// test_reset_with_scheduler, and the oracle's trials.py --multitask):
//
//	envs = [gym.make(task, **kwargs) for task in ngym.get_collection('yang19')]
//	env = ScheduleEnvs(envs, RandomSchedule(len(envs)), env_input=True)
//
// a data.Schedule of the tasks in the collection's order (yang19Collection),
// with one rule input per task appended to the 33 observation inputs (53 in
// all, the trial's task's input 1 during the whole trial) and the 17
// actions of the tasks. The first trial comes from yang19.go-v0; with the
// random schedule each next task is drawn uniformly among the 19 others
// from the schedule's own stream (seeded like the tasks).
//
// Keywords: dt (100 ms), rewards (abort -0.1, correct 1, fail 0) and
// dim_ring (16) go to every task, as NeuroGym's **kwargs; timing (an
// object of period durations) goes to every task that has the period
// (fixation and decision to all; stimulus, delay, stim1, stim2, sample, test
// to those that have them; dlygo and dlyanti keep their fixed timing and
// the reaction-time tasks have no stimulus or delay period, as in NeuroGym,
// where those entries are ignored); a period no task has is an error. Two
// keywords choose the schedule itself: schedule ("random", NeuroGym's
// RandomSchedule, or "sequential", SequentialSchedule: the tasks in order)
// and env_input (true: the 20 rule inputs; false: none, 33 inputs). Errors
// of a task's keywords name the task.
func newYang19Multitask(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 100, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	timingRaw := k.Raw("timing", map[string]any{}, "an object of period: duration in ms, given to every task that has the period (fixation, stimulus, delay, decision, stim1, stim2, sample, test)")
	dimRing := k.Int("dim_ring", 16, data.AtLeast(2))
	kind := k.String("schedule", string(data.RandomSchedule), string(data.RandomSchedule), string(data.SequentialSchedule))
	envInput := k.Bool("env_input", true)
	var timing map[string]json.RawMessage
	if timingRaw != nil {
		if err := json.Unmarshal(timingRaw, &timing); err != nil {
			k.Errorf("timing", "%s: want an object of period: duration", short(timingRaw))
		}
	}
	if err := k.Err(yang19MultitaskID); err != nil {
		return nil, err
	}

	// the keywords every task gets
	common := map[string]json.RawMessage{}
	if k.Has("dt") {
		common["dt"] = json.RawMessage(strconv.FormatFloat(dt, 'g', -1, 64))
	}
	if k.Has("rewards") {
		b, err := json.Marshal(rewards)
		if err != nil {
			return nil, fmt.Errorf("%s: rewards: %w", yang19MultitaskID, err)
		}
		common["rewards"] = b
	}
	if k.Has("dim_ring") {
		common["dim_ring"] = json.RawMessage(strconv.Itoa(dimRing))
	}

	used := map[string]bool{}
	var envs []*data.Env
	for _, t := range yang19Collection() {
		kw := map[string]json.RawMessage{}
		for n, v := range common {
			kw[n] = v
		}
		if len(timing) > 0 {
			periods, err := timingPeriods(t, kw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", yang19MultitaskID, err)
			}
			sub := map[string]json.RawMessage{}
			for _, p := range periods {
				if v, ok := timing[p]; ok {
					sub[p] = v
					used[p] = true
				}
			}
			if len(sub) > 0 {
				b, _ := json.Marshal(sub) // a map of raw JSON values always marshals
				kw["timing"] = b
			}
		}
		task, err := makeWith(t, kw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", yang19MultitaskID, err)
		}
		envs = append(envs, task.(*data.Env))
	}
	var unused []string
	for p := range timing {
		if !used[p] {
			unused = append(unused, p)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return nil, fmt.Errorf("%s kwargs: timing: no task has the period(s) %s (periods: fixation, stimulus, delay, decision, stim1, stim2, sample, test)", yang19MultitaskID, strings.Join(unused, ", "))
	}
	s, err := data.NewSchedule(yang19MultitaskID, envs, data.ScheduleKind(kind), envInput, seed)
	if err != nil {
		return nil, err
	}
	s.SetInfo(data.TaskInfo{
		Summary: fmt.Sprintf("the 20 tasks of Yang et al. (2019) in one network: a %s schedule, %s", kind, map[bool]string{true: "with one rule input per task", false: "without rule inputs"}[envInput]),
		Paper:   "Yang, Joglekar, Song, Newsome and Wang (2019), Task representations in neural networks trained to perform many cognitive tasks",
		Link:    "https://www.nature.com/articles/s41593-018-0310-2",
		Tags:    []string{"multitask", "supervised"},
	})
	return s, nil
}

// makeWith makes task t with the keywords kw (seeded with 0: the schedule
// seeds every task).
func makeWith(t entry, kw map[string]json.RawMessage) (data.Task, error) {
	b, err := json.Marshal(kw)
	if err != nil {
		return nil, err
	}
	k, err := data.ParseKwargs(b)
	if err != nil {
		return nil, err
	}
	return t.make(k, data.IntSeed(0))
}

// timingPeriods returns the periods task t accepts in its timing keyword
// (none if it has no timing keyword), made with the keywords kw.
func timingPeriods(t entry, kw map[string]json.RawMessage) ([]string, error) {
	b, err := json.Marshal(kw)
	if err != nil {
		return nil, err
	}
	k, err := data.ParseKwargs(b)
	if err != nil {
		return nil, err
	}
	if _, err := t.make(k, data.IntSeed(0)); err != nil {
		return nil, err
	}
	for _, d := range k.Decl() {
		if d.Name != "timing" {
			continue
		}
		var def map[string]json.RawMessage
		if err := json.Unmarshal([]byte(d.Default), &def); err != nil {
			return nil, fmt.Errorf("%s: timing default %s: %w", t.id, d.Default, err)
		}
		var out []string
		for p := range def {
			out = append(out, p)
		}
		return out, nil
	}
	return nil, nil
}

func short(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
