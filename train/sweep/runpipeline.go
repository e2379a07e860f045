package sweep

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/pipeline"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// checkpointEvery is how often (wall time) a worker saves the run so far,
// as cmd/train does by default.
const checkpointEvery = time.Minute

// runPipeline does for one run directory what cmd/train does
// (pipeline.Run): it trains cfg (saving a checkpoint every
// checkpointEvery), commits the run files, then tests the network on
// analyze.DefaultTrials fresh trials, searches its fixed points (cmd/train's
// defaults) and commits the analysis; every commit
// is atomic (train/rundir), so metrics.json appears together with the rest
// of the analysis. It returns Complete, Diverged (non-finite loss or
// weights; last good run saved, not analysed), Interrupted (ctx cancelled;
// run so far saved) or Failed, and the error behind the last three.
// Progress goes to log. A run directory holding a checkpoint
// (checkpoint.npz of an interrupted or killed run) is continued from it
// (pipeline.Resume) instead of trained again.
func runPipeline(ctx context.Context, dir string, cfg train.Config, log io.Writer, done func(Status, error)) (Status, error) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as cmd/train: the tape allocates per instruction
	}
	every := max(1, cfg.NIteration/10)
	opt := pipeline.Options{
		Dir: dir, Force: true, CheckpointEvery: checkpointEvery, Analyze: true,
		Progress: func(it train.Iteration) {
			if it.Index%every == 0 || it.Index == it.N {
				fmt.Fprintf(log, "iteration %d/%d loss %.4f accuracy %.1f%%\n", it.Index, it.N, it.Loss, it.Accuracy)
			}
		},
	}
	fp := analyze.DefaultFixedPointOptions() // as cmd/train's default
	opt.FixedPoints = &fp
	opt.Done = func(res *pipeline.Result, err error) {
		logResult(log, res)
		done(status(err))
	}
	if _, err := os.Stat(filepath.Join(dir, rundir.CheckpointFile)); err == nil {
		// An interrupted or killed run goes on from its last save
		// (cmd/train -resume), bit for bit as if it had not stopped.
		ropt := opt
		ropt.Dir, ropt.Force = "", false
		res, err := pipeline.Resume(ctx, dir, func(train.Config) (train.Config, error) { return cfg, nil }, ropt)
		if err == nil || res == nil || res.Dir != "" {
			if res != nil && res.Dir == "" {
				logResult(log, res)
			}
			if res != nil && res.Resumed > 0 {
				fmt.Fprintf(log, "resumed after %d iterations\n", res.Resumed)
			}
			return status(err)
		}
		// nothing was changed (no checkpoint to go on from, or another
		// configuration): train from the start, as before
		fmt.Fprintf(log, "not resumable (%v): training from the start\n", err)
	}
	res, err := pipeline.Run(ctx, cfg, opt)
	if res != nil && res.Dir == "" {
		logResult(log, res) // no directory was opened: Done was not called
	}
	return status(err)
}

func logResult(log io.Writer, res *pipeline.Result) {
	if res != nil && res.Train != nil {
		s := res.Train.Summary()
		fmt.Fprintf(log, "saved %d iterations: final training loss %.4f, %.2f s\n", res.Saved, s.FinalTrainLoss, s.TrainSeconds)
	}
	if res != nil && res.Report != nil {
		fmt.Fprintf(log, "test performance %.3f on %d trials\n", res.Report.Accuracy.Performance, res.Report.Accuracy.N)
	}
}

// status maps pipeline.Run's error to the run's Status.
func status(err error) (Status, error) {
	switch pipeline.StatusOf(err) {
	case pipeline.Completed:
		return Complete, nil
	case pipeline.Diverged:
		return Diverged, err
	case pipeline.Interrupted:
		return Interrupted, err
	}
	return Failed, err
}
