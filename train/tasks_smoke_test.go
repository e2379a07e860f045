package train_test

import (
	"context"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
	"github.com/taskrnn/taskrnn/train"
)

// notSupervised are the tasks whose NeuroGym targets are not actions (the
// Reaching1D tasks' targets are reach angles cast to integers, for three
// actions), so that no supervised loss applies; configuration validation
// refuses them with an error naming the task and the bad target.
var notSupervised = map[string]bool{"Reaching1D-v0": true, "Reaching1DWithSelfDistraction-v0": true}

// TestEveryTaskTrains is the smoke test of the task-agnostic pipeline: a
// small network trains a few iterations on every task (with its default
// keywords at dt 20 ms) and is tested on a few fresh trials, with NeuroGym
// performance scored; the resolved loss is L2 for continuous actions.
func TestEveryTaskTrains(t *testing.T) {
	for _, id := range tasks.IDs() {
		t.Run(id, func(t *testing.T) {
			cfg := train.DefaultConfig()
			cfg.Task, cfg.StimLen, cfg.StimNoise, cfg.Loss = train.TaskList{id}, nil, nil, ""
			cfg.NNeurons, cfg.BatchSize, cfg.SeqLen, cfg.NIteration = 16, 4, 40, 3
			cfg = cfg.Canonical()
			res, err := train.Train(context.Background(), cfg, train.Options{})
			if notSupervised[id] {
				if err == nil || !strings.Contains(err.Error(), "task "+id+" cannot be trained with a supervised loss") ||
					!strings.Contains(err.Error(), "Gt[") {
					t.Fatalf("want an error naming the task and its targets, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			task, err := cfg.MakeTask(data.IntSeed(0))
			if err != nil {
				t.Fatal(err)
			}
			if task.ActSpace().Kind == data.Box && cfg.Loss != "L2" {
				t.Errorf("loss %s for continuous actions, want L2", cfg.Loss)
			}
			a, err := analyze.Evaluate(task, cfg.Model(), res.Weights, 6, 1)
			if err != nil {
				t.Fatal(err)
			}
			acc, err := a.Accuracy()
			if err != nil {
				t.Fatal(err)
			}
			if p := acc.Performance; !(p >= 0 && p <= 1) && id != "ReadySetGo-v0" {
				t.Errorf("performance %v, want a number in [0, 1]", p)
			}
		})
	}
}
