// Command train trains the tutorial's leaky RNN on PerceptualDecisionMaking
// and writes a run directory.
//
//	go run ./cmd/train                        # the tutorial's configuration, seed 0
//	go run ./cmd/train -out runs/mine -seed 3 -n_neurons 128
//	go run ./cmd/train -config runs/mine/config.json -out runs/again
//
// Flags and JSON keys are the tutorial's names (dt, stim_len, stim_noise,
// seq_len, n_neurons, network_noise, tau, activation_fun, batch_size,
// n_iteration, learning_rate, optimizer, loss) plus seed and graph; flags
// given on the command line override the -config file. The run directory
// (default runs/<UTC date-time>, never shared with another run) is locked
// while the command runs and receives config.json, model.npz,
// train_log.csv, summary.json and training.png; then (unless
// -analyze=false) the network is tested on 200 fresh trials and
// cmd/analyze's metrics, activity.npz and figures are written there too,
// with its fixed-point analysis (fixed_points.npz, the eigenvalue figure and
// the points on the PCA figures, from 256 initial states; -fixed_points=false
// skips it).
// Every save is one atomic change of the directory (package train/rundir).
// Progress goes to stderr, the result to stdout. The run so far is saved
// every -checkpoint_every (default one minute) of training, so a killed run
// keeps its last checkpoint. SIGINT (Ctrl-C) or SIGTERM stops training
// after the current iteration, saves what exists and exits with status 130
// or 143 (a second signal exits at once; the directory then holds its last
// save); a diverging loss stops with the last good weights saved and exit
// status 1. The work is done by package train/pipeline.
//
//	go run ./cmd/train -resume runs/mine                    # continue a killed or finished run to its n_iteration
//	go run ./cmd/train -resume runs/mine -n_iteration 5000  # ... or to a new one
//
// -resume DIR continues the run in DIR from its last save exactly as it
// would have gone on (same weights, log and analysis, byte for byte), then
// analyses it as a new run is. The run's config.json is the configuration:
// configuration flags other than -n_iteration must repeat its values (a
// different value is an error naming the key and both values), and -config,
// -out and -force are not allowed; -checkpoint_every, -analyze,
// -fixed_points and -quiet apply as usual. A directory that is not a run,
// is locked by another process, lacks checkpoint.npz or has a corrupt one
// is refused with an error and left as it was.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/pipeline"
	"github.com/taskrnn/taskrnn/train/rundir"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	resolve := train.ConfigFlags(fs)
	out := fs.String("out", "", "run `directory` to create (default runs/<UTC date-time>)")
	force := fs.Bool("force", false, "write into an existing non-empty -out directory, replacing its run files and removing its analysis")
	quiet := fs.Bool("quiet", false, "no progress output")
	every := new(time.Duration)
	*every = time.Minute
	fs.Var((*durationFlag)(every), "checkpoint_every", "save the run so far every `duration` of wall time (e.g. 30s, 5m), so that a killed run keeps its last checkpoint; 0 saves only at the end")
	doAnalyze := fs.Bool("analyze", true, "after training, test on 200 fresh trials and write the analysis figures into the run directory (as cmd/analyze does)")
	resumeDir := fs.String("resume", "", "continue the run in `directory` from its last save to its n_iteration (or a new -n_iteration); other configuration flags must repeat the run's values")
	fixedPoints := fs.Bool("fixed_points", true, "with the analysis, search for the network's fixed points and slow points from 256 initial states (cmd/analyze's defaults; =false skips it)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: train [flags]\n\nTrains a leaky rate RNN on a NeuroGym task (default: the PerceptualDecisionMaking tutorial),\nwrites a run directory, then tests the network and searches its fixed points.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train: unexpected argument %q (all options are -flags; see -h)\n", fs.Arg(0))
		return 2
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var cfg train.Config
	if *resumeDir != "" {
		for _, f := range []string{"out", "force", "config"} {
			if given[f] {
				fmt.Fprintf(stderr, "train: -%s cannot be combined with -resume: the run is continued in place with its own config.json\n", f)
				return 2
			}
		}
	} else {
		var err error
		if cfg, err = resolve(); err != nil {
			fmt.Fprintf(stderr, "train: %v\n", err)
			return 2
		}
	}
	if *every < 0 {
		fmt.Fprintf(stderr, "train: -checkpoint_every = %v, want >= 0 (0 saves only at the end)\n", *every)
		return 2
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // the tape allocates per instruction; fewer GCs is ~6% faster
	}

	ctx, sigs := pipeline.NotifySignals(context.Background(), func(s os.Signal) {
		fmt.Fprintf(stderr, "train: second %v: exiting now; the run directory holds its last save\n", s)
		os.Exit(pipeline.SignalExitCode(s))
	})
	defer sigs.Stop()
	opt := pipeline.Options{Dir: *out, Force: *force, CheckpointEvery: *every, Analyze: *doAnalyze}
	if *fixedPoints {
		fp := analyze.DefaultFixedPointOptions()
		opt.FixedPoints = &fp
	}
	finish := func() {}
	var progress func(train.Iteration) // made once the number of iterations is known
	if f, ok := stderr.(*os.File); ok && !*quiet {
		opt.Progress = func(it train.Iteration) {
			if progress == nil {
				progress, finish = train.NewProgress(f, it.N-it.Index+1)
			}
			progress(it)
		}
	}
	var analysisStart time.Time
	opt.Notify = func(s pipeline.Stage, r *pipeline.Result) {
		switch s {
		case pipeline.StageTrain:
			cfg = r.Config
			if r.Resumed > 0 {
				fmt.Fprintf(stdout, "resuming %s after %d of %d iterations\n", r.Dir, r.Resumed, cfg.NIteration)
			}
			if r.Unlocked {
				fmt.Fprintf(stderr, "train: warning: %s cannot be locked (no flock on this file system): do not start another writer on it\n", r.Dir)
			}
			fmt.Fprintf(stdout, "training %d %s units on %s: %s on %s, %d iterations of batch %d, seed %d (%s graph) into %s\n",
				cfg.NNeurons, cfg.ActivationFun, cfg.Task, cfg.Optimizer, cfg.Loss, cfg.NIteration, cfg.BatchSize, cfg.Seed, cfg.Graph, r.Dir)
		case pipeline.StageSave:
			finish()
			fmt.Fprintf(stdout, "saving %d iterations to %s\n", r.Train.Completed(), r.Dir)
		case pipeline.StageAnalyze:
			printTraining(stdout, r)
			analysisStart = time.Now()
		}
	}
	var res *pipeline.Result
	var err error
	if *resumeDir != "" {
		res, err = pipeline.Resume(ctx, *resumeDir, func(run train.Config) (train.Config, error) { return rundir.ResumeConfig(run, fs) }, opt)
	} else {
		res, err = pipeline.Run(ctx, cfg, opt)
	}
	finish()
	status := pipeline.StatusOf(err)
	if err != nil {
		var ne *pipeline.NotEmptyError
		if errors.As(err, &ne) {
			fmt.Fprintf(stderr, "train: %v (-force replaces its run files)\n", err)
			return 1
		}
		var ce *rundir.ConflictError
		var be *rundir.BelowTrainedError
		if errors.As(err, &ce) || errors.As(err, &be) { // a flag that contradicts the resumed run: a usage error, like any bad flag
			fmt.Fprintf(stderr, "train: %v\ntrain: %s was not changed\n", err, *resumeDir)
			return 2
		}
		fmt.Fprintf(stderr, "train: %v\n", err)
	}
	if res.Report == nil && res.Saved > 0 {
		printTraining(stdout, res)
	}
	switch {
	case *resumeDir != "" && res.Dir == "" && err == nil:
		fmt.Fprintf(stdout, "%s already has its %d iterations and -analyze=false: nothing to do, the run is left as it is\n", *resumeDir, res.Resumed)
	case *resumeDir != "" && res.Dir == "":
		fmt.Fprintf(stderr, "train: %s was not changed\n", *resumeDir)
	case res.Saved == 0:
		fmt.Fprintln(stderr, "train: nothing saved")
	case res.Report != nil:
		fmt.Fprintf(stdout, "\ntest on %d fresh trials (go run ./cmd/analyze -run %s -n_trials N for more):\n", analyze.DefaultTrials, res.Dir)
		if err := res.Report.WriteSummary(stdout); err != nil {
			fmt.Fprintf(stderr, "train: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %d analysis files to %s in %.1f s:\n", len(res.AnalysisFiles), res.Dir, time.Since(analysisStart).Seconds())
		for _, f := range res.AnalysisFiles {
			fmt.Fprintf(stdout, "  %s\n", f)
		}
	case status == pipeline.Completed:
		fmt.Fprintf(stdout, "next: go run ./cmd/analyze -run %s\n", res.Dir)
	}
	switch status {
	case pipeline.Completed:
		return 0
	case pipeline.Interrupted:
		what := "nothing saved"
		switch {
		case res.Report != nil:
			what = fmt.Sprintf("the run and its analysis are saved in %s", res.Dir)
		case res.Saved > 0:
			what = fmt.Sprintf("%d iterations are saved in %s (no analysis)", res.Saved, res.Dir)
		}
		fmt.Fprintf(stderr, "train: interrupted by %v: %s\n", sigs.Received(), what)
		return sigs.ExitCode()
	}
	return 1
}

// printTraining prints where the run was saved and its final figures.
func printTraining(w io.Writer, r *pipeline.Result) {
	s := r.Train.Summary()
	fmt.Fprintf(w, "run saved to %s\n", r.Dir)
	fmt.Fprintf(w, "  final training loss      %.4f (mean of the last %d iterations)\n", s.FinalTrainLoss, min(train.FinalWindow, s.NIteration))
	if s.FinalTrainAccuracy != nil {
		fmt.Fprintf(w, "  final training accuracy  %.1f%%\n", *s.FinalTrainAccuracy)
		if r.Config.Task.String() != rundir.TutorialTask && !r.Config.TrialAligned {
			// the tutorial's rule scores one step per window, often a fixation step
			fmt.Fprintln(w, "                           (the tutorial's rule: the output at each window's last step, often")
			fmt.Fprintln(w, "                           a fixation step on this task; the test's performance scores whole trials)")
		}
	}
	fmt.Fprintf(w, "  training loop            %.2f s for %d iterations (%.2f ms per iteration)\n", s.TrainSeconds, s.NIteration, 1000*s.SecondsPerIteration)
	fmt.Fprintf(w, "  figure                   %s/%s\n", r.Dir, train.FigureFile)
}

// durationFlag is a time.Duration flag whose parse error says what a
// duration looks like (the flag package says only "parse error").
type durationFlag time.Duration

func (d *durationFlag) String() string { return time.Duration(*d).String() }

func (d *durationFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration with a unit, e.g. 30s, 5m or 1h (0 saves only at the end)")
	}
	*d = durationFlag(v)
	return nil
}
