package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// DefaultParent is the directory under which Run creates a run directory
// when Options.Dir is empty.
const DefaultParent = "runs"

// Stage is a step of Run.
type Stage int

// The stages of Run, in order.
const (
	StageSetup   Stage = iota // checks, run directory, trainer
	StageTrain                // the training loop (with checkpoints)
	StageSave                 // the final save of the run files
	StageAnalyze              // testing the network and committing the analysis
)

func (s Stage) String() string {
	switch s {
	case StageSetup:
		return "setup"
	case StageTrain:
		return "training"
	case StageSave:
		return "saving"
	case StageAnalyze:
		return "analysis"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// Options say how Run runs. The zero value trains into a new directory
// under DefaultParent, with no checkpoints, no progress and no analysis.
type Options struct {
	// Dir is the run directory, created if needed. Empty means a new
	// directory DefaultParent/<UTC date-time> (rundir.CreateUnique: never
	// shared with a run started in the same second).
	Dir string
	// Force allows Dir to hold files already: the run files are replaced
	// and an earlier analysis is removed with the first save; other files
	// are left alone. Without it such a Dir is refused (*NotEmptyError).
	Force bool
	// CheckpointEvery is how often (wall time) the run so far is committed
	// while training, so that a killed run keeps its last checkpoint; 0
	// saves only at the end.
	CheckpointEvery time.Duration
	// Progress, if not nil, is called after every training iteration.
	Progress func(train.Iteration)
	// Notify, if not nil, is called when a stage begins, with the result
	// so far (Dir is set from StageTrain on; Train from StageSave on).
	Notify func(Stage, *Result)
	// Analyze tests the trained network on AnalysisTrials fresh trials
	// (0 means analyze.DefaultTrials) and commits the analysis into the run
	// directory.
	Analyze        bool
	AnalysisTrials int
	// FixedPoints, if not nil, adds the fixed-point search to the analysis
	// (analyze.RunOptions.FixedPoints).
	FixedPoints *analyze.FixedPointOptions
	// Done, if not nil, is called once just before Run returns, with Run's
	// result and error, while the run directory is still locked: a caller
	// that records the outcome next to the run (the sweep's worker.json)
	// does so before another process may take the directory. It is not
	// called if no directory was opened.
	Done func(*Result, error)
}

// Result is what Run did.
type Result struct {
	// Dir is the run directory ("" if none was opened).
	Dir string
	// Config is the configuration trained (set from StageTrain on).
	Config train.Config
	// Unlocked reports that Dir's file system cannot lock (rundir.Dir.Locked),
	// so a second writer would not have been refused.
	Unlocked bool
	// Train is the training result (nil if no iteration completed).
	Train *train.Result
	// Saved is the number of iterations whose run files are committed in
	// Dir (0: no run files were written).
	Saved int
	// Resumed is the number of iterations the run had when Resume
	// continued it (0 for Run).
	Resumed int
	// Report and AnalysisFiles are the committed analysis (nil if none).
	Report        *analyze.Report
	AnalysisFiles []string
}

// Status classifies how Run ended.
type Status int

// The statuses of StatusOf.
const (
	Completed   Status = iota // everything asked for is done and saved
	Interrupted               // the context was cancelled; what was done is saved
	Diverged                  // the loss or the weights became non-finite; the last good weights are saved
	Failed                    // anything else (bad input, resources, I/O)
)

func (s Status) String() string {
	return [...]string{"completed", "interrupted", "diverged", "failed"}[s]
}

// Error is the error Run returns: the status, the stage it happened in
// and the cause.
type Error struct {
	Status Status
	Stage  Stage
	Err    error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Stage, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// StatusOf returns the Status of an error returned by Run: Completed for
// nil, the Error's Status, and Failed for any other error.
func StatusOf(err error) Status {
	if err == nil {
		return Completed
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return Failed
}

// NotEmptyError reports a run directory that already holds files when
// Options.Force is not set.
type NotEmptyError struct {
	Dir     string
	Entries int
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("run directory %q already exists and is not empty (%d entries): choose another directory, or force replacing its run files", e.Dir, e.Entries)
}

// Run trains cfg and saves the run into a locked run directory (see
// Options), then analyses it if asked. Checkpoints, the final save and the
// analysis are each one atomic commit (rundir.Dir.Commit), so that the
// directory holds one consistent state whenever the process is killed; the
// first commit also removes an earlier analysis. If ctx is cancelled,
// training stops after the current iteration (or, if it had finished, the
// analysis is skipped), what exists is saved, and the error has status
// Interrupted. A diverging run saves the last good weights and returns
// status Diverged. The Result says what is on disk in every case.
func Run(ctx context.Context, cfg train.Config, opt Options) (*Result, error) {
	var d *rundir.Dir
	res, err := run(ctx, cfg, opt, &d)
	if d != nil {
		if opt.Done != nil {
			opt.Done(res, err)
		}
		d.Close()
	}
	return res, err
}

// run is Run; *dp is set to the run directory once it is open and locked.
func run(ctx context.Context, cfg train.Config, opt Options, dp **rundir.Dir) (*Result, error) {
	res := &Result{}
	notify := func(s Stage) {
		if opt.Notify != nil {
			opt.Notify(s, res)
		}
	}
	fail := failer(res)
	cfg = cfg.Canonical()
	if err := cfg.Validate(); err != nil {
		return fail(StageSetup, err)
	}
	if err := train.CheckMemory(cfg); err != nil {
		return fail(StageSetup, err) // before anything is created
	}
	if _, err := cfg.Constraints(cfg.Model()); err != nil {
		return fail(StageSetup, fmt.Errorf("invalid training configuration: %w", err)) // the mask files, before anything is created
	}
	d, created, err := openDir(opt)
	if err != nil {
		return fail(StageSetup, err)
	}
	*dp = d
	res.Dir, res.Unlocked = d.Path(), !d.Locked()
	removeIfUnused := func() {
		if created {
			if e, err := d.Empty(); err == nil && e {
				os.RemoveAll(filepath.Join(d.Path(), rundir.MetaDir))
				os.Remove(d.Path())
			}
		}
	}
	res.Config = cfg
	notify(StageTrain)
	tr, err := train.NewTrainer(cfg, trainOptions(opt, &d, res))
	if err != nil {
		removeIfUnused()
		return fail(StageTrain, err)
	}
	defer tr.Close()
	return trainAndSave(ctx, tr, d, opt, res, notify, fail, removeIfUnused)
}

// trainOptions returns the training options of opt: progress, and a
// checkpoint into *d (set by the time training starts) every
// opt.CheckpointEvery that also removes an analysis the directory holds
// (it would describe another network).
func trainOptions(opt Options, d **rundir.Dir, res *Result) train.Options {
	topt := train.Options{Progress: opt.Progress}
	if opt.CheckpointEvery > 0 {
		topt.CheckpointEvery = opt.CheckpointEvery
		topt.Checkpoint = func(r *train.Result) error {
			if err := train.WriteRun(*d, r, analyze.OutputFiles()...); err != nil {
				return err
			}
			res.Saved = r.Completed()
			return nil
		}
	}
	return topt
}

// trainAndSave runs tr, saves the run into d and analyses it (Run's
// stages from training on; the caller has notified StageTrain).
func trainAndSave(ctx context.Context, tr *train.Trainer, d *rundir.Dir, opt Options, res *Result,
	notify func(Stage), fail func(Stage, error) (*Result, error), removeIfUnused func()) (*Result, error) {
	stale := analyze.OutputFiles()
	trainRes, trainErr := tr.Run(ctx)
	if trainRes == nil || trainRes.Completed() == 0 {
		if res.Saved == 0 {
			removeIfUnused()
		}
		if trainErr == nil {
			trainErr = errors.New("no iteration completed")
		}
		return fail(StageTrain, trainErr)
	}
	res.Train = trainRes
	notify(StageSave)
	if err := train.WriteRun(d, trainRes, stale...); err != nil {
		return fail(StageSave, err)
	}
	res.Saved = trainRes.Completed()
	if trainErr != nil {
		return fail(StageTrain, trainErr)
	}
	if err := ctx.Err(); err != nil {
		// The signal came during the last iteration or the save: the run is
		// complete and saved, the analysis is not started.
		return fail(StageTrain, fmt.Errorf("training finished and saved, analysis not started: %w", err))
	}
	if !opt.Analyze {
		return res, nil
	}
	notify(StageAnalyze)
	n := opt.AnalysisTrials
	if n == 0 {
		n = analyze.DefaultTrials
	}
	rep, files, err := analyze.RunDir(ctx, d.Path(), d, analyze.RunOptions{NTrials: n, FixedPoints: opt.FixedPoints})
	if err != nil {
		return fail(StageAnalyze, err)
	}
	res.Report, res.AnalysisFiles = rep, files
	if err := ctx.Err(); err != nil {
		return fail(StageAnalyze, fmt.Errorf("analysis finished and saved: %w", err))
	}
	return res, nil
}

// openDir opens and locks the run directory of opt, refusing a non-empty
// one without Force. created reports that Run made the directory.
func openDir(opt Options) (d *rundir.Dir, created bool, err error) {
	if opt.Dir == "" {
		d, err := rundir.CreateUnique(DefaultParent, rundir.DefaultName(time.Now()))
		return d, true, err
	}
	if _, err := os.Stat(opt.Dir); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	d, err = rundir.Open(opt.Dir)
	if err != nil {
		return nil, false, err
	}
	if !opt.Force {
		names, err := viewCount(d)
		if err != nil {
			d.Close()
			return nil, false, err
		}
		if names > 0 {
			d.Close()
			return nil, false, &NotEmptyError{Dir: opt.Dir, Entries: names}
		}
	}
	return d, created, nil
}

func viewCount(d *rundir.Dir) (int, error) {
	es, err := os.ReadDir(d.Path())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range es {
		if e.Name() == rundir.MetaDir {
			continue
		}
		if _, err := os.Stat(filepath.Join(d.Path(), e.Name())); err != nil {
			continue // a link to nothing
		}
		n++
	}
	return n, nil
}
