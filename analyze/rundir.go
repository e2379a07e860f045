package analyze

import (
	"fmt"
	"os"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/train"
)

// DefaultTrials is the tutorial's number of test trials.
const DefaultTrials = 200

// RunOptions says how to analyse a run directory.
type RunOptions struct {
	// NTrials is the number of fresh test trials (>= 1).
	NTrials int
	// Seed is the test seed; when SeedSet is false the run's own seed is
	// used (the test streams never coincide with the training streams).
	Seed    int64
	SeedSet bool
	// Out is the directory the results go to (created if needed); empty
	// means the run directory itself.
	Out string
}

// RunDir loads the run written by cmd/train in dir (train.LoadRun), tests
// its network on opt.NTrials fresh trials with Evaluate, analyses them and
// writes metrics.json, activity.npz and the figures. It returns the report,
// the directory written to and the files written. Errors name the run
// directory and what was wrong with it.
func RunDir(dir string, opt RunOptions) (*Report, string, []string, error) {
	if opt.NTrials < 1 {
		return nil, "", nil, fmt.Errorf("analyze: n_trials = %d, want >= 1", opt.NTrials)
	}
	cfg, w, err := train.LoadRun(dir)
	if err != nil {
		return nil, "", nil, err
	}
	seed := opt.Seed
	if !opt.SeedSet {
		seed = cfg.Seed
	}
	out := opt.Out
	if out == "" {
		out = dir
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, "", nil, fmt.Errorf("analyze: output directory: %w", err)
	}
	task, err := cfg.MakeTask(data.IntSeed(0))
	if err != nil {
		return nil, "", nil, fmt.Errorf("analyze: run %s: %w", dir, err)
	}
	act, err := Evaluate(task, cfg.ModelConfig(task.ObSpace().Dim, task.ActSpace().Dim), w, opt.NTrials, seed)
	if err != nil {
		return nil, "", nil, err
	}
	rep, err := Analyze(act, seed)
	if err != nil {
		return nil, "", nil, err
	}
	files, err := rep.WriteFiles(out)
	if err != nil {
		return nil, "", nil, err
	}
	return rep, out, files, nil
}
