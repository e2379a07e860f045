package sweep

// ADAPTER (issue 12). Everything in this file stands in for packages that
// other branches are creating: train/pipeline (the train -> save -> analyse
// orchestration shared with cmd/train), train/rundir (the run directory's
// lock and atomic commit of a set of files) and data/fileio (the one atomic
// file writer). When they land, the lead repoints runPipeline, lockRunDir
// and writeFileAtomic to them and deletes the rest of this file; nothing
// else in the package knows how a run is trained or a file is committed.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train"
)

// runLockFile is the lock a worker holds on its run directory.
const runLockFile = ".lock"

// lockRunDir takes the run directory's lock (see lockFile).
func lockRunDir(dir string) (*os.File, error) {
	return lockFile(filepath.Join(dir, runLockFile))
}

// analysisTmpPattern names the temporary analysis directory inside a run
// directory (os.MkdirTemp replaces the '*').
const analysisTmpPattern = ".analysis-*"

// checkpointEvery is how often (wall time) a worker saves the run so far,
// as cmd/train does by default.
const checkpointEvery = time.Minute

// runPipeline does for one run directory what cmd/train does: it trains
// cfg on the fast graph (saving a checkpoint every checkpointEvery), writes
// the run files (train.WriteRun), and then tests the network on
// analyze.DefaultTrials fresh trials and writes the analysis
// (analyze.RunDir). The analysis goes to a temporary directory first and is
// moved into dir file by file with metrics.json last, so that metrics.json
// exists only when every other file of the run does (RunState relies on
// it). It returns Complete, Diverged (non-finite loss; run saved, not
// analysed), Interrupted (ctx cancelled; run so far saved) or Failed, and
// the error behind the last three. Progress goes to log.
func runPipeline(ctx context.Context, dir string, cfg train.Config, log io.Writer) (Status, error) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as cmd/train: the tape allocates per instruction
	}
	if err := train.PrepareRunDir(dir, true); err != nil {
		return Failed, err
	}
	// A killed attempt may have left its temporary analysis behind (the
	// caller holds the run's lock, so no one else is using it).
	if old, err := filepath.Glob(filepath.Join(dir, analysisTmpPattern)); err == nil {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	// The previous attempt's analysis no longer describes what is trained
	// now; metrics.json goes first, since it marks a complete run.
	for _, f := range analyze.OutputFiles() {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Failed, fmt.Errorf("remove the old analysis: %w", err)
		}
	}
	every := max(1, cfg.NIteration/10)
	opt := train.Options{
		Graph:           model.Fast,
		CheckpointEvery: checkpointEvery,
		Checkpoint:      func(r *train.Result) error { return train.WriteRun(dir, r) },
		Progress: func(it train.Iteration) {
			if it.Index%every == 0 || it.Index == it.N {
				fmt.Fprintf(log, "iteration %d/%d loss %.4f accuracy %.1f%%\n", it.Index, it.N, it.Loss, it.Accuracy)
			}
		},
	}
	res, trainErr := train.Train(ctx, cfg, opt)
	if res == nil || res.Completed() == 0 {
		if trainErr == nil {
			trainErr = errors.New("no iteration completed")
		}
		if ctx.Err() != nil {
			return Interrupted, trainErr
		}
		return Failed, trainErr
	}
	if err := train.WriteRun(dir, res); err != nil {
		return Failed, err
	}
	s := res.Summary()
	fmt.Fprintf(log, "saved %d iterations: final training loss %.4f, accuracy %.1f%%, %.2f s\n", s.NIteration, s.FinalTrainLoss, s.FinalTrainAccuracy, s.TrainSeconds)
	if trainErr != nil {
		var nf *train.NonFiniteLossError
		switch {
		case errors.As(trainErr, &nf):
			return Diverged, trainErr
		case errors.Is(trainErr, context.Canceled), errors.Is(trainErr, context.DeadlineExceeded):
			return Interrupted, trainErr
		}
		return Failed, trainErr
	}

	tmp, err := os.MkdirTemp(dir, analysisTmpPattern)
	if err != nil {
		return Failed, err
	}
	defer os.RemoveAll(tmp)
	rep, _, files, err := analyze.RunDir(dir, analyze.RunOptions{NTrials: analyze.DefaultTrials, Out: tmp})
	if err != nil {
		return Failed, fmt.Errorf("the run is saved, but analysing it failed: %w", err)
	}
	var metrics string
	for _, f := range files {
		if filepath.Base(f) == analyze.MetricsFile {
			metrics = f
			continue
		}
		if err := os.Rename(f, filepath.Join(dir, filepath.Base(f))); err != nil {
			return Failed, err
		}
	}
	if metrics == "" {
		return Failed, fmt.Errorf("the analysis wrote no %s", analyze.MetricsFile)
	}
	if err := os.Rename(metrics, filepath.Join(dir, analyze.MetricsFile)); err != nil {
		return Failed, err
	}
	fmt.Fprintf(log, "test accuracy %.1f%% on %d trials\n", rep.Accuracy.Percent(), rep.Accuracy.N)
	return Complete, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory that is synced and renamed over path; on error path is
// untouched.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
