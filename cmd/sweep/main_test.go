package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/sweep"
)

// mainEnv makes the test binary behave as cmd/sweep (run(os.Args[1:])):
// the backends start this executable as their workers (-worker RUNDIR),
// and the kill test runs whole sweeps in it as separate processes.
const mainEnv = "TASKRNN_SWEEP_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func writeSpec(t *testing.T, spec string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCmd runs cmd/sweep in this process (its workers are subprocesses).
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv(mainEnv, "1") // for the workers
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

const tinySpec = `{"base": {"n_iteration": 5, "n_neurons": 8, "batch_size": 2}, "grid": {"learning_rate": [0.01, 0.1]}, "seeds": [0, 1]}`

func TestBadInput(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	dir := filepath.Join(t.TempDir(), "sw")
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		errHas string
	}{
		{"no out", []string{"-spec", spec}, 2, "-out DIR is required"},
		{"bad backend", []string{"-spec", spec, "-out", dir, "-backend", "k8s"}, 2, `-backend = "k8s": allowed: local, slurm`},
		{"no workers", []string{"-spec", spec, "-out", dir, "-j", "0"}, 2, "-j = 0"},
		{"dry run locally", []string{"-spec", spec, "-out", dir, "-dry-run"}, 2, "-dry-run is for -backend slurm"},
		{"bad slurm time", []string{"-spec", spec, "-out", dir, "-backend", "slurm", "-time", "1h"}, 2, `time = "1h"`},
		{"missing spec", []string{"-spec", filepath.Join(dir, "none.json"), "-out", dir}, 2, "none.json"},
		{"unknown spec key", []string{"-spec", writeSpec(t, `{"seed": [1]}`), "-out", dir}, 2, `unknown field "seed"`},
		{"empty grid", []string{"-spec", writeSpec(t, `{"grid": {}}`), "-out", dir}, 2, "grid is empty"},
		{"unknown config key", []string{"-spec", writeSpec(t, `{"grid": {"lr": [0.1]}}`), "-out", dir, "-list"}, 1, `unknown key "lr"`},
		{"duplicate runs", []string{"-spec", writeSpec(t, `{"runs": [{"loss": "l1"}, {"loss": "L1"}]}`), "-out", dir, "-list"}, 1, "duplicate run name"},
		{"stray argument", []string{"extra"}, 2, "unexpected argument"},
		{"summarize nothing", []string{"-summarize", dir}, 1, "holds no sweep.json"},
		{"no spec anywhere", []string{"-out", dir}, 1, "holds no sweep.json: give a spec"},
	} {
		code, _, errb := runCmd(t, c.args...)
		if code != c.code || !strings.Contains(errb, c.errHas) {
			t.Errorf("%s: exit %d, stderr %q; want %d with %q", c.name, code, errb, c.code, c.errHas)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, sweep.SpecFile)); err == nil {
		t.Error("a refused sweep wrote its spec")
	}
	code, _, errb := runCmd(t, "-h")
	if code != 0 || !strings.Contains(errb, "usage: sweep") || strings.Contains(errb, "-worker") {
		t.Errorf("-h: exit %d, usage shows the hidden worker flag or no usage:\n%s", code, errb)
	}
}

func TestListAndDryRun(t *testing.T) {
	spec := writeSpec(t, tinySpec)
	dir := filepath.Join(t.TempDir(), "sw")
	code, out, errb := runCmd(t, "-spec", spec, "-out", dir, "-list")
	if code != 0 || !strings.Contains(out, "pending  learning_rate=0.1,seed=1") || !strings.Contains(out, "4 runs (swept keys: learning_rate") {
		t.Errorf("-list: exit %d\n%s%s", code, out, errb)
	}
	code, out, errb = runCmd(t, "-spec", spec, "-out", dir, "-backend", "slurm", "-dry-run", "-partition", "debug", "-array_throttle", "3")
	if code != 0 {
		t.Fatalf("-dry-run: exit %d\n%s%s", code, out, errb)
	}
	for _, want := range []string{"#SBATCH --partition=debug", "sbatch --parsable --array=0-3%3 ", "tasks-000.txt: 4 runs", "-worker"} {
		if !strings.Contains(out, want) {
			t.Errorf("-dry-run output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("-list or -dry-run created the sweep directory")
	}
}

// A changed spec is refused with the directory untouched; the stored spec
// is used when -spec is left out.
func TestDifferentSpecRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	if code, out, errb := runCmd(t, "-spec", writeSpec(t, `{"base": {"n_iteration": 3, "n_neurons": 8, "batch_size": 2}, "seeds": [0]}`), "-out", dir, "-j", "1"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	before := mustRead(t, filepath.Join(dir, sweep.SpecFile))
	code, _, errb := runCmd(t, "-spec", writeSpec(t, `{"base": {"n_iteration": 4, "n_neurons": 8, "batch_size": 2}, "seeds": [0]}`), "-out", dir)
	if code != 1 || !strings.Contains(errb, "holds a different sweep") {
		t.Errorf("changed spec: exit %d: %s", code, errb)
	}
	if !bytes.Equal(before, mustRead(t, filepath.Join(dir, sweep.SpecFile))) {
		t.Error("a refused spec changed sweep.json")
	}
	code, out, errb := runCmd(t, "-out", dir)
	if code != 0 || !strings.Contains(out, "1 done (skipped), nothing to run") {
		t.Errorf("re-run from the stored spec: exit %d\n%s%s", code, out, errb)
	}
	code, out, errb = runCmd(t, "-summarize", dir)
	if code != 0 || !strings.Contains(out, "1 runs: 1 complete") || !strings.Contains(out, sweep.ReportFile) {
		t.Errorf("-summarize: exit %d\n%s%s", code, out, errb)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// slurmCluster skips the test unless a Slurm cluster answers (as the one
// .ci/slurm-up.sh starts on this machine).
func slurmCluster(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Skip("Slurm is not installed (no sbatch): run `bash .ci/slurm-up.sh` as root to install it and start a one-node cluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sinfo", "--noheader", "--format=%T").Output()
	if s := string(out); err != nil || !(strings.Contains(s, "idle") || strings.Contains(s, "mix") || strings.Contains(s, "alloc")) {
		t.Skipf("no Slurm cluster answers (sinfo: %v %q): run `bash .ci/slurm-up.sh` as root to start a one-node cluster", err, out)
	}
}

// A real job array of 4 runs on the local Slurm cluster, then the summary.
func TestSlurmArraySweep(t *testing.T) {
	slurmCluster(t)
	dir := filepath.Join(t.TempDir(), "sw")
	spec := writeSpec(t, strings.Replace(tinySpec, `"seeds"`, `"slurm": {"mem": "500M", "time": "00:10:00"}, "seeds"`, 1))
	code, out, errb := runCmd(t, "-spec", spec, "-out", dir, "-backend", "slurm", "-array_throttle", "2", "-poll", "300ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	for _, want := range []string{"as --array=0-3%2", "4 COMPLETED", "now 4 complete"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(mustRead(t, filepath.Join(dir, sweep.SummaryCSV)))).ReadAll()
	if err != nil || len(recs) != 5 {
		t.Fatalf("summary: %d lines, %v", len(recs), err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		if r[col["status"]] != "complete" || r[col["test_accuracy"]] == "" || r[col["n_iteration"]] != "5" {
			t.Errorf("summary row %v", r)
		}
		rd := filepath.Join(dir, sweep.RunsDir, r[col["name"]])
		st, _ := sweep.RunState(rd)
		if st.Worker == nil || !strings.Contains(st.Worker.SlurmJob, "_") || st.Worker.GOMAXPROCS != 1 {
			t.Errorf("%s: worker record %+v, want an array task on one thread", r[0], st.Worker)
		}
		if _, _, err := train.LoadRun(rd); err != nil {
			t.Error(err)
		}
	}
	bins, _ := filepath.Glob(filepath.Join(dir, sweep.BinDir, "taskrnn-*"))
	if len(bins) != 1 {
		t.Errorf("%d binaries in bin/, want 1", len(bins))
	}
	// Again: nothing to submit.
	code, out, errb = runCmd(t, "-out", dir, "-backend", "slurm", "-poll", "300ms")
	if code != 0 || !strings.Contains(out, "4 done (skipped), nothing to run") || strings.Contains(out, "submitted") {
		t.Errorf("second run: exit %d\n%s%s", code, out, errb)
	}
}

// 3 learning rates x 2 activations x 3 seeds give byte-identical model.npz
// files with -j 1, with -j 2 and through the local Slurm cluster.
func TestSameBytesEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 18 runs two or three times")
	}
	spec := writeSpec(t, `{"base": {"n_iteration": 20, "n_neurons": 16, "batch_size": 4},
		"grid": {"learning_rate": [0.001, 0.01, 0.1], "activation_fun": ["relu", "softplus"]},
		"seeds": [0, 1, 2]}`)
	base := t.TempDir()
	sweepInto := func(name string, args ...string) string {
		dir := filepath.Join(base, name)
		code, out, errb := runCmd(t, append([]string{"-spec", spec, "-out", dir}, args...)...)
		if code != 0 || !strings.Contains(out, "now 18 complete") {
			t.Fatalf("%s: exit %d\n%s%s", name, code, out, errb)
		}
		return dir
	}
	ref := sweepInto("j1", "-j", "1")
	sw, err := sweep.Inspect(ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	compare := func(dir string) {
		for _, r := range sw.Plan.Runs {
			a := mustRead(t, filepath.Join(ref, sweep.RunsDir, r.Name, train.ModelFile))
			b := mustRead(t, filepath.Join(dir, sweep.RunsDir, r.Name, train.ModelFile))
			if !bytes.Equal(a, b) {
				t.Errorf("%s: model.npz differs between %s and %s", r.Name, ref, dir)
			}
		}
	}
	compare(sweepInto("j2", "-j", "2"))
	t.Run("slurm", func(t *testing.T) {
		slurmCluster(t)
		compare(sweepInto("slurm", "-backend", "slurm", "-poll", "300ms", "-mem", "500M"))
	})
}

// Kill a sweep midway (Ctrl-C, then SIGKILL), run it again: only the runs
// that are not done are trained.
func TestResumeAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("trains about 6 small runs")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	spec := writeSpec(t, `{"base": {"n_iteration": 1500, "n_neurons": 8, "batch_size": 2}, "grid": {"learning_rate": [0.01, 0.02]}, "seeds": [0, 1]}`)
	dir := filepath.Join(t.TempDir(), "sw")
	sw, err := sweep.Inspect(dir, loadSpec(t, spec))
	if err != nil {
		t.Fatal(err)
	}
	runDir := func(i int) string { return filepath.Join(dir, sweep.RunsDir, sw.Plan.Runs[i].Name) }
	status := func(i int) sweep.Status {
		st, err := sweep.RunState(runDir(i))
		if err != nil {
			t.Fatal(err)
		}
		return st.Status
	}
	attempts := func(i int) int {
		b, _ := os.ReadFile(filepath.Join(runDir(i), sweep.WorkerLogFile))
		return strings.Count(string(b), "=== worker ")
	}
	// start runs the sweep with one worker in a new process and waits until
	// run i is training (in attempt n).
	start := func(i, n int) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(exe, "-spec", spec, "-out", dir, "-j", "1")
		cmd.Env = append(os.Environ(), mainEnv+"=1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(3 * time.Minute)
		for {
			b, _ := os.ReadFile(filepath.Join(runDir(i), sweep.WorkerLogFile))
			if attempt := strings.Split(string(b), "=== worker "); len(attempt) == n+1 && strings.Contains(attempt[n], "iteration ") {
				return cmd, &out
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("run %d never started training:\n%s", i, out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	wait := func(cmd *exec.Cmd) int {
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	}

	// Ctrl-C while run 1 trains: run 0 is complete, run 1 saved so far.
	cmd, out := start(1, 1)
	cmd.Process.Signal(os.Interrupt)
	if code := wait(cmd); code != 130 || !strings.Contains(out.String(), "every run directory is consistent") {
		t.Fatalf("after Ctrl-C: exit %d\n%s", code, out.String())
	}
	if s := []sweep.Status{status(0), status(1), status(2), status(3)}; s[0] != sweep.Complete || s[1] != sweep.Interrupted || s[2] != sweep.Pending || s[3] != sweep.Pending {
		t.Fatalf("after Ctrl-C: statuses %v\n%s", s, out.String())
	}
	if _, _, err := train.LoadRun(runDir(1)); err != nil {
		t.Errorf("the interrupted run does not load: %v", err)
	}
	st0, _ := os.Stat(filepath.Join(runDir(0), train.ModelFile))

	// SIGKILL while run 2 trains: the sweep cannot clean up, its worker
	// is told by the kernel (parent-death signal) and saves.
	cmd, out = start(2, 1)
	if !strings.Contains(out.String(), "1 done (skipped), 3 to run (2 new, 1 interrupted before)") {
		t.Errorf("second start:\n%s", out.String())
	}
	cmd.Process.Signal(syscall.SIGKILL)
	wait(cmd)
	deadline := time.Now().Add(time.Minute)
	for status(2) == sweep.Running && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s := []sweep.Status{status(0), status(1), status(2), status(3)}; s[0] != sweep.Complete || s[1] != sweep.Complete || s[2] != sweep.Interrupted || s[3] != sweep.Pending {
		t.Fatalf("after SIGKILL: statuses %v\n%s", s, out.String())
	}

	// Again, to the end: only runs 2 and 3 are trained.
	code, outs, errb := runCmd(t, "-spec", spec, "-out", dir, "-j", "1")
	if code != 0 || !strings.Contains(outs, "2 done (skipped), 2 to run (1 new, 1 interrupted before)") || !strings.Contains(outs, "now 4 complete") {
		t.Fatalf("third run: exit %d\n%s%s", code, outs, errb)
	}
	for i, want := range []int{1, 2, 2, 1} {
		if got := attempts(i); got != want {
			t.Errorf("run %d: %d attempts, want %d", i, got, want)
		}
	}
	if st, _ := os.Stat(filepath.Join(runDir(0), train.ModelFile)); !st.ModTime().Equal(st0.ModTime()) {
		t.Error("the run that was complete before the kills was written again")
	}
}

func loadSpec(t *testing.T, path string) *sweep.Spec {
	t.Helper()
	s, err := sweep.LoadSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
