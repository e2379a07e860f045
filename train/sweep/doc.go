// Package sweep trains populations of networks: every combination of a grid
// of hyperparameters (and/or a list of configurations) times a list of
// seeds, on all local cores or as a Slurm job array, and compares them.
//
// A Spec (JSON, see ParseSpec) expands into a Plan of named runs. Each run is
// an ordinary run directory DIR/runs/<name>/ (config.json, model.npz, ...,
// metrics.json) that cmd/analyze and train.LoadRun accept; the sweep
// directory DIR also holds the spec (sweep.json) and the comparison
// (sweep_summary.csv, sweep_summary.json, sweep.png, report.html).
//
// One run is trained by one worker process (RunWorker, cmd/sweep's hidden
// -worker mode) on one thread, so a run's bytes do not depend on where it
// ran: the Local backend starts workers as subprocesses, the Slurm backend
// copies the executable into DIR/bin once and submits one job array
// (sbatch --array=0-N%K) whose tasks each run a worker.
//
// Sweeps are resumable: Execute decides from each run directory whether the
// run is complete (RunState), trains only what is missing or failed, and
// refuses a directory that holds a different spec or another live sweep.
//
// Layout of a sweep directory:
//
//	DIR/sweep.json                the spec (compared on every re-run)
//	DIR/.sweep.lock               held while a sweep runs in DIR
//	DIR/runs/<name>/              one run directory per run, plus
//	    worker.log                 the worker's output, all attempts
//	    worker.json                the outcome of the last attempt (WorkerRecord)
//	DIR/bin/taskrnn-<hash>        Slurm: the one executable every task runs
//	DIR/slurm/                    Slurm: job script, task lists, job output, submissions
//	DIR/sweep_summary.csv, .json  one row per run (Summarize)
//	DIR/sweep.png, report.html    the comparison figure and the self-contained report
package sweep
