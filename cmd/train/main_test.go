package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "run")
	small := []string{"-n_neurons", "8", "-batch_size", "2", "-n_iteration", "5", "-quiet"}

	var out, errb bytes.Buffer
	if code := run(append(small, "-out", dir), &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	for _, want := range []string{"run saved to " + dir, "final training accuracy", "test on 200 fresh trials", "coherence (%)", "pca3d.png",
		"fixed points under x* = [fixation 1, stimulus[0] 0.5, stimulus[1] 0.5]", "from 256 initial states", "fixed_points.npz"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	for _, f := range []string{"config.json", "model.npz", "train_log.csv", "summary.json", "training.png",
		"metrics.json", "activity.npz", "task_trial.png", "trial_output.png", "psychometric.png", "pca2d.png", "pca3d.png", "fixed_points.npz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}

	out.Reset()
	nofp := filepath.Join(base, "nofp")
	if code := run(append(slices.Clip(small), "-fixed_points=false", "-out", nofp), &out, &errb); code != 0 {
		t.Fatalf("-fixed_points=false: exit %d, stderr:\n%s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(nofp, "fixed_points.npz")); err == nil || strings.Contains(out.String(), "fixed points") {
		t.Errorf("-fixed_points=false searched:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(nofp, "pca2d.png")); err != nil {
		t.Error(err)
	}

	small = slices.Clip(append(small, "-analyze=false")) // clipped: the cases below append to it
	out.Reset()
	if code := run(append(small, "-out", filepath.Join(base, "noanalysis")), &out, &errb); code != 0 {
		t.Fatalf("-analyze=false: exit %d, stderr:\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "next: go run ./cmd/analyze") {
		t.Errorf("-analyze=false: stdout lacks the hint to run cmd/analyze:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(base, "noanalysis", "metrics.json")); err == nil {
		t.Error("-analyze=false wrote metrics.json")
	}

	for _, c := range []struct {
		name   string
		args   []string
		code   int
		errHas string
	}{
		{"existing run dir", append(small, "-out", dir), 1, "-force"},
		{"force", append(small, "-out", dir, "-force"), 0, ""},
		{"bad flag", []string{"-n_neurons", "many"}, 2, "invalid value"},
		{"unknown flag", []string{"-neurons", "8"}, 2, "not defined"},
		{"invalid config", []string{"-tau", "5", "-out", filepath.Join(base, "never")}, 2, "tau = 5"},
		{"bad graph", []string{"-graph", "turbo", "-out", filepath.Join(base, "never")}, 2, "fast, reference"},
		{"stray argument", []string{"extra"}, 2, "unexpected argument"},
		{"missing config file", []string{"-config", filepath.Join(base, "none.json")}, 2, "none.json"},
		{"unwritable out", append(small, "-out", filepath.Join(dir, "config.json", "sub")), 1, "run directory"},
		{"help", []string{"-h"}, 0, "usage: train"},
		{"negative checkpoint interval", []string{"-checkpoint_every", "-1s", "-out", filepath.Join(base, "never")}, 2, "-checkpoint_every"},
		{"checkpoint every iteration", append(small, "-checkpoint_every", "1ns", "-out", filepath.Join(base, "ckpt")), 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(c.args, &out, &errb); code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, errb.String())
			}
			if !strings.Contains(errb.String(), c.errHas) {
				t.Errorf("stderr lacks %q:\n%s", c.errHas, errb.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join(base, "never")); err == nil {
		t.Error("a run directory was created for an invalid configuration")
	}
	// -force -analyze=false replaced the first run: its analysis must go too.
	for _, f := range []string{"metrics.json", "activity.npz", "pca2d.png", "fixed_points.npz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("-force left the replaced run's %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "model.npz")); err != nil {
		t.Error(err)
	}
}

// TestResumeFlags: -resume continues a run with -n_iteration; flags that
// conflict with the run, or that cannot be combined with -resume, are
// errors that name them, and the directory is left alone.
func TestResumeFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	small := []string{"-n_neurons", "8", "-batch_size", "2", "-n_iteration", "5", "-quiet", "-analyze=false"}
	var out, errb bytes.Buffer
	if code := run(append(small, "-out", dir), &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-out", "x"}, 2, "-out cannot be combined with -resume"},
		{[]string{"-force"}, 2, "-force cannot be combined with -resume"},
		{[]string{"-config", "x.json"}, 2, "-config cannot be combined with -resume"},
		{[]string{"-n_neurons", "16", "-seed", "2"}, 2, "n_neurons = 16 given, the run's config.json has 8; seed = 2 given, the run's config.json has 0"},
		{[]string{"-n_iteration", "3"}, 2, "n_iteration = 3 is below the 5 iterations already trained"},
	} {
		errb.Reset()
		if code := run(append([]string{"-resume", dir}, c.args...), &out, &errb); code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
	out.Reset()
	if code := run([]string{"-resume", dir, "-n_iteration", "8", "-n_neurons", "8", "-quiet", "-analyze=false"}, &out, &errb); code != 0 {
		t.Fatalf("resume to 8: exit %d, stderr:\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "resuming "+dir+" after 5 of 8 iterations") || !strings.Contains(out.String(), "saving 8 iterations") {
		t.Errorf("stdout:\n%s", out.String())
	}
	// A finished run resumed with nothing to train and no analysis is left
	// as it is (saving again would drop its analysis).
	before := dirListing(t, dir)
	out.Reset()
	if code := run([]string{"-resume", dir, "-analyze=false"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "nothing to do") {
		t.Errorf("resume of a finished run: exit %d, stdout:\n%s", code, out.String())
	}
	if after := dirListing(t, dir); after != before {
		t.Errorf("the run directory changed:\n%s\nnow\n%s", before, after)
	}
}

// dirListing returns every path under dir with its size and modification
// time, one per line.
func dirListing(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
