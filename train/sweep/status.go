package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// Status is where a run stands.
type Status string

// The statuses of a run. Complete and Diverged are final: a re-run of the
// sweep skips them (a diverging run diverges again with the same seed; it
// is a result). Pending, Failed and Interrupted runs are trained again.
const (
	Pending     Status = "pending"     // never started, or started and left nothing
	Running     Status = "running"     // a worker holds the run's lock now
	Complete    Status = "complete"    // trained for all iterations and analysed
	Diverged    Status = "diverged"    // training stopped on a non-finite loss; the last good weights are saved
	Failed      Status = "failed"      // the last attempt failed or was killed; see State.Error and worker.log
	Interrupted Status = "interrupted" // stopped by a signal (Ctrl-C, Slurm's time limit); the run so far is saved
)

// Done reports whether s is final, so that a re-run skips the run.
func (s Status) Done() bool { return s == Complete || s == Diverged }

// Statuses returns every status in the order tables list them.
func Statuses() []Status {
	return []Status{Complete, Diverged, Running, Interrupted, Failed, Pending}
}

// State is what a run directory says about its run.
type State struct {
	Status Status
	// Error says why the run failed or was interrupted, when known.
	Error string
	// Summary is summary.json, nil if absent.
	Summary *train.Summary
	// Worker is worker.json, the outcome of the last attempt, nil if
	// absent.
	Worker *WorkerRecord
}

// RunState reads the run directory dir. A run is Complete when its
// summary.json says all planned iterations ran without a stop and its
// metrics.json exists (the worker writes metrics.json last, after every
// other file); otherwise the worker's record, a lock held by a live worker,
// or what files exist decide. A missing dir is Pending. Only unreadable
// files are errors (a corrupt summary.json makes the run Failed, so that it
// is trained again).
func RunState(dir string) (State, error) {
	var st State
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		st.Status = Pending
		return st, nil
	} else if err != nil {
		return st, fmt.Errorf("run %q: %w", dir, err)
	}
	var bad []string
	if b, err := os.ReadFile(filepath.Join(dir, train.SummaryFile)); err == nil {
		var s train.Summary
		if err := json.Unmarshal(b, &s); err == nil {
			st.Summary = &s
		} else {
			bad = append(bad, fmt.Sprintf("%s is corrupt: %v", train.SummaryFile, err))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("run %q: %w", dir, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, WorkerFile)); err == nil {
		var w WorkerRecord
		if err := json.Unmarshal(b, &w); err == nil {
			st.Worker = &w
		} else {
			bad = append(bad, fmt.Sprintf("%s is corrupt: %v", WorkerFile, err))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("run %q: %w", dir, err)
	}
	_, err := os.Stat(filepath.Join(dir, analyze.MetricsFile))
	hasMetrics := err == nil

	s, w := st.Summary, st.Worker
	switch {
	case rundir.IsLocked(rundir.LockPath(dir)):
		st.Status = Running
	case s != nil && s.Stopped == "" && s.NIteration == s.NIterationPlanned && hasMetrics:
		st.Status = Complete
	case w != nil && w.Status == Complete:
		st.Status = Failed
		st.Error = fmt.Sprintf("%s says complete, but %s or a complete %s is missing (files removed?)", WorkerFile, analyze.MetricsFile, train.SummaryFile)
	case w != nil && (w.Status == Diverged && s != nil || w.Status == Failed || w.Status == Interrupted):
		st.Status, st.Error = w.Status, w.Error
	case len(bad) > 0:
		st.Status = Failed
		st.Error = bad[0]
	case s != nil:
		st.Status = Failed
		st.Error = fmt.Sprintf("stopped after %d of %d iterations with no outcome recorded (the worker was killed?); see %s", s.NIteration, s.NIterationPlanned, WorkerLogFile)
	default:
		st.Status = Pending
		if _, err := os.Stat(filepath.Join(dir, WorkerLogFile)); err == nil {
			st.Status = Failed
			st.Error = "a worker started and left no result (killed before its first checkpoint?); see " + WorkerLogFile
		}
	}
	return st, nil
}
