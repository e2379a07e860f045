package sweep

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJobScript(t *testing.T) {
	o := SlurmOptions{Partition: "cpu,long", Time: "0-00:30:00", Mem: "2G", CPUsPerTask: 2, Account: "lab", ArrayThrottle: 8, RunsPerTask: 2}
	s := JobScript("/shared/sw", "/shared/sw/bin/taskrnn-abc", []string{"-worker"}, o)
	for _, want := range []string{
		"#!/bin/bash\n",
		"#SBATCH --output=/shared/sw/slurm/%A_%a.out\n",
		"#SBATCH --partition=cpu,long\n", "#SBATCH --account=lab\n", "#SBATCH --time=0-00:30:00\n",
		"#SBATCH --mem=2G\n", "#SBATCH --cpus-per-task=2\n",
		`'/shared/sw/bin/taskrnn-abc' '-worker' "$runs/$run"`,
		`export GOMAXPROCS="${SLURM_CPUS_PER_TASK:-1}"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	bare := JobScript("/d", "/d/bin/x", nil, SlurmOptions{})
	for _, absent := range []string{"--partition", "--account", "--time", "--mem", "--cpus-per-task"} {
		if strings.Contains(bare, absent) {
			t.Errorf("script without options has %s:\n%s", absent, bare)
		}
	}
	// #SBATCH lines must come before the first command, or sbatch ignores them.
	lines := strings.Split(s, "\n")
	seenCmd := false
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "#SBATCH") && seenCmd {
			t.Errorf("#SBATCH after a command: %q", l)
		}
		if l != "" && !strings.HasPrefix(l, "#") {
			seenCmd = true
		}
	}
}

// The job script, run by bash as Slurm runs it for array task i, runs the
// runs on lines i*R+1 .. i*R+R of the task list, each with its own log.
func TestJobScriptTaskMapping(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	record := filepath.Join(dir, "calls")
	bin := filepath.Join(dir, "fake-worker")
	// A stand-in worker that records its arguments and fails for run "c".
	os.WriteFile(bin, []byte("#!/bin/sh\necho \"$@\" >>"+record+"\necho ran\ncase \"$2\" in */c) exit 3;; esac\n"), 0o755)
	names := []string{"a", "b", "c", "d", "e"}
	for _, n := range names {
		os.MkdirAll(filepath.Join(dir, RunsDir, n), 0o755)
	}
	list := filepath.Join(dir, "tasks.txt")
	os.WriteFile(list, []byte(strings.Join(names, "\n")+"\n"), 0o644)
	script := filepath.Join(dir, "job.sh")
	os.WriteFile(script, []byte(JobScript(dir, bin, []string{"-worker"}, SlurmOptions{RunsPerTask: 2})), 0o755)
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	for _, c := range []struct {
		task   string
		want   []string
		status int
	}{
		{"0", []string{"a", "b"}, 0},
		{"1", []string{"c", "d"}, 3},
		{"2", []string{"e"}, 0},
		{"3", nil, 0},
	} {
		os.Remove(record)
		cmd := exec.Command(bash, script, list)
		cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID="+c.task)
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(record)
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if l != "" {
				f := strings.Fields(l)
				if len(f) != 2 || f[0] != "-worker" {
					t.Errorf("task %s: worker called with %q", c.task, l)
					continue
				}
				got = append(got, filepath.Base(f[1]))
			}
		}
		if !reflect.DeepEqual(got, c.want) || code != c.status {
			t.Errorf("task %s ran %v with exit %d, want %v with %d", c.task, got, code, c.want, c.status)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, RunsDir, "a", WorkerLogFile)); string(b) != "ran\n" {
		t.Errorf("worker.log of a = %q", b)
	}
}

func TestParseTaskStates(t *testing.T) {
	out := []byte("12|0-2,5%2|PENDING\n12|3|RUNNING\n12|4|COMPLETED\n\n13|[7]|CANCELLED by 0\n")
	got, err := parseTaskStates(out, "|")
	if err != nil {
		t.Fatal(err)
	}
	want := []taskState{{"12", 0, "PENDING"}, {"12", 1, "PENDING"}, {"12", 2, "PENDING"}, {"12", 5, "PENDING"},
		{"12", 3, "RUNNING"}, {"12", 4, "COMPLETED"}, {"13", 7, "CANCELLED by 0"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	for _, bad := range []string{"12|x|PENDING", "12|3-1|PENDING", "12|3", "12|N/A|RUNNING"} {
		if _, err := parseTaskStates([]byte(bad), "|"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for s, want := range map[string]bool{"PENDING": false, "RUNNING": false, "COMPLETING": false, "COMPLETED": true,
		"FAILED": true, "TIMEOUT": true, "CANCELLED by 0": true, "CANCELLED+": true, "OUT_OF_MEMORY": true, "": false} {
		if terminalState(s) != want {
			t.Errorf("terminalState(%q) = %v", s, !want)
		}
	}
}

func TestParseMaxArraySize(t *testing.T) {
	out := []byte("Configuration data as of 2026-11-29T18:00:00\nMailProg                = /bin/mail\nMaxArraySize            = 1001\nMaxJobCount             = 10000\n")
	if n, err := parseMaxArraySize(out); err != nil || n != 1001 {
		t.Errorf("parseMaxArraySize = %d, %v", n, err)
	}
	if _, err := parseMaxArraySize([]byte("MaxJobCount = 5\n")); err == nil {
		t.Error("no MaxArraySize: no error")
	}
}

func TestChunkArrays(t *testing.T) {
	names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	got := chunkArrays(names, 3, 2)
	if len(got) != 2 || len(got[0]) != 6 || len(got[1]) != 4 || got[1][0] != "6" {
		t.Errorf("chunkArrays(10 names, 3 per task, 2 tasks per array) = %v", got)
	}
	if got := chunkArrays(names, 1, DefaultMaxArraySize); len(got) != 1 || len(got[0]) != 10 {
		t.Errorf("one array: %v", got)
	}
	for _, c := range []struct {
		runs, per, k int
		want         string
	}{{4, 3, 0, "0-1"}, {6, 3, 5, "0-1%5"}, {1, 1, 0, "0-0"}, {18, 1, 4, "0-17%4"}} {
		if got := arraySpec(c.runs, c.per, c.k); got != c.want {
			t.Errorf("arraySpec(%d, %d, %d) = %q, want %q", c.runs, c.per, c.k, got, c.want)
		}
	}
}

func TestSlurmOptions(t *testing.T) {
	o := SlurmOptions{Partition: "cpu", Time: "10", Mem: "1G", ArrayThrottle: 4}
	got := o.Override(SlurmOptions{Time: "00:20:00", CPUsPerTask: 2})
	want := SlurmOptions{Partition: "cpu", Time: "00:20:00", Mem: "1G", CPUsPerTask: 2, ArrayThrottle: 4}
	if got != want {
		t.Errorf("Override = %+v, want %+v", got, want)
	}
	for _, ok := range []string{"30", "30:00", "1:30:00", "2-0", "2-12:00", "2-12:00:00", "UNLIMITED"} {
		if err := (SlurmOptions{Time: ok}).Validate(); err != nil {
			t.Errorf("time %q: %v", ok, err)
		}
	}
	err := SlurmOptions{Partition: "a b", Account: "x;rm", Time: "1h", Mem: "1.5G", CPUsPerTask: -1, ArrayThrottle: -2, RunsPerTask: -3}.Validate()
	for _, want := range []string{"partition", "account", "time", "mem", "cpus_per_task", "array_throttle", "runs_per_task"} {
		if err == nil || !strings.Contains(err.Error(), want+" = ") {
			t.Errorf("Validate error %v lacks %s", err, want)
		}
	}
	if err := checkSlurmPath("/data/my sweep"); err == nil {
		t.Error("a path with a space is accepted")
	}
	if err := checkSlurmPath("/data/sweeps/lr_0.1,x=2"); err != nil {
		t.Error(err)
	}
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
	if err != nil || !(bytes.Contains(out, []byte("idle")) || bytes.Contains(out, []byte("mix")) || bytes.Contains(out, []byte("alloc"))) {
		t.Skipf("no Slurm cluster answers (sinfo: %v %s): run `bash .ci/slurm-up.sh` as root to start a one-node cluster", err, out)
	}
}

// Against the real cluster: a task whose worker dies without a record (here
// the "worker" is /bin/false) ends FAILED, and the backend records that in
// the run's worker.json.
func TestSlurmRecordsTasksThatLeftNoOutcome(t *testing.T) {
	slurmCluster(t)
	dir := filepath.Join(t.TempDir(), "sweep")
	sw, err := Open(dir, parse(t, `{"base": {"n_iteration": 5}, "seeds": [0, 1]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	var out bytes.Buffer
	b := Slurm{Executable: "/bin/false", Poll: 200 * time.Millisecond, Options: SlurmOptions{Mem: "100M"}}
	o, err := Execute(context.Background(), sw, b, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if o.After[Failed] != 2 {
		t.Fatalf("after: %v\n%s", o.After, out.String())
	}
	for _, r := range sw.Plan.Runs {
		st, _ := RunState(sw.RunDir(r.Name))
		if st.Status != Failed || !strings.Contains(st.Error, "ended FAILED without an outcome from the worker") || st.Worker.SlurmJob == "" {
			t.Errorf("%s: %s %q", r.Name, st.Status, st.Error)
		}
	}
	subs, err := loadSubmissions(sw.Dir)
	if err != nil || len(subs) != 1 || subs[0].Tasks != 2 {
		t.Errorf("submissions: %+v %v", subs, err)
	}
}
