package analyze

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/taskrnn/taskrnn/analyze/fixedpoint"
	"github.com/taskrnn/taskrnn/data"
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
	// FixedPoints, if not nil, adds the fixed-point search
	// (Report.AddFixedPoints) under the input it chooses
	// (FixedPointInput).
	FixedPoints *FixedPointOptions
}

// RunDir loads the run written by cmd/train in dir (rundir.LoadRun), tests
// its network on opt.NTrials fresh trials (the trials, noise and results
// of Evaluate), analyses them, searches for fixed points if
// opt.FixedPoints is set, and commits metrics.json, activity.npz, the
// figures and fixed_points.npz into out (which may be dir itself) as one
// change: they appear together or not at all, and analysis files of an
// earlier analysis that this one does not write are removed in the same
// change.
//
// The test is streamed, so that its size is bounded by the disk, not by
// memory: trials are evaluated EvalChunk at a time; accuracy and the
// psychometric fit use the per-trial record of every trial, the PCA the
// covariance of every trial's hidden states accumulated chunk by chunk;
// every trial's per-step activity is spooled to a scratch directory of out
// and written into activity.npz at the end; the figures draw the first
// KeptTrials trials and the condition means of all. Before it starts, it
// checks that the memory it will hold fits (an error names the field, the
// estimate and the machine's memory) and that out's file system has room
// for activity.npz.
//
// If ctx is cancelled before the commit starts, nothing is written and the
// error wraps ctx.Err(); a commit that has started is finished. It returns
// the report and the files written. Errors name the run directory and what
// was wrong with it.
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
	task, err := cfg.MakeTask(data.IntSeed(0))
	if err != nil {
		return nil, nil, fmt.Errorf("analyze: run %s: %w", dir, err)
	}
	mc := cfg.ModelConfig(task.ObSpace().Dim, task.ActSpace().Dim)
	// The fixed-point input and options are checked before the test runs.
	var fpIn *fpPlan
	var skipNote string
	if fo := opt.FixedPoints; fo != nil {
		if err := fo.Search.Validate(); err != nil {
			return nil, nil, fmt.Errorf("analyze: %w", err)
		}
		fpSeed := seed
		if fo.SeedSet {
			fpSeed = fo.Seed
		}
		in, err := FixedPointInput(cfg, fo.Input, fpSeed)
		switch {
		case err == nil:
			fpIn = &fpPlan{in, fpSeed}
		case isDefaultInput(fo.Input):
			// The default input cannot be made for this task: skip the search, say why.
			skipNote = fmt.Sprintf("no fixed points: %v", err)
		default:
			return nil, nil, err
		}
	}
	p, err := planTest(ctx, task, mc, w, opt.NTrials, seed)
	if err != nil {
		return nil, nil, err
	}
	est := runDirMemory(p, runtime.GOMAXPROCS(0))
	if err := est.Check("this analysis", func([]string) string { return nTrialsValue(p.n, mc.NHidden) }); err != nil {
		return nil, nil, err
	}
	width := targetWidth(mc.NInput, mc.NHidden, mc.NOutput, task.ActSpace().Kind)
	if err := checkDisk(out.Path(), 2*activityNPZBytes(p.n, p.T, width), p.n); err != nil {
		return nil, nil, err
	}
	scratch, err := out.ScratchDir()
	if err != nil {
		return nil, nil, fmt.Errorf("analyze: %w", err)
	}
	defer os.RemoveAll(scratch)
	sp, err := newSpool(scratch, width, task.ActSpace().Kind)
	if err != nil {
		return nil, nil, fmt.Errorf("analyze: %w", err)
	}
	defer sp.close()
	col, err := newCollector(p, KeptTrials, sp)
	if err != nil {
		return nil, nil, err
	}
	if err := p.run(ctx, col.add); err != nil {
		return nil, nil, err
	}
	if err := sp.finish(); err != nil {
		return nil, nil, fmt.Errorf("analyze: %w", err)
	}
	rep, err := col.report(seed)
	if err != nil {
		return nil, nil, err
	}
	if fpIn != nil {
		if err := rep.AddFixedPoints(ctx, mc, w, fpIn.input, opt.FixedPoints.Search, fpIn.seed); err != nil {
			return nil, nil, err
		}
	}
	if skipNote != "" {
		rep.Notes = append(rep.Notes, skipNote)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("analysis interrupted before writing: %w", err)
	}
	files, err := rep.Commit(out)
	if err != nil {
		return nil, nil, err
	}
	return rep, files, nil
}

// fpPlan is a checked fixed-point search: its input and seed.
type fpPlan struct {
	input *fixedpoint.Input
	seed  int64
}
