package data

import (
	"fmt"
	"slices"
)

// PeriodWeights are per-step loss weights given by the task's periods, the
// loss masks of task-trained RNN papers (e.g. only the decision period, or
// fixation weighted 0.1): a step of a trial weighs Weights[p] for the last
// period p of the trial (in the trial's order) that is named in Weights and
// contains the step, or Default if none does. A Dataset made with them sets
// Batch.Mask (T, B) to each step's weight; model.Targets then weighs the
// loss as Σ m·ℓ / Σ m. Weights are dimensionless, finite and >= 0.
type PeriodWeights struct {
	Default float64
	Weights map[string]float64
}

// compile checks w and returns it in float32.
func (w PeriodWeights) compile() (*periodWeights, error) {
	if !(w.Default >= 0) || w.Default > 1e30 {
		return nil, fmt.Errorf("loss weight %v: must be a finite number >= 0", w.Default)
	}
	pw := &periodWeights{def: float32(w.Default), w: map[string]float32{}}
	for p, v := range w.Weights {
		if !(v >= 0) || v > 1e30 {
			return nil, fmt.Errorf("loss weight of period %q = %v: must be a finite number >= 0", p, v)
		}
		pw.w[p] = float32(v)
	}
	return pw, nil
}

// NewWeightedDataset returns NewDataset's stream-and-cut generator, or
// with trialAligned NewTrialAlignedDataset's, whose batches carry the
// period weights w in Batch.Mask from the first batch on. The trials are
// those of the generator without weights (same seed, same batches): only
// Mask is added. Errors: a weight that is negative or not finite, and
// those of the generator.
func NewWeightedDataset(newTask func(column int, seed Seed) (Task, error), batchSize, seqLen int, seed int64, w PeriodWeights, trialAligned bool) (*Dataset, error) {
	pw, err := w.compile()
	if err != nil {
		return nil, err
	}
	if !trialAligned {
		return newStreamDataset(newTask, batchSize, seqLen, seed, pw)
	}
	d, err := NewTrialAlignedDataset(newTask, batchSize, seqLen, seed)
	if err != nil {
		return nil, err
	}
	d.pw = pw
	return d, nil
}

// TaskPeriods returns the names of the periods of task's trials: the
// periods of every environment's timing (in declaration order, a
// schedule's environments in order), then any other period found in
// nTrials trials drawn from task (periods whose duration a task computes
// rather than samples). Drawing advances task's streams: pass a copy made
// for the purpose. Errors come from drawing trials.
func TaskPeriods(task Task, nTrials int) ([]string, error) {
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, e := range task.Envs() {
		for _, p := range e.Spec().Timing {
			add(p.Period)
		}
	}
	for range nTrials {
		tr, err := task.NewTrial(nil)
		if err != nil {
			return nil, err
		}
		for _, p := range tr.Periods {
			add(p.Name)
		}
	}
	return names, nil
}
