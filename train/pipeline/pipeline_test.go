package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

func small(n int) train.Config {
	cfg := train.DefaultConfig()
	cfg.NNeurons, cfg.BatchSize, cfg.SeqLen, cfg.NIteration = 8, 2, 20, n
	return cfg
}

func readSummary(t *testing.T, dir string) rundir.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s rundir.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// noDebris fails if dir holds temporary files.
func noDebris(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && fileio.IsTemp(e.Name()) {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

func TestRunCompletes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	var stages []Stage
	res, err := Run(context.Background(), small(6), Options{Dir: dir, Analyze: true, AnalysisTrials: 20,
		Notify: func(s Stage, r *Result) { stages = append(stages, s) }})
	if err != nil || StatusOf(err) != Completed {
		t.Fatalf("Run: %v", err)
	}
	if res.Dir != dir || res.Saved != 6 || res.Report == nil || len(res.AnalysisFiles) != 7 {
		t.Errorf("result %+v", res)
	}
	if len(stages) != 3 || stages[0] != StageTrain || stages[2] != StageAnalyze {
		t.Errorf("stages %v", stages)
	}
	if s := readSummary(t, dir); s.NIteration != 6 || s.Stopped != "" {
		t.Errorf("summary %+v", s)
	}
	noDebris(t, dir)
}

// TestRunInterruptedInLastIteration is the issue 8 repro "SIGINT during the
// last iteration is swallowed (exit 0, the full analysis runs)": the
// cancellation is reported, the complete run is saved and no analysis
// starts.
func TestRunInterruptedInLastIteration(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	cfg := small(5)
	res, err := Run(ctx, cfg, Options{Dir: dir, Analyze: true, Progress: func(it train.Iteration) {
		if it.Index == cfg.NIteration {
			cancel()
		}
	}})
	if StatusOf(err) != Interrupted || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v (status %v), want Interrupted", err, StatusOf(err))
	}
	if res.Saved != 5 || res.Report != nil || exists(dir, analyze.MetricsFile) {
		t.Errorf("saved %d, report %v, metrics.json exists %v", res.Saved, res.Report != nil, exists(dir, analyze.MetricsFile))
	}
	if s := readSummary(t, dir); s.NIteration != 5 || s.Stopped != "" {
		t.Errorf("summary %+v: want the complete run", s)
	}
}

func TestRunInterruptedMidway(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	res, err := Run(ctx, small(50), Options{Dir: dir, Analyze: true, Progress: func(it train.Iteration) {
		if it.Index == 3 {
			cancel()
		}
	}})
	if StatusOf(err) != Interrupted {
		t.Fatalf("err = %v, want Interrupted", err)
	}
	if s := readSummary(t, dir); res.Saved != 3 || s.NIteration != 3 || !strings.Contains(s.Stopped, "interrupted after 3 of 50") {
		t.Errorf("saved %d, summary %+v", res.Saved, s)
	}
	if _, _, err := rundir.LoadRun(dir); err != nil {
		t.Error(err)
	}
}

// TestRunDiverged is the issue 8 repro -learning_rate 1e39 -n_iteration 1:
// no panic, no non-finite weights saved as if good, no temporary files.
func TestRunDiverged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cfg := small(1)
	cfg.LearningRate = 1e39
	res, err := Run(context.Background(), cfg, Options{Dir: dir, Analyze: true})
	if StatusOf(err) != Diverged {
		t.Fatalf("err = %v (status %v), want Diverged", err, StatusOf(err))
	}
	if res.Saved != 1 || res.Report != nil {
		t.Errorf("saved %d, report %v", res.Saved, res.Report != nil)
	}
	if s := readSummary(t, dir); !strings.Contains(s.Stopped, "non-finite") {
		t.Errorf("summary.stopped = %q", s.Stopped)
	}
	// LoadRun refuses non-finite weights, so loading proves they are finite.
	if _, _, err := rundir.LoadRun(dir); err != nil {
		t.Errorf("the saved run does not load: %v", err)
	}
	if !exists(dir, rundir.FigureFile) {
		t.Error("no training figure")
	}
	noDebris(t, dir)
}

// TestRunLocked: a directory locked by another writer is refused naming
// the holder (issue 8: two cmd/train -out SAME both exited 0).
func TestRunLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	d, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = Run(context.Background(), small(2), Options{Dir: dir})
	var le *rundir.LockedError
	if !errors.As(err, &le) || StatusOf(err) != Failed || !strings.Contains(err.Error(), "pid") {
		t.Errorf("err = %v, want a LockedError naming the holder", err)
	}
}

// TestRunConcurrentSameDir: of two runs started on one directory at once,
// exactly one writes it; the other is refused (locked, or not empty).
func TestRunConcurrentSameDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			cfg := small(20)
			cfg.Seed = int64(i)
			_, errs[i] = Run(context.Background(), cfg, Options{Dir: dir})
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("errors %v, %v: want exactly one run to succeed", errs[0], errs[1])
	}
	for _, err := range errs {
		var le *rundir.LockedError
		var ne *NotEmptyError
		if err != nil && !errors.As(err, &le) && !errors.As(err, &ne) {
			t.Errorf("refusal %v is neither locked nor not-empty", err)
		}
	}
	if _, _, err := rundir.LoadRun(dir); err != nil {
		t.Error(err)
	}
}

// TestRunForce: Force replaces the run files and removes the old
// analysis in the first commit; other files stay. Without Force a
// non-empty directory is refused.
func TestRunForce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Run(context.Background(), small(3), Options{Dir: dir, Analyze: true, AnalysisTrials: 20}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	_, err := Run(context.Background(), small(3), Options{Dir: dir})
	var ne *NotEmptyError
	if !errors.As(err, &ne) {
		t.Fatalf("without Force: %v", err)
	}
	cfg := small(4)
	cfg.Seed = 9
	if _, err := Run(context.Background(), cfg, Options{Dir: dir, Force: true}); err != nil {
		t.Fatal(err)
	}
	for _, f := range analyze.OutputFiles() {
		if exists(dir, f) {
			t.Errorf("%s of the replaced run is still there", f)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); !bytes.Equal(b, []byte("mine")) {
		t.Error("notes.txt changed")
	}
	if got, _, err := rundir.LoadRun(dir); err != nil || got.Seed != 9 {
		t.Errorf("LoadRun: seed %d, %v", got.Seed, err)
	}
}

// TestRunDefaultDirs: runs started together without a directory never
// share one (issue 12: DefaultRunDir collided within a second).
func TestRunDefaultDirs(t *testing.T) {
	t.Chdir(t.TempDir())
	var wg sync.WaitGroup
	dirs := make([]string, 3)
	for i := range dirs {
		wg.Go(func() {
			res, err := Run(context.Background(), small(1), Options{})
			if err != nil {
				t.Error(err)
				return
			}
			dirs[i] = res.Dir
		})
	}
	wg.Wait()
	if dirs[0] == dirs[1] || dirs[1] == dirs[2] || dirs[0] == dirs[2] || !strings.HasPrefix(dirs[0], DefaultParent+string(filepath.Separator)) {
		t.Errorf("directories %v", dirs)
	}
}

// TestRunNothingSaved: a run that fails before its first iteration
// removes the directory it created.
func TestRunNothingSaved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, small(3), Options{Dir: dir})
	if StatusOf(err) != Interrupted || res.Saved != 0 {
		t.Fatalf("err %v, saved %d", err, res.Saved)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the unused directory is still there (%v)", err)
	}
}

// TestRunDoneWhileLocked: Done sees Run's outcome while the directory is
// still locked (the sweep's worker.json is written there, so that no one
// sees the run unlocked without it), once; it is not called when no
// directory was opened.
func TestRunDoneWhileLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	var gotErr error
	_, err := Run(ctx, small(50), Options{Dir: dir,
		Progress: func(it train.Iteration) {
			if it.Index == 2 {
				cancel()
			}
		},
		Done: func(r *Result, err error) {
			calls++
			gotErr = err
			if !rundir.IsLocked(rundir.LockPath(dir)) {
				t.Error("Done called after the directory was unlocked")
			}
			if r.Saved != 2 {
				t.Errorf("Done: saved %d, want 2", r.Saved)
			}
		}})
	if calls != 1 || gotErr != err || StatusOf(err) != Interrupted {
		t.Errorf("Done called %d times with %v; Run returned %v", calls, gotErr, err)
	}
	if rundir.IsLocked(rundir.LockPath(dir)) {
		t.Error("the directory is still locked after Run")
	}
	cfg := small(2)
	cfg.NNeurons = -1
	if _, err := Run(context.Background(), cfg, Options{Dir: filepath.Join(t.TempDir(), "x"),
		Done: func(*Result, error) { t.Error("Done called without a directory") }}); err == nil {
		t.Error("a bad config was accepted")
	}
}
