package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// Resume continues the run in the run directory dir, killed, interrupted
// or finished, from its last save (config.json, model.npz and
// checkpoint.npz of one committed state) to its n_iteration, exactly as
// the run would have gone on without stopping: the weights, train_log.csv
// and the analysis are byte for byte those of an uninterrupted run with
// the same configuration (summary.json's timings differ). adjust, if not
// nil, returns the configuration to train from the run's (cmd/train
// passes rundir.ResumeConfig, which applies -n_iteration); a change of any
// key but rundir.ResumeKeys is a *rundir.ConflictError. A run that already
// has its n_iteration is saved again and analysed; with opt.Analyze false
// it is left as it is (nil error, Result.Dir empty).
//
// Everything is checked before the directory is locked or changed: dir is
// a run directory, the three files are there and sound, the configuration
// does not conflict, the run fits in memory, and the checkpoint fits the
// training graph and its data stream repeats (train.Options.Resume). Any
// failure returns an error with status Failed and stage StageSetup and
// leaves dir as it was; so does a directory locked by another process
// (*rundir.LockedError) or one that changed between the checks and the
// lock. Then the run goes on as in Run: checkpoints, the final save and
// the analysis are atomic commits; opt.Dir and opt.Force must be unset.
func Resume(ctx context.Context, dir string, adjust func(train.Config) (train.Config, error), opt Options) (*Result, error) {
	if opt.Dir != "" || opt.Force {
		return &Result{}, &Error{Status: Failed, Stage: StageSetup, Err: errors.New("resume: Options.Dir and Force must be unset (the run is continued in place)")}
	}
	var d *rundir.Dir
	res, err := resume(ctx, dir, adjust, opt, &d)
	if d != nil {
		if opt.Done != nil {
			opt.Done(res, err)
		}
		d.Close()
	}
	return res, err
}

func resume(ctx context.Context, dir string, adjust func(train.Config) (train.Config, error), opt Options, dp **rundir.Dir) (*Result, error) {
	res := &Result{}
	notify := func(s Stage) {
		if opt.Notify != nil {
			opt.Notify(s, res)
		}
	}
	fail := failer(res)
	setup := func(err error) (*Result, error) { return fail(StageSetup, err) }

	r, err := rundir.ReadResumable(dir)
	if err != nil {
		return setup(err)
	}
	state, err := train.ReadResumeState(bytes.NewReader(r.Checkpoint), int64(len(r.Checkpoint)))
	if err != nil {
		return setup(fmt.Errorf("resume %q: %s is corrupt: %w", dir, rundir.CheckpointFile, err))
	}
	cfg := r.Config
	if adjust != nil {
		if cfg, err = adjust(r.Config); err != nil {
			return setup(err)
		}
	}
	cfg = cfg.Canonical()
	if err := rundir.ConfigConflicts(r.Config, cfg); err != nil {
		return setup(err)
	}
	if cfg.NIteration < state.Iteration {
		return setup(&rundir.BelowTrainedError{NIteration: cfg.NIteration, Trained: state.Iteration})
	}
	if err := cfg.Validate(); err != nil {
		return setup(err)
	}
	if err := train.CheckMemory(cfg); err != nil {
		return setup(err)
	}
	res.Resumed = state.Iteration
	if state.Iteration >= cfg.NIteration && !opt.Analyze {
		// nothing to train and no analysis asked for: saving again would
		// only drop the run's analysis; leave the directory as it is
		return res, nil
	}
	var d *rundir.Dir // set below, before training starts
	topt := trainOptions(opt, &d, res)
	topt.Resume = &train.Checkpoint{Weights: r.Weights, State: state}
	tr, err := train.NewTrainer(cfg, topt)
	if err != nil {
		return setup(fmt.Errorf("resume %q: %w", dir, err))
	}
	defer tr.Close()

	if d, err = rundir.Open(dir); err != nil {
		return setup(err)
	}
	*dp = d
	res.Dir, res.Unlocked = d.Path(), !d.Locked()
	if same, err := r.SameFiles(dir); err != nil || !same {
		if err == nil {
			err = errors.New("another process changed it while it was being read; try again")
		}
		return setup(fmt.Errorf("resume %q: %w", dir, err))
	}
	res.Saved, res.Config = state.Iteration, cfg
	notify(StageTrain)
	return trainAndSave(ctx, tr, d, opt, res, notify, fail, func() {})
}

// failer returns the function that classifies an error of stage s into
// an *Error (Diverged, Interrupted or Failed) returned with res.
func failer(res *Result) func(Stage, error) (*Result, error) {
	return func(s Stage, err error) (*Result, error) {
		st := Failed
		var nfl *train.NonFiniteLossError
		var nfw *train.NonFiniteWeightsError
		switch {
		case errors.As(err, &nfl), errors.As(err, &nfw):
			st = Diverged
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			st = Interrupted
		}
		return res, &Error{Status: st, Stage: s, Err: err}
	}
}
