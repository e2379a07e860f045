package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// tree returns every entry under dir: regular files with their content,
// links with their target, directories as "dir".
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			m[p] = "-> " + l
		case e.IsDir():
			m[p] = "dir"
		default:
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func withIterations(n int) func(train.Config) (train.Config, error) {
	return func(c train.Config) (train.Config, error) { c.NIteration = n; return c, nil }
}

// TestResumeContinues: Resume continues a finished run to a larger
// n_iteration and an interrupted run to its own, ending with the bytes of
// the runs trained in one go.
func TestResumeContinues(t *testing.T) {
	base := t.TempDir()
	want := filepath.Join(base, "ten")
	if _, err := Run(context.Background(), small(10), Options{Dir: want}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "six")
	if _, err := Run(context.Background(), small(6), Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	res, err := Resume(context.Background(), dir, withIterations(10), Options{Analyze: true, AnalysisTrials: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != 6 || res.Saved != 10 || res.Report == nil {
		t.Errorf("resumed %d, saved %d, report %v", res.Resumed, res.Saved, res.Report != nil)
	}
	for _, f := range []string{rundir.ConfigFile, rundir.ModelFile, rundir.LogFile} {
		a, _ := os.ReadFile(filepath.Join(want, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the run of 10 iterations", f)
		}
	}

	// an interrupted run (context cancelled after 3 iterations)
	ctx, cancel := context.WithCancel(context.Background())
	dir = filepath.Join(base, "cut")
	_, err = Run(ctx, small(10), Options{Dir: dir, Progress: func(it train.Iteration) {
		if it.Index == 3 {
			cancel()
		}
	}})
	if StatusOf(err) != Interrupted {
		t.Fatalf("status %v: %v", StatusOf(err), err)
	}
	if _, err := Resume(context.Background(), dir, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{rundir.ModelFile, rundir.LogFile} {
		a, _ := os.ReadFile(filepath.Join(want, f))
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if !bytes.Equal(a, b) {
			t.Errorf("interrupted and resumed: %s differs from the uninterrupted run's", f)
		}
	}
}

// TestResumeRefused: a directory that cannot be resumed gets an error
// that says why, and is left exactly as it was.
func TestResumeRefused(t *testing.T) {
	base := t.TempDir()
	good := filepath.Join(base, "good")
	if _, err := Run(context.Background(), small(4), Options{Dir: good}); err != nil {
		t.Fatal(err)
	}
	diverged := filepath.Join(base, "diverged")
	bad := small(4)
	bad.LearningRate = 1e39
	if _, err := Run(context.Background(), bad, Options{Dir: diverged}); StatusOf(err) != Diverged {
		t.Fatalf("lr 1e39: %v", err)
	}
	cases := []struct {
		name   string
		prep   func(t *testing.T, dir string) // applied to a copy of good
		dir    string                         // instead of a copy of good
		adjust func(train.Config) (train.Config, error)
		want   string
	}{
		{name: "missing", dir: filepath.Join(base, "none"), want: "no such directory"},
		{name: "not a run", dir: base, want: "not a run directory: config.json not found"},
		{name: "diverged", dir: diverged, want: "checkpoint.npz not found, so the run cannot be continued exactly: its training diverged"},
		{name: "no checkpoint", prep: func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, rundir.MetaDir, "current", rundir.CheckpointFile))
		}, want: "checkpoint.npz not found"},
		{name: "corrupt checkpoint", prep: func(t *testing.T, dir string) {
			p := filepath.Join(dir, rundir.MetaDir, "current", rundir.CheckpointFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
		}, want: "checkpoint.npz is corrupt"},
		{name: "checkpoint of another run", prep: func(t *testing.T, dir string) {
			other := filepath.Join(t.TempDir(), "other")
			c := small(4)
			c.Seed = 9
			if _, err := Run(context.Background(), c, Options{Dir: other}); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(other, rundir.CheckpointFile))
			os.WriteFile(filepath.Join(dir, rundir.MetaDir, "current", rundir.CheckpointFile), b, 0o644)
		}, want: "the data stream does not repeat batch 4"},
		{name: "corrupt model", prep: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, rundir.MetaDir, "current", rundir.ModelFile), []byte("PK junk"), 0o644)
		}, want: "model.npz is corrupt"},
		{name: "conflict", adjust: func(c train.Config) (train.Config, error) {
			c.NNeurons, c.Optimizer = 9, "SGD"
			return c, nil
		}, want: "n_neurons = 9 given, the run's config.json has 8; optimizer = \"SGD\" given, the run's config.json has \"Adam\""},
		{name: "fewer iterations", adjust: withIterations(2), want: "n_iteration = 2 is below the 4 iterations already trained"},
		{name: "locked", prep: func(t *testing.T, dir string) {
			d, err := rundir.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
		}, want: "is in use by another process"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := c.dir
			if dir == "" {
				dir = filepath.Join(base, "case", string(rune('a'+i)))
				os.MkdirAll(filepath.Dir(dir), 0o755)
				if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
					t.Fatal(err)
				}
				if c.prep != nil {
					c.prep(t, dir)
				}
			}
			before := tree(t, dir)
			res, err := Resume(context.Background(), dir, c.adjust, Options{Analyze: true})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Stage != StageSetup || e.Status != Failed || res.Saved != 0 && res.Dir == "" {
				t.Errorf("error %#v", err)
			}
			if !sameTree(before, tree(t, dir)) {
				t.Error("the directory changed")
			}
		})
	}
}
