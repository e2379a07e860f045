package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// smallRunDir writes a run directory of an untrained network of h units.
func smallRunDir(t testing.TB, h int) (string, rundir.Config, *model.Weights) {
	t.Helper()
	cfg := rundir.DefaultConfig()
	cfg.NNeurons, cfg.Seed = h, 4
	w := model.InitWeights(cfg.Model(), cfg.Seed, tensor.Float32)
	dir := filepath.Join(t.TempDir(), "run")
	d, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Commit([]rundir.File{{Name: rundir.ConfigFile, Write: rundir.ConfigJSON(cfg)}, {Name: rundir.ModelFile, Write: w.WriteNPZ}}, nil); err != nil {
		t.Fatal(err)
	}
	return dir, cfg, w
}

func openOut(t testing.TB, dir string) *rundir.Dir {
	t.Helper()
	d, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestRunDirStreamsEvaluate: the streamed analysis of more than EvalChunk
// trials writes the same activity.npz, byte for byte, as Evaluate's
// in-memory activity, and the same accuracy and (to rounding) PCA.
func TestRunDirStreamsEvaluate(t *testing.T) {
	dir, cfg, w := smallRunDir(t, 8)
	n := EvalChunk + 300
	out := openOut(t, filepath.Join(t.TempDir(), "out"))
	rep, files, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: n})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 7 || rep.Activity.N != KeptTrials || rep.Trials.N != n {
		t.Fatalf("%d files, %d kept trials, %d trials", len(files), rep.Activity.N, rep.Trials.N)
	}
	a, err := Evaluate(mustTask(t, cfg), cfg.Model(), w, n, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := a.writeNPZ(&want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out.Path(), ActivityFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("streamed activity.npz (%d bytes) differs from the in-memory one (%d bytes)", len(got), want.Len())
	}
	mem, err := Analyze(a, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accuracy.Correct != mem.Accuracy.Correct || rep.Accuracy.N != n {
		t.Errorf("accuracy %d/%d, in memory %d/%d", rep.Accuracy.Correct, rep.Accuracy.N, mem.Accuracy.Correct, mem.Accuracy.N)
	}
	ge, me := rep.PCA.ExplainedVarianceRatio(), mem.PCA.ExplainedVarianceRatio()
	for k := range 3 {
		if math.Abs(ge[k]-me[k]) > 1e-9 {
			t.Errorf("explained variance %d: %v streamed, %v in memory", k, ge[k], me[k])
		}
	}
	var m struct {
		NTrials int `json:"n_trials"`
	}
	b, _ := os.ReadFile(filepath.Join(out.Path(), MetricsFile))
	if err := json.Unmarshal(b, &m); err != nil || m.NTrials != n {
		t.Errorf("metrics.json n_trials %d, %v", m.NTrials, err)
	}
	if es, _ := os.ReadDir(filepath.Join(out.Path(), rundir.MetaDir)); len(es) != 3 {
		t.Errorf("%s holds %d entries after the analysis, want lock, current and one state (no scratch left)", rundir.MetaDir, len(es))
	}
}

// cancelAfter is a context whose Err turns to Canceled after k calls.
type cancelAfter struct {
	context.Context
	k atomic.Int32
}

func (c *cancelAfter) Err() error {
	if c.k.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestRunDirInterrupted: an analysis cancelled while it evaluates writes
// nothing: the earlier analysis stays whole and no scratch is left
// (issue 8: SIGINT during the analysis killed it mid-write).
func TestRunDirInterrupted(t *testing.T) {
	dir, _, _ := smallRunDir(t, 8)
	out := openOut(t, filepath.Join(t.TempDir(), "out"))
	if _, _, err := RunDir(context.Background(), dir, out, RunOptions{NTrials: 30}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out.Path(), MetricsFile))
	// Err is asked once per chunk in the first pass (3 chunks) and before
	// each chunk's evaluation: cancel after the first chunk is evaluated.
	ctx := &cancelAfter{Context: context.Background()}
	ctx.k.Store(3 + 1)
	_, _, err := RunDir(ctx, dir, out, RunOptions{NTrials: 2*EvalChunk + 1, Seed: 77, SeedSet: true})
	if err == nil || !strings.Contains(err.Error(), "interrupted after 1024 of 2049 trials") {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(out.Path(), MetricsFile))
	if !bytes.Equal(before, after) {
		t.Error("metrics.json changed")
	}
	if es, _ := os.ReadDir(filepath.Join(out.Path(), rundir.MetaDir)); len(es) != 3 {
		t.Errorf("%s holds %d entries, want 3 (no scratch left)", rundir.MetaDir, len(es))
	}
}

// peakHeap runs fn while sampling the live heap (after a collection)
// every few milliseconds and returns the largest seen above the heap
// before.
func peakHeap(fn func()) float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := float64(m.HeapAlloc)
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.GC()
				var s runtime.MemStats
				runtime.ReadMemStats(&s)
				if s.HeapAlloc > peak.Load() {
					peak.Store(s.HeapAlloc)
				}
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return float64(peak.Load()) - base
}

// TestRunDirBoundedMemory is the issue 8 repro cmd/analyze -n_trials
// 100000 (12.6 GB, then out of memory) at a tenth of the size: the live
// heap of a streamed test, measured after every chunk, does not grow with
// the number of trials beyond the per-trial record; and the peak of a
// whole RunDir stays below the estimate RunDir checks.
func TestRunDirBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 10240 trials take a few seconds")
	}
	dir, _, _ := smallRunDir(t, 16)
	cfg, w, err := rundir.LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 10 * EvalChunk
	p, err := planTest(context.Background(), mustTask(t, cfg), cfg.Model(), w, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := newSpool(t.TempDir(), [4]int{p.cfg.NInput, p.cfg.NHidden, p.cfg.NOutput, 1}, data.Discrete)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	col, err := newCollector(p, KeptTrials, sp)
	if err != nil {
		t.Fatal(err)
	}
	var live []float64
	err = p.run(context.Background(), func(a *Activity, first int) error {
		if err := col.add(a, first); err != nil {
			return err
		}
		live = append(live, heapInUse())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := col.report(0); err != nil {
		t.Fatal(err)
	}
	for k := 2; k < len(live); k++ {
		if grew := live[k] - live[1]; grew > 4e6 {
			t.Errorf("live heap after chunk %d is %s more than after chunk 1 (%s): the test is not streamed",
				k, model.FormatBytes(grew), model.FormatBytes(live[1]))
		}
	}
	t.Logf("live heap after each of %d chunks: %s ... %s", len(live), model.FormatBytes(live[0]), model.FormatBytes(live[len(live)-1]))

	out := openOut(t, filepath.Join(t.TempDir(), "out"))
	peak := peakHeap(func() { _, _, err = RunDir(context.Background(), dir, out, RunOptions{NTrials: EvalChunk}) })
	if err != nil {
		t.Fatal(err)
	}
	q, _ := planTest(context.Background(), mustTask(t, cfg), cfg.Model(), w, EvalChunk, 0)
	est := runDirMemory(q, runtime.GOMAXPROCS(0)).Total()
	t.Logf("RunDir of %d trials: peak heap %s, estimate %s", EvalChunk, model.FormatBytes(peak), model.FormatBytes(est))
	if peak > est {
		t.Errorf("peak heap %s above the estimate %s", model.FormatBytes(peak), model.FormatBytes(est))
	}
}

func heapInUse() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

// mustTask builds cfg's task.
func mustTask(t testing.TB, cfg rundir.Config) data.Task {
	t.Helper()
	task, err := cfg.MakeTask(data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	return task
}
