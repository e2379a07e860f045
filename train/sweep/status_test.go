package sweep

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

func jsonEncode(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

func TestRunState(t *testing.T) {
	full := train.Summary{NIteration: 10, NIterationPlanned: 10, FinalTrainLoss: 0.1}
	partial := train.Summary{NIteration: 4, NIterationPlanned: 10, Stopped: "interrupted after 4 of 10 iterations"}
	for _, c := range []struct {
		name    string
		summary *train.Summary
		metrics bool
		worker  *WorkerRecord
		log     bool
		corrupt string // a file written with bad JSON
		want    Status
		errHas  string
	}{
		{name: "nothing", want: Pending},
		{name: "complete", summary: &full, metrics: true, worker: &WorkerRecord{Status: Complete}, want: Complete},
		{name: "complete without record", summary: &full, metrics: true, want: Complete},
		{name: "trained, not analysed", summary: &full, want: Failed, errHas: "no outcome recorded"},
		{name: "record says complete, metrics gone", summary: &full, worker: &WorkerRecord{Status: Complete}, want: Failed, errHas: "metrics.json"},
		{name: "diverged", summary: &train.Summary{NIteration: 3, NIterationPlanned: 10, Stopped: "loss is NaN"}, worker: &WorkerRecord{Status: Diverged, Error: "loss is NaN at iteration 4"}, want: Diverged, errHas: "NaN"},
		{name: "interrupted", summary: &partial, worker: &WorkerRecord{Status: Interrupted, Error: "interrupted"}, want: Interrupted},
		{name: "failed", worker: &WorkerRecord{Status: Failed, Error: "disk full"}, want: Failed, errHas: "disk full"},
		{name: "killed after a checkpoint", summary: &partial, want: Failed, errHas: "stopped after 4 of 10"},
		{name: "killed before a checkpoint", log: true, want: Failed, errHas: "left no result"},
		{name: "corrupt summary", corrupt: train.SummaryFile, want: Failed, errHas: "summary.json is corrupt"},
		{name: "corrupt record", summary: &partial, corrupt: WorkerFile, want: Failed, errHas: "worker.json is corrupt"},
	} {
		dir := t.TempDir()
		if c.summary != nil {
			writeJSONFile(t, filepath.Join(dir, train.SummaryFile), c.summary)
		}
		if c.metrics {
			os.WriteFile(filepath.Join(dir, analyze.MetricsFile), []byte("{}"), 0o644)
		}
		if c.worker != nil {
			writeJSONFile(t, filepath.Join(dir, WorkerFile), c.worker)
		}
		if c.log {
			os.WriteFile(filepath.Join(dir, WorkerLogFile), []byte("=== worker\n"), 0o644)
		}
		if c.corrupt != "" {
			os.WriteFile(filepath.Join(dir, c.corrupt), []byte("{not json"), 0o644)
		}
		st, err := RunState(dir)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if st.Status != c.want || !strings.Contains(st.Error, c.errHas) {
			t.Errorf("%s: %s %q, want %s with %q", c.name, st.Status, st.Error, c.want, c.errHas)
		}
		if st.Status.Done() != (c.want == Complete || c.want == Diverged) {
			t.Errorf("%s: Done() = %v", c.name, st.Status.Done())
		}
	}
	if st, err := RunState(filepath.Join(t.TempDir(), "missing")); err != nil || st.Status != Pending {
		t.Errorf("missing directory: %v %v", st.Status, err)
	}

	// A run whose lock a live worker holds is Running, whatever else.
	dir := t.TempDir()
	writeJSONFile(t, filepath.Join(dir, train.SummaryFile), partial)
	lock, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := RunState(dir); st.Status != Running {
		t.Errorf("locked run: %s, want running", st.Status)
	}
	if _, err := rundir.Open(dir); err == nil {
		t.Error("a second lock on a locked run succeeded")
	}
	lock.Close()
	if st, _ := RunState(dir); st.Status != Failed {
		t.Errorf("unlocked run: %s, want failed", st.Status)
	}
}
