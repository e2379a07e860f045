package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/train"
)

// attempts counts the worker attempts logged in a run's worker.log.
func attempts(t *testing.T, runDir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(runDir, WorkerLogFile))
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "=== worker ")
}

func TestLocalSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	// Three ordinary runs and one that diverges (SGD at learning rate 1e3
	// gives a NaN loss at iteration 2).
	spec := parse(t, `{"base": {"n_iteration": 5, "n_neurons": 8, "batch_size": 2},
		"runs": [{"optimizer": "Adam", "learning_rate": 0.01}, {"optimizer": "SGD", "learning_rate": 1000}],
		"seeds": [0, 1]}`)
	sw, err := Open(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o, err := Execute(context.Background(), sw, testLocal(2), &out)
	sw.Close()
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if o.After[Complete] != 2 || o.After[Diverged] != 2 || o.NotDone() != 0 {
		t.Fatalf("after: %v\n%s", o.After, out.String())
	}
	for _, want := range []string{"4 runs; 4 to run (4 new)", "now 2 complete, 2 diverged", SummaryCSV, ReportFile} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, r := range sw.Plan.Runs {
		rd := sw.RunDir(r.Name)
		st, _ := RunState(rd)
		if st.Worker == nil || st.Worker.GOMAXPROCS != 1 {
			t.Errorf("%s: worker record %+v, want GOMAXPROCS 1", r.Name, st.Worker)
		}
		// Every run is an ordinary run directory.
		cfg, _, err := train.LoadRun(rd)
		if err != nil {
			t.Errorf("%s: LoadRun: %v", r.Name, err)
		} else if !reflect.DeepEqual(cfg, r.Config) {
			t.Errorf("%s: LoadRun config %+v, want %+v", r.Name, cfg, r.Config)
		}
		if r.Config.Optimizer == "SGD" {
			if st.Status != Diverged || !strings.Contains(st.Error, "loss is NaN") {
				t.Errorf("%s: %s %q, want diverged on NaN", r.Name, st.Status, st.Error)
			}
			continue
		}
		if st.Status != Complete {
			t.Errorf("%s: %s %s", r.Name, st.Status, st.Error)
		}
	}

	// Again: everything is done, nothing runs.
	sw, err = Open(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := Execute(context.Background(), sw, testLocal(2), &out); err != nil {
		t.Fatal(err)
	}
	sw.Close()
	if !strings.Contains(out.String(), "4 done (skipped), nothing to run") {
		t.Errorf("second run:\n%s", out.String())
	}
	for _, r := range sw.Plan.Runs {
		if n := attempts(t, sw.RunDir(r.Name)); n != 1 {
			t.Errorf("%s: %d attempts, want 1", r.Name, n)
		}
	}

	// The summary holds the numbers of the run directories.
	var sum Summary
	b, err := os.ReadFile(filepath.Join(dir, SummaryJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Rows) != 4 || sum.Counts[Complete] != 2 || sum.Counts[Diverged] != 2 {
		t.Fatalf("summary: %d rows, counts %v", len(sum.Rows), sum.Counts)
	}
	for _, row := range sum.Rows {
		var s train.Summary
		readJSON(t, filepath.Join(sw.RunDir(row.Name), train.SummaryFile), &s)
		if row.FinalTrainLoss == nil || *row.FinalTrainLoss != s.FinalTrainLoss || row.NIteration != s.NIteration {
			t.Errorf("%s: summary row loss %v n %d, run has %v n %d", row.Name, row.FinalTrainLoss, row.NIteration, s.FinalTrainLoss, s.NIteration)
		}
		if row.Status != Complete {
			if row.TestAccuracy != nil {
				t.Errorf("%s: %s run has a test accuracy", row.Name, row.Status)
			}
			continue
		}
		var m struct {
			TestAccuracy float64                   `json:"test_accuracy"`
			ByCondition  map[string]map[string]any `json:"by_condition"`
		}
		readJSON(t, filepath.Join(sw.RunDir(row.Name), analyze.MetricsFile), &m)
		levels := 0
		for _, c := range m.ByCondition {
			levels += len(c)
		}
		if row.TestAccuracy == nil || *row.TestAccuracy != m.TestAccuracy || len(row.PerCondition) != levels {
			t.Errorf("%s: row test accuracy %v (%d conditions), metrics %v (%d)", row.Name, row.TestAccuracy, len(row.PerCondition), m.TestAccuracy, levels)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// Cancelling a local sweep (Ctrl-C) stops the workers after their current
// iteration; every run directory stays consistent, and the next sweep
// trains exactly the runs that are not done.
func TestLocalInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 4 small runs, some twice")
	}
	dir := filepath.Join(t.TempDir(), "sweep")
	spec := parse(t, `{"base": {"n_iteration": 1000, "n_neurons": 8, "batch_size": 2}, "grid": {"learning_rate": [0.01, 0.02]}, "seeds": [0, 1]}`)
	sw, err := Open(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	first := sw.RunDir(sw.Plan.Runs[0].Name)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancel once the first worker is training.
		for ctx.Err() == nil {
			if b, _ := os.ReadFile(filepath.Join(first, WorkerLogFile)); bytes.Contains(b, []byte("iteration ")) {
				cancel()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	var out bytes.Buffer
	_, err = Execute(ctx, sw, testLocal(2), &out)
	cancel()
	sw.Close()
	if err != context.Canceled {
		t.Fatalf("Execute after cancel: %v, want context.Canceled\n%s", err, out.String())
	}
	interrupted := 0
	savedAt := map[string]int{} // interrupted runs with a checkpoint: iterations saved
	for _, r := range sw.Plan.Runs {
		rd := sw.RunDir(r.Name)
		st, err := RunState(rd)
		if err != nil {
			t.Fatal(err)
		}
		switch st.Status {
		case Interrupted:
			interrupted++
			// The run so far is saved and loads.
			if st.Summary == nil {
				break // stopped before its first iteration: nothing to save
			}
			if st.Summary.NIteration == 0 || st.Summary.NIteration >= 1000 || !strings.Contains(st.Summary.Stopped, "interrupted") {
				t.Errorf("%s: interrupted run's summary %+v", r.Name, st.Summary)
			}
			if _, _, err := train.LoadRun(rd); err != nil {
				t.Errorf("%s: %v", r.Name, err)
			}
			savedAt[r.Name] = st.Summary.NIteration
		case Pending, Complete:
		default:
			t.Errorf("%s: %s %s after cancel", r.Name, st.Status, st.Error)
		}
	}
	if interrupted == 0 {
		t.Fatalf("no run was interrupted:\n%s", out.String())
	}

	before, _ := Open(dir, spec)
	todo, err := before.Todo()
	before.Close()
	if err != nil {
		t.Fatal(err)
	}
	sw, err = Open(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	o, err := Execute(context.Background(), sw, testLocal(2), &out)
	sw.Close()
	if err != nil || o.NotDone() != 0 {
		t.Fatalf("resume: %v, %v\n%s", err, o.After, out.String())
	}
	if !strings.Contains(out.String(), "interrupted before") {
		t.Errorf("resume does not say it retrains interrupted runs:\n%s", out.String())
	}
	t.Logf("interrupted with a checkpoint (iterations saved): %v", savedAt)
	// Interrupted runs go on from their checkpoint (cmd/train -resume).
	for name, k := range savedAt {
		b, _ := os.ReadFile(filepath.Join(sw.RunDir(name), WorkerLogFile))
		if !bytes.Contains(b, []byte(fmt.Sprintf("resumed after %d iterations", k))) {
			t.Errorf("%s was interrupted after %d iterations and not resumed from there:\n%s", name, k, b)
		}
	}
	retrained := map[string]bool{}
	for _, r := range todo {
		retrained[r.Name] = true
	}
	for _, r := range sw.Plan.Runs {
		want := 1
		if retrained[r.Name] {
			if n := attempts(t, sw.RunDir(r.Name)); n < 1 || n > 2 {
				t.Errorf("%s: %d attempts", r.Name, n)
			}
			continue
		}
		if n := attempts(t, sw.RunDir(r.Name)); n != want {
			t.Errorf("%s was done and ran again: %d attempts", r.Name, n)
		}
	}
}

// A worker that dies without a word gets a Failed record that says so.
func TestLocalWorkerCrash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	sw, err := Open(dir, parse(t, `{"base": {"n_iteration": 5}, "seeds": [7]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	var out bytes.Buffer
	o, err := Execute(context.Background(), sw, Local{Jobs: 1, Command: []string{"/bin/false"}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := RunState(sw.RunDir("seed=7"))
	if o.After[Failed] != 1 || st.Status != Failed || !strings.Contains(st.Error, "ended without recording an outcome: exit status 1") {
		t.Errorf("crashed worker: %v, state %s %q", o.After, st.Status, st.Error)
	}
	if !strings.Contains(out.String(), "[1/1] failed") {
		t.Errorf("progress does not report the failure:\n%s", out.String())
	}
}
