package analyze

import (
	"context"
	"fmt"

	"github.com/taskrnn/taskrnn/train/rundir"
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
}

// RunDir loads the run written by cmd/train in dir (rundir.LoadRun), tests
// its network on opt.NTrials fresh trials with Evaluate, analyses them and
// commits metrics.json, activity.npz and the figures into out (which may
// be dir itself) as one change: they appear together or not at all, and
// analysis files of an earlier analysis that this one does not write are
// removed in the same change. If ctx is cancelled before the commit
// starts, nothing is written and the error wraps ctx.Err(); a commit that
// has started is finished. It returns the report and the files written.
// Errors name the run directory and what was wrong with it.
func RunDir(ctx context.Context, dir string, out *rundir.Dir, opt RunOptions) (*Report, []string, error) {
	if opt.NTrials < 1 {
		return nil, nil, fmt.Errorf("analyze: n_trials = %d, want >= 1", opt.NTrials)
	}
	cfg, w, err := rundir.LoadRun(dir)
	if err != nil {
		return nil, nil, err
	}
	seed := opt.Seed
	if !opt.SeedSet {
		seed = cfg.Seed
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("analysis interrupted: %w", err)
	}
	act, err := Evaluate(cfg.Model(), w, cfg.TaskConfig(), opt.NTrials, seed)
	if err != nil {
		return nil, nil, err
	}
	rep, err := Analyze(act, seed)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("analysis interrupted: %w", err)
	}
	files, err := rep.Commit(out)
	if err != nil {
		return nil, nil, err
	}
	return rep, files, nil
}
