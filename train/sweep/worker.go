package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// Files a worker adds to a run directory.
const (
	WorkerFile    = "worker.json" // WorkerRecord of the last attempt
	WorkerLogFile = "worker.log"  // the worker's output, every attempt appended
)

// WorkerRecord is the content of worker.json: how the last attempt at a run
// ended, where and how long it took.
type WorkerRecord struct {
	Status Status `json:"status"`
	Error  string `json:"error,omitempty"`
	Host   string `json:"host"`
	PID    int    `json:"pid"`
	// GOMAXPROCS is the number of threads the worker ran Go code on.
	GOMAXPROCS int `json:"gomaxprocs"`
	// SlurmJob is "<array job id>_<task id>" when the worker ran as a
	// Slurm array task, else "<job id>" under Slurm, else empty.
	SlurmJob    string    `json:"slurm_job,omitempty"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	WallSeconds float64   `json:"wall_seconds"` // End - Start: training, saving and analysis
	Version     string    `json:"version"`      // train.ProgramVersion
}

// RunWorker trains, saves and analyses the run in the run directory dir,
// whose config.json the sweep wrote, and records the outcome in
// worker.json. It holds the run's lock throughout: a run that another
// process is working on is refused without touching it. Progress goes to
// log. Cancelling ctx stops training after the current iteration and saves
// the run so far (Interrupted). The returned record is also in worker.json;
// the error is non-nil only if the run could not be started (lock held,
// unreadable or invalid config.json) or the record could not be written.
func RunWorker(ctx context.Context, dir string, log io.Writer) (*WorkerRecord, error) {
	if _, err := os.Stat(filepath.Join(dir, train.ConfigFile)); err != nil {
		return nil, fmt.Errorf("worker: run %q: %w", dir, err)
	}
	if rundir.IsLocked(rundir.LockPath(dir)) {
		return nil, fmt.Errorf("worker: run %q is being trained by another process (its lock %s is held)", dir, rundir.LockPath(dir))
	}

	host, _ := os.Hostname()
	rec := &WorkerRecord{Host: host, PID: os.Getpid(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		SlurmJob: slurmJobFromEnv(), Start: time.Now(), Version: train.ProgramVersion()}
	fmt.Fprintf(log, "=== worker %s pid %d on %s, GOMAXPROCS %d%s\n", rec.Start.UTC().Format(time.RFC3339), rec.PID, host, rec.GOMAXPROCS, ifNotEmpty(", Slurm job ", rec.SlurmJob))
	if err := os.Remove(filepath.Join(dir, WorkerFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("worker: %w", err)
	}
	// finish records the outcome; the pipeline calls it while it still
	// holds the run's lock, so that no one sees the run unlocked with no
	// worker.json. It runs once.
	var finished bool
	var writeErr error
	finish := func(st Status, err error) {
		if finished {
			return
		}
		finished = true
		rec.Status = st
		if err != nil {
			rec.Error = err.Error()
		}
		rec.End = time.Now()
		rec.WallSeconds = rec.End.Sub(rec.Start).Seconds()
		fmt.Fprintf(log, "=== %s after %.2f s%s\n", rec.Status, rec.WallSeconds, ifNotEmpty(": ", rec.Error))
		writeErr = writeWorkerRecord(dir, rec)
	}
	cfg, err := train.LoadConfigFile(filepath.Join(dir, train.ConfigFile))
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		finish(Failed, err)
	} else {
		finish(runPipeline(ctx, dir, cfg, log, finish))
	}
	if writeErr != nil {
		return rec, fmt.Errorf("worker: %w", writeErr)
	}
	return rec, nil
}

func writeWorkerRecord(dir string, rec *WorkerRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return fileio.WriteFileBytes(filepath.Join(dir, WorkerFile), append(b, '\n'))
}

// slurmJobFromEnv returns the Slurm job of this process from the
// environment Slurm gives a job step (SLURM_ARRAY_JOB_ID,
// SLURM_ARRAY_TASK_ID, SLURM_JOB_ID).
func slurmJobFromEnv() string {
	if a, t := os.Getenv("SLURM_ARRAY_JOB_ID"), os.Getenv("SLURM_ARRAY_TASK_ID"); a != "" && t != "" {
		return a + "_" + t
	}
	return os.Getenv("SLURM_JOB_ID")
}

func ifNotEmpty(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
