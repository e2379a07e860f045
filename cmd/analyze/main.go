// Command analyze tests a trained network from a run directory and writes
// the tutorial's analysis next to it.
//
//	go run ./cmd/analyze -run runs/mine                 # 200 test trials, the run's seed
//	go run ./cmd/analyze -run runs/mine -n_trials 2000 -seed 7 -out runs/mine/test7
//	go run ./cmd/analyze -run runs/mine -fp_condition '{"coh": 12.8, "ground_truth": 1}' -n_inits 1024
//
// It reads config.json and model.npz (rundir.LoadRun), runs -n_trials fresh
// trials from a test stream seeded apart from training (purposes "test-task"
// and "test-noise" of -seed) through a forward-only graph with the network
// noise on, and searches for the network's fixed points and slow points
// under a constant input (package analyze/fixedpoint; -fixed_points=false
// skips it): by default the task's input during the stimulus with zero
// evidence, or the mean input of a forced condition (-fp_condition) over a
// period (-fp_period), or a given vector (-fp_input); -n_inits, -noise_scale,
// -tol_q, -tol_q_slow, -tol_unique and -fp_seed set the search
// (fixed-point-finder's names). It writes metrics.json, activity.npz,
// task_trial.png, trial_output.png, psychometric.png, pca2d.png, pca3d.png,
// fixed_points.npz and fixed_points_eigenvalues.png into the run directory
// or -out (created if needed) as one atomic change, holding that
// directory's lock meanwhile; files of an earlier analysis that this one
// does not write are removed in the same change. It prints the accuracy
// table, the fixed points and where the files went. SIGINT or SIGTERM
// before the files are written leaves them as they were and exits with
// status 130 or 143; once writing has begun it is finished first. Bad flags
// exit with status 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train/pipeline"
	"github.com/taskrnn/taskrnn/train/rundir"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runDir := fs.String("run", "", "run `directory` written by cmd/train (required)")
	nTrials := fs.Int("n_trials", analyze.DefaultTrials, "number of test trials")
	seed := fs.Int64("seed", 0, "test seed (default: the run's seed; test streams never coincide with training streams)")
	out := fs.String("out", "", "output `directory` (default: the run directory)")
	fpFlags := bindFixedPointFlags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: analyze -run DIR [flags]\n\nTests a trained network and writes metrics, activity and figures.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "analyze: unexpected argument %q (all options are -flags; see -h)\n", fs.Arg(0))
		return 2
	}
	if *runDir == "" {
		fmt.Fprintln(stderr, "analyze: -run DIR is required (a directory written by cmd/train)")
		return 2
	}
	if *nTrials < 1 {
		fmt.Fprintf(stderr, "analyze: -n_trials = %d, want >= 1\n", *nTrials)
		return 2
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	fpOpt, err := fpFlags.options(fs)
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 2
	}

	start := time.Now()
	ctx, sigs := pipeline.NotifySignals(context.Background(), func(s os.Signal) {
		fmt.Fprintf(stderr, "analyze: second %v: exiting now; the output directory holds its last complete analysis\n", s)
		os.Exit(pipeline.SignalExitCode(s))
	})
	defer sigs.Stop()
	dir := *out
	if dir == "" {
		dir = *runDir
	}
	cfg, _, err := rundir.LoadRun(*runDir)
	if err != nil {
		// Checked before -out is created, so that a wrong -run creates nothing.
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 1
	}
	if fpOpt != nil {
		// The input flags are checked against the run's task before anything is created.
		s := cfg.Seed
		if seedSet {
			s = *seed
		}
		if fpOpt.SeedSet {
			s = fpOpt.Seed
		}
		if _, err := analyze.FixedPointInput(cfg, fpOpt.Input, s); err != nil {
			fmt.Fprintf(stderr, "analyze: %v\n", err)
			return 2
		}
	}
	d, err := rundir.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 1
	}
	defer d.Close()
	if !d.Locked() {
		fmt.Fprintf(stderr, "analyze: warning: %s cannot be locked (no flock on this file system): do not start another writer on it\n", dir)
	}
	rep, files, err := analyze.RunDir(ctx, *runDir, d, analyze.RunOptions{NTrials: *nTrials, Seed: *seed, SeedSet: seedSet, FixedPoints: fpOpt})
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		if sig := sigs.Received(); sig != nil {
			fmt.Fprintf(stderr, "analyze: interrupted by %v: nothing written\n", sig)
			return sigs.ExitCode()
		}
		return 1
	}
	if err := rep.WriteSummary(stdout); err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d files to %s in %.1f s:\n", len(files), dir, time.Since(start).Seconds())
	for _, f := range files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	if sig := sigs.Received(); sig != nil {
		fmt.Fprintf(stderr, "analyze: interrupted by %v while writing: the analysis above is complete\n", sig)
		return sigs.ExitCode()
	}
	return 0
}
