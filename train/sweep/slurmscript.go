package sweep

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Slurm file names inside a sweep directory.
const (
	SlurmDir = "slurm" // job scripts, task lists, job output, submissions.json
	BinDir   = "bin"   // the executable every task runs
)

// DefaultMaxArraySize is Slurm's default MaxArraySize: array indices go
// from 0 to MaxArraySize-1.
const DefaultMaxArraySize = 1001

// safePathRE matches paths that can go into #SBATCH lines and the job
// script as they are: no whitespace, quotes, '$', '%' (sbatch's file name
// patterns) or backslashes.
var safePathRE = regexp.MustCompile(`^[A-Za-z0-9_./+,=@:~-]+$`)

// checkSlurmPath returns an error if path cannot be used in a job script.
func checkSlurmPath(path string) error {
	if !safePathRE.MatchString(path) {
		return fmt.Errorf("path %q has characters that job scripts cannot carry safely (whitespace, quotes, $, %%, \\): use a sweep directory whose absolute path has only letters, digits and _ . / + , = @ : ~ -", path)
	}
	return nil
}

// JobScript returns the job-array script of the sweep in dir (absolute):
// #SBATCH lines for the non-zero fields of o, then a body in which array
// task i runs the runs on lines i*R+1 to i*R+R of the task list given as
// the script's first argument (one run name a line; R = o.RunsPerTask,
// default 1), one after another, each as
//
//	BIN WORKERARGS... DIR/runs/<name>   >> DIR/runs/<name>/worker.log 2>&1
//
// with GOMAXPROCS set to the task's CPUs (SLURM_CPUS_PER_TASK, default 1).
// The task's exit status is the last failing worker's, 0 if none failed.
// Slurm's own output (anything before a worker starts) goes to
// DIR/slurm/%A_%a.out. Submit with sbatch --array=0-N[%K] SCRIPT LIST.
func JobScript(dir, bin string, workerArgs []string, o SlurmOptions) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("#!/bin/bash")
	w("# Job array of the taskrnn sweep in %s, written by cmd/sweep.", dir)
	w("# Array task i runs the runs on lines i*%d+1 .. i*%d+%d of the task list given", o.runsPerTask(), o.runsPerTask(), o.runsPerTask())
	w("# as the first argument (one run name a line): each one trains, saves and")
	w("# analyses DIR/runs/<name> and records the outcome in its worker.json.")
	w("# Submitted as: sbatch --parsable --array=0-N[%%K] THIS_SCRIPT TASK_LIST")
	w("#SBATCH --job-name=taskrnn-sweep")
	w("#SBATCH --output=%s", filepath.Join(dir, SlurmDir, "%A_%a.out"))
	if o.Partition != "" {
		w("#SBATCH --partition=%s", o.Partition)
	}
	if o.Account != "" {
		w("#SBATCH --account=%s", o.Account)
	}
	if o.Time != "" {
		w("#SBATCH --time=%s", o.Time)
	}
	if o.Mem != "" {
		w("#SBATCH --mem=%s", o.Mem)
	}
	if o.CPUsPerTask > 0 {
		w("#SBATCH --cpus-per-task=%d", o.CPUsPerTask)
	}
	w("set -u")
	w("list=$1")
	w("runs=%s", shellQuote(filepath.Join(dir, RunsDir)))
	args := []string{shellQuote(bin)}
	for _, a := range workerArgs {
		args = append(args, shellQuote(a))
	}
	w("export GOMAXPROCS=\"${SLURM_CPUS_PER_TASK:-1}\"")
	w("first=$((SLURM_ARRAY_TASK_ID * %d + 1))", o.runsPerTask())
	w("last=$((first + %d - 1))", o.runsPerTask())
	w("status=0")
	w("while IFS= read -r run; do")
	w("\t%s \"$runs/$run\" >>\"$runs/$run/%s\" 2>&1 || status=$?", strings.Join(args, " "), WorkerLogFile)
	w("done < <(sed -n \"${first},${last}p\" \"$list\")")
	w("exit \"$status\"")
	return b.String()
}

// shellQuote quotes s for bash with single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// chunkArrays splits the run names into job arrays: each array task runs
// runsPerTask consecutive names (the last task may run fewer) and each
// array has at most maxTasks tasks (Slurm's MaxArraySize).
func chunkArrays(names []string, runsPerTask, maxTasks int) [][]string {
	per := max(1, runsPerTask) * max(1, maxTasks)
	var out [][]string
	for len(names) > 0 {
		n := min(per, len(names))
		out = append(out, names[:n])
		names = names[n:]
	}
	return out
}

// arraySpec returns sbatch's --array value for nRuns runs at runsPerTask
// runs a task and throttle K (0: none): "0-N" or "0-N%K".
func arraySpec(nRuns, runsPerTask, throttle int) string {
	tasks := (nRuns + runsPerTask - 1) / runsPerTask
	s := fmt.Sprintf("0-%d", tasks-1)
	if throttle > 0 {
		s += fmt.Sprintf("%%%d", throttle)
	}
	return s
}
