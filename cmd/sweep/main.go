// Command sweep trains a population of networks: every combination of a
// grid of hyperparameters (and/or a list of configurations) times a list
// of seeds, on all local cores or as a Slurm job array, and writes a
// comparison (package train/sweep).
//
//	go run ./cmd/sweep -spec sweep.json -out sweeps/lr            # local, one worker per core
//	go run ./cmd/sweep -spec sweep.json -out sweeps/lr -list      # the runs and their status
//	go run ./cmd/sweep -spec sweep.json -out sweeps/lr -backend slurm -partition cpu -time 00:30:00
//	go run ./cmd/sweep -spec sweep.json -out sweeps/lr -backend slurm -dry-run   # print the job script
//	go run ./cmd/sweep -summarize sweeps/lr                       # summary files of a (partial) sweep
//
// Every run is a run directory DIR/runs/<name>/ that cmd/analyze accepts.
// Running the same command again trains only the runs that are missing,
// failed or were interrupted, and says so; a directory holding another
// spec, or used by another sweep right now, is refused. Ctrl-C stops the
// local workers cleanly (each saves its run so far); a second Ctrl-C quits
// at once. With -backend slurm, Ctrl-C stops following the jobs, which go
// on. The summary (sweep_summary.csv, sweep_summary.json, sweep.png,
// report.html) is written into DIR at the end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/taskrnn/taskrnn/train/sweep"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// workerFlag is the hidden flag of the worker mode that the backends start:
// -worker RUNDIR trains, saves and analyses one run.
const workerFlag = "worker"

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "sweep spec `file` (JSON: base, grid, runs, seeds, slurm); default: the spec stored in -out")
	out := fs.String("out", "", "sweep `directory` (created if needed; runs go to DIR/runs/<name>)")
	list := fs.Bool("list", false, "print the runs of the sweep and their status, run nothing")
	jobs := fs.Int("j", runtime.NumCPU(), "local backend: runs trained at once, each on one thread")
	backend := fs.String("backend", "local", "where to train: local or slurm")
	dryRun := fs.Bool("dry-run", false, "slurm backend: print the job script and sbatch commands, submit and write nothing")
	summarize := fs.String("summarize", "", "write the summary files of the sweep in `DIR` (also a partial one) and exit")
	poll := fs.Duration("poll", 10*time.Second, "slurm backend: interval between two squeue calls")
	var so sweep.SlurmOptions
	fs.StringVar(&so.Partition, "partition", "", "slurm: sbatch --partition (overrides the spec's slurm block)")
	fs.StringVar(&so.Time, "time", "", "slurm: sbatch --time per task, e.g. 00:30:00")
	fs.StringVar(&so.Mem, "mem", "", "slurm: sbatch --mem per task, e.g. 2G")
	fs.IntVar(&so.CPUsPerTask, "cpus_per_task", 0, "slurm: sbatch --cpus-per-task (default 1; the worker's GOMAXPROCS)")
	fs.StringVar(&so.Account, "account", "", "slurm: sbatch --account")
	fs.IntVar(&so.ArrayThrottle, "array_throttle", 0, "slurm: K in --array=0-N%K, at most K tasks at once (0: no limit)")
	fs.IntVar(&so.RunsPerTask, "runs_per_task", 0, "slurm: runs per array task, one after another (default 1)")
	worker := fs.String(workerFlag, "", "")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: sweep -spec sweep.json -out DIR [flags]\n       sweep -summarize DIR\n\nTrains every run of a sweep spec locally or on Slurm and compares them.\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == workerFlag {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			if name != "" {
				name = " " + name
			}
			fmt.Fprintf(stderr, "  -%s%s\n    \t%s", f.Name, name, usage)
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
				fmt.Fprintf(stderr, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(stderr)
		})
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sweep: unexpected argument %q (all options are -flags; see -h)\n", fs.Arg(0))
		return 2
	}
	if *worker != "" {
		return runWorker(*worker, stdout, stderr)
	}
	if *summarize != "" {
		return runSummarize(*summarize, stdout, stderr)
	}
	if *out == "" {
		fmt.Fprintln(stderr, "sweep: -out DIR is required (or -summarize DIR); see -h")
		return 2
	}
	if *backend != "local" && *backend != "slurm" {
		fmt.Fprintf(stderr, "sweep: -backend = %q: allowed: local, slurm\n", *backend)
		return 2
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "sweep: -j = %d: want >= 1\n", *jobs)
		return 2
	}
	if *dryRun && *backend != "slurm" {
		fmt.Fprintln(stderr, "sweep: -dry-run is for -backend slurm; -list shows what a local sweep would run")
		return 2
	}
	if err := so.Validate(); err != nil {
		fmt.Fprintf(stderr, "sweep: bad Slurm flag: %v\n", err)
		return 2
	}
	var spec *sweep.Spec
	if *specPath != "" {
		var err error
		if spec, err = sweep.LoadSpec(*specPath); err != nil {
			fmt.Fprintf(stderr, "sweep: %v\n", err)
			return 2
		}
	}
	if *list || *dryRun {
		sw, err := sweep.Inspect(*out, spec)
		if err != nil {
			fmt.Fprintf(stderr, "sweep: %v\n", err)
			return 1
		}
		if *list {
			return printList(sw, stdout, stderr)
		}
		todo, err := sw.Todo()
		if err != nil {
			fmt.Fprintf(stderr, "sweep: %v\n", err)
			return 1
		}
		b, err := slurmBackend(sw.Spec, so, *poll)
		if err != nil {
			fmt.Fprintf(stderr, "sweep: %v\n", err)
			return 1
		}
		b.DryRun = true
		if err := b.Run(context.Background(), sw, todo, stdout); err != nil {
			fmt.Fprintf(stderr, "sweep: %v\n", err)
			return 1
		}
		return 0
	}

	sw, err := sweep.Open(*out, spec)
	if err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	defer sw.Close()
	var b sweep.Backend
	if *backend == "slurm" {
		sb, err := slurmBackend(sw.Spec, so, *poll)
		if err != nil {
			fmt.Fprintf(stderr, "sweep: %v\n", err)
			return 1
		}
		b = sb
	} else {
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintf(stderr, "sweep: cannot find this program to start workers: %v\n", err)
			return 1
		}
		b = sweep.Local{Jobs: *jobs, Command: []string{exe, "-" + workerFlag}}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C quits at once
	}()
	o, err := sweep.Execute(ctx, sw, b, stdout)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "sweep: interrupted; every run directory is consistent. Run the same command again to go on.\n")
		return 130
	case err != nil:
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	case o.NotDone() > 0:
		fmt.Fprintf(stderr, "sweep: %d run%s not done (see %s/report.html); run the same command again to retry them\n", o.NotDone(), map[bool]string{true: "", false: "s"}[o.NotDone() == 1], sw.Dir)
		return 1
	}
	return 0
}

// slurmBackend returns the Slurm backend with the spec's slurm block
// overridden by the flags.
func slurmBackend(spec *sweep.Spec, flags sweep.SlurmOptions, poll time.Duration) (sweep.Slurm, error) {
	var o sweep.SlurmOptions
	if spec.Slurm != nil {
		o = *spec.Slurm
	}
	o = o.Override(flags)
	exe, err := os.Executable()
	if err != nil {
		return sweep.Slurm{}, fmt.Errorf("cannot find this program to copy for the Slurm jobs: %w", err)
	}
	return sweep.Slurm{Options: o, Executable: exe, WorkerArgs: []string{"-" + workerFlag}, Poll: poll}, nil
}

// runWorker is the hidden worker mode: one run, in this process.
func runWorker(dir string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop() // kept until exit: repeated signals must not kill a worker that is saving
	rec, err := sweep.RunWorker(ctx, dir, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	switch rec.Status {
	case sweep.Complete, sweep.Diverged:
		return 0
	case sweep.Interrupted:
		return 130
	}
	return 1
}

func runSummarize(dir string, stdout, stderr io.Writer) int {
	sw, err := sweep.Inspect(dir, nil)
	if err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	sum, err := sweep.Summarize(sw)
	if err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	files, err := sum.WriteFiles(sw.Dir)
	if err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d runs: %s\n", len(sum.Rows), sweep.FormatCounts(sum.Counts))
	for _, f := range files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	return 0
}

func printList(sw *sweep.Sweep, stdout, stderr io.Writer) int {
	states, err := sw.States()
	if err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	counts := map[sweep.Status]int{}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "status\trun")
	for i, r := range sw.Plan.Runs {
		counts[states[i].Status]++
		fmt.Fprintf(tw, "%s\t%s\n", states[i].Status, r.Name)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "sweep: %v\n", err)
		return 1
	}
	keys := "none"
	if len(sw.Plan.Keys) > 0 {
		keys = strings.Join(sw.Plan.Keys, ", ")
	}
	fmt.Fprintf(stdout, "%d runs (swept keys: %s; seeds in every name): %s\n", len(sw.Plan.Runs), keys, sweep.FormatCounts(counts))
	return 0
}
