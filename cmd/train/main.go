// Command train trains the tutorial's leaky RNN on PerceptualDecisionMaking
// and writes a run directory.
//
//	go run ./cmd/train                        # the tutorial's configuration, seed 0
//	go run ./cmd/train -out runs/mine -seed 3 -n_neurons 128
//	go run ./cmd/train -config runs/mine/config.json -out runs/again
//
// Flags and JSON keys are the tutorial's names (dt, stim_len, stim_noise,
// seq_len, n_neurons, network_noise, tau, activation_fun, batch_size,
// n_iteration, learning_rate, optimizer, loss) plus seed; flags given on the
// command line override the -config file. The run directory (default
// runs/<UTC date-time>) receives config.json, model.npz, train_log.csv,
// summary.json and training.png; then (unless -analyze=false) the network
// is tested on 200 fresh trials and cmd/analyze's metrics, activity.npz and
// figures are written there too. Progress goes to stderr, the result to
// stdout. The run so far is saved every -checkpoint_every (default one
// minute) of training, so a killed run keeps its last checkpoint; Ctrl-C
// stops training and saves what exists; a diverging loss
// stops with the last good weights saved and exit status 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	resolve := train.ConfigFlags(fs)
	out := fs.String("out", "", "run `directory` to create (default runs/<UTC date-time>)")
	force := fs.Bool("force", false, "write into an existing non-empty -out directory, replacing its run files")
	graph := fs.String("graph", "fast", "training graph: fast or reference (same model, slower tape)")
	quiet := fs.Bool("quiet", false, "no progress output")
	every := fs.Duration("checkpoint_every", time.Minute, "save the run so far this often (wall time), so that a killed run keeps its last checkpoint; 0 saves only at the end")
	doAnalyze := fs.Bool("analyze", true, "after training, test on 200 fresh trials and write the analysis figures into the run directory (as cmd/analyze does)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: train [flags]\n\nTrains the NeuroGym PerceptualDecisionMaking tutorial RNN and writes a run directory.\n\n")
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
	cfg, err := resolve()
	if err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 2
	}
	if *every < 0 {
		fmt.Fprintf(stderr, "train: -checkpoint_every = %v, want >= 0 (0 saves only at the end)\n", *every)
		return 2
	}
	kind, err := train.ParseGraph(*graph)
	if err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 2
	}
	dir := *out
	if dir == "" {
		dir = train.DefaultRunDir(time.Now())
	}
	if err := train.PrepareRunDir(dir, *force); err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 1
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // the tape allocates per instruction; fewer GCs is ~6% faster
	}

	fmt.Fprintf(stdout, "training %d %s units, %s on %s, %d iterations of batch %d, seed %d (%s graph)\n",
		cfg.NNeurons, cfg.ActivationFun, cfg.Optimizer, cfg.Loss, cfg.NIteration, cfg.BatchSize, cfg.Seed, *graph)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := train.Options{Graph: kind}
	if *every > 0 {
		opt.CheckpointEvery = *every
		opt.Checkpoint = func(r *train.Result) error { return train.WriteRun(dir, r) }
	}
	finish := func() {}
	if f, ok := stderr.(*os.File); ok && !*quiet {
		opt.Progress, finish = train.NewProgress(f, cfg.NIteration)
	}
	res, trainErr := train.Train(ctx, cfg, opt)
	finish()
	stop()
	if res == nil || res.Completed() == 0 {
		if trainErr == nil {
			trainErr = errors.New("no iteration completed")
		}
		fmt.Fprintf(stderr, "train: %v\n", trainErr)
		if os.Remove(dir) == nil { // only succeeds if dir is empty
			fmt.Fprintf(stderr, "train: nothing saved; removed the empty %s\n", dir)
		}
		return 1
	}
	if err := train.WriteRun(dir, res); err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 1
	}
	if *force {
		// The replaced run's analysis no longer describes this network.
		for _, f := range analyze.OutputFiles() {
			if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(stderr, "train: removing the old analysis: %v\n", err)
				return 1
			}
		}
	}
	s := res.Summary()
	fmt.Fprintf(stdout, "run saved to %s\n", dir)
	fmt.Fprintf(stdout, "  final training loss      %.4f (mean of the last %d iterations)\n", s.FinalTrainLoss, min(train.FinalWindow, s.NIteration))
	if s.FinalTrainAccuracy != nil {
		fmt.Fprintf(stdout, "  final training accuracy  %.1f%%\n", *s.FinalTrainAccuracy)
	}
	fmt.Fprintf(stdout, "  training loop            %.2f s for %d iterations (%.2f ms per iteration)\n", s.TrainSeconds, s.NIteration, 1000*s.SecondsPerIteration)
	fmt.Fprintf(stdout, "  figure                   %s\n", filepath.Join(dir, train.FigureFile))
	if trainErr != nil {
		fmt.Fprintf(stderr, "train: %v\n", trainErr)
		if errors.Is(trainErr, context.Canceled) {
			return 130
		}
		return 1
	}
	if !*doAnalyze {
		fmt.Fprintf(stdout, "next: go run ./cmd/analyze -run %s\n", dir)
		return 0
	}
	start := time.Now()
	rep, _, files, err := analyze.RunDir(dir, analyze.RunOptions{NTrials: analyze.DefaultTrials})
	if err != nil {
		fmt.Fprintf(stderr, "train: the run is saved, but analysing it failed: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\ntest on %d fresh trials (go run ./cmd/analyze -run %s -n_trials N for more):\n", analyze.DefaultTrials, dir)
	if err := rep.WriteSummary(stdout); err != nil {
		fmt.Fprintf(stderr, "train: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d analysis files to %s in %.1f s:\n", len(files), dir, time.Since(start).Seconds())
	for _, f := range files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	return 0
}
