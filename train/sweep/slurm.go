package sweep

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/taskrnn/taskrnn/data/fileio"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Slurm is the backend that runs a sweep as Slurm job arrays, through
// sbatch, squeue, sacct and scontrol. It copies Executable into DIR/bin once
// (named by its SHA-256, so every task of a submission runs the same
// program), writes one job script (JobScript) and, per array, a task list
// of run names, submits with sbatch --parsable --array=0-N%K, follows the
// tasks with squeue until they end and records why tasks that left no
// outcome ended (squeue's state, or sacct's where accounting is on). The
// sweep directory must be on a file system that the compute nodes share.
type Slurm struct {
	// Options are the resources of each task.
	Options SlurmOptions
	// Executable is the program every task runs (os.Executable() for
	// cmd/sweep), with WorkerArgs before the run directory ({"-worker"}).
	Executable string
	WorkerArgs []string
	// Poll is the interval between two squeue calls (default 10 s).
	Poll time.Duration
	// DryRun prints the job script and the sbatch commands instead of
	// submitting, and writes nothing.
	DryRun bool
}

// submission is one sbatch call, as recorded in DIR/slurm/submissions.json.
type submission struct {
	JobID       string    `json:"job_id"`
	Script      string    `json:"script"` // relative to DIR
	List        string    `json:"list"`   // relative to DIR: the task list
	RunsPerTask int       `json:"runs_per_task"`
	Tasks       int       `json:"tasks"`
	Submitted   time.Time `json:"submitted"`
}

const submissionsFile = "submissions.json"

// Run submits the runs of todo that are not already queued or running in
// Slurm from an earlier submission of this sweep, then follows those and
// the new tasks until all have ended, and returns. Cancelling ctx stops
// following (the jobs go on; running the sweep again follows them again)
// and returns ctx.Err().
func (s Slurm) Run(ctx context.Context, sw *Sweep, todo []Run, out io.Writer) error {
	if err := s.Options.Validate(); err != nil {
		return fmt.Errorf("slurm: %w", err)
	}
	if err := checkSlurmPath(sw.Dir); err != nil {
		return fmt.Errorf("slurm: sweep directory: %w", err)
	}
	poll := s.Poll
	if poll <= 0 {
		poll = 10 * time.Second
	}
	subs, err := loadSubmissions(sw.Dir)
	if err != nil {
		return err
	}
	// Runs still queued or running from an earlier submission are
	// followed, not submitted again.
	var follow []submission
	active := map[string]bool{}
	if len(subs) > 0 {
		tasks, err := squeue(ctx, jobIDs(subs))
		if err != nil && !errors.Is(err, errNoSuchJobs) {
			if !s.DryRun {
				return fmt.Errorf("slurm: %w", err)
			}
			fmt.Fprintf(out, "slurm: cannot ask squeue about earlier submissions (%v)\n", err)
		}
		runsOf, err := taskRuns(sw.Dir, subs)
		if err != nil {
			return err
		}
		followed := map[string]bool{}
		for _, t := range tasks {
			if terminalState(t.State) {
				continue
			}
			for _, name := range runsOf[taskKey{t.Job, t.Task}] {
				active[name] = true
			}
			followed[t.Job] = true
		}
		for _, sub := range subs {
			if followed[sub.JobID] {
				follow = append(follow, sub)
			}
		}
	}
	var names []string
	for _, r := range todo {
		if !active[r.Name] {
			names = append(names, r.Name)
		}
	}
	if len(active) > 0 {
		fmt.Fprintf(out, "slurm: %d run%s still queued or running in job%s %s: following them\n", len(active), plural(len(active), "", "s"), plural(len(follow), "", "s"), strings.Join(jobIDs(follow), ","))
	}

	if len(names) > 0 {
		subsNew, err := s.submit(ctx, sw, names, len(subs), out)
		if err != nil || s.DryRun {
			return err
		}
		follow = append(follow, subsNew...)
	} else if s.DryRun {
		fmt.Fprintln(out, "slurm: nothing to submit")
		return nil
	}
	if len(follow) == 0 {
		return nil
	}
	last, err := s.follow(ctx, follow, poll, out)
	if err != nil {
		return err
	}
	return s.collect(ctx, sw, follow, last)
}

// submit writes the binary, the script and the task lists and calls
// sbatch once per array (arrays are cut at the cluster's MaxArraySize).
func (s Slurm) submit(ctx context.Context, sw *Sweep, names []string, seq int, out io.Writer) ([]submission, error) {
	exe, err := os.ReadFile(s.Executable)
	if err != nil {
		return nil, fmt.Errorf("slurm: read the executable to copy: %w", err)
	}
	sum := sha256.Sum256(exe)
	bin := filepath.Join(sw.Dir, BinDir, "taskrnn-"+hex.EncodeToString(sum[:6]))
	script := JobScript(sw.Dir, bin, s.WorkerArgs, s.Options)
	ssum := sha256.Sum256([]byte(script))
	scriptPath := filepath.Join(sw.Dir, SlurmDir, "job-"+hex.EncodeToString(ssum[:6])+".sh")

	maxTasks, err := maxArraySize(ctx)
	if err != nil {
		maxTasks = DefaultMaxArraySize
		fmt.Fprintf(out, "slurm: %v; assuming MaxArraySize = %d\n", err, maxTasks)
	}
	R := s.Options.runsPerTask()
	chunks := chunkArrays(names, R, maxTasks)
	if s.DryRun {
		fmt.Fprintf(out, "# dry run: nothing is written or submitted.\n# %s would copy %s (%d bytes) to %s and write %s:\n\n%s\n", "cmd/sweep", s.Executable, len(exe), bin, scriptPath, script)
		for k, c := range chunks {
			list := filepath.Join(sw.Dir, SlurmDir, fmt.Sprintf("tasks-%03d.txt", seq+k))
			fmt.Fprintf(out, "sbatch --parsable --array=%s %s %s\n", arraySpec(len(c), R, s.Options.ArrayThrottle), scriptPath, list)
			fmt.Fprintf(out, "#   %s: %d run%s, %s .. %s\n", filepath.Base(list), len(c), plural(len(c), "", "s"), c[0], c[len(c)-1])
		}
		return nil, nil
	}

	if err := installFile(bin, exe, 0o755); err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	if err := installFile(scriptPath, []byte(script), 0o755); err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	subs, _ := loadSubmissions(sw.Dir)
	var added []submission
	for k, c := range chunks {
		list := filepath.Join(sw.Dir, SlurmDir, fmt.Sprintf("tasks-%03d.txt", seq+k))
		if err := fileio.WriteFileBytes(list, []byte(strings.Join(c, "\n")+"\n")); err != nil {
			return added, fmt.Errorf("slurm: %w", err)
		}
		spec := arraySpec(len(c), R, s.Options.ArrayThrottle)
		id, err := sbatch(ctx, "--array="+spec, scriptPath, list)
		if err != nil {
			return added, fmt.Errorf("slurm: %w", err)
		}
		sub := submission{JobID: id, Script: rel(sw.Dir, scriptPath), List: rel(sw.Dir, list), RunsPerTask: R,
			Tasks: (len(c) + R - 1) / R, Submitted: time.Now().UTC()}
		subs = append(subs, sub)
		added = append(added, sub)
		if err := saveSubmissions(sw.Dir, subs); err != nil {
			return added, err
		}
		fmt.Fprintf(out, "slurm: submitted job %s: %d run%s as --array=%s (%s)\n", id, len(c), plural(len(c), "", "s"), spec, sub.List)
	}
	return added, nil
}

// follow polls squeue until no task of subs is queued or running and
// returns the last state seen of every task.
func (s Slurm) follow(ctx context.Context, subs []submission, poll time.Duration, out io.Writer) (map[taskKey]string, error) {
	ids := jobIDs(subs)
	last := map[taskKey]string{}
	lastLine := ""
	failures := 0
	for {
		tasks, err := squeue(ctx, ids)
		switch {
		case errors.Is(err, errNoSuchJobs):
			tasks, err = nil, nil
		case err != nil && ctx.Err() == nil:
			// slurmctld may be busy for a moment; give up after a while.
			if failures++; failures >= 10 {
				return last, fmt.Errorf("slurm: following jobs %s: %w", strings.Join(ids, ","), err)
			}
		}
		if err == nil {
			failures = 0
			counts := map[string]int{}
			nActive := 0
			for _, t := range tasks {
				last[taskKey{t.Job, t.Task}] = t.State
			}
			for _, st := range last {
				counts[st]++
				if !terminalState(st) {
					nActive++
				}
			}
			if line := "slurm: job" + plural(len(ids), " ", "s ") + strings.Join(ids, ",") + ": " + describeCounts(counts); line != lastLine {
				fmt.Fprintf(out, "%s %s\n", time.Now().Format("15:04:05"), line)
				lastLine = line
			}
			if nActive == 0 {
				return last, nil
			}
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(out, "slurm: stopped following; the jobs go on. Run the same command again to follow and collect them, or stop them with: scancel %s\n", strings.Join(ids, " "))
			return last, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// collect records, for runs of subs that ended in Slurm without an outcome
// of their own (killed, never started), a Failed worker.json naming the
// Slurm state and the task's output file.
func (s Slurm) collect(ctx context.Context, sw *Sweep, subs []submission, last map[taskKey]string) error {
	runsOf, err := taskRuns(sw.Dir, subs)
	if err != nil {
		return err
	}
	var unknown []string
	for k, st := range last {
		if st == "" || !terminalState(st) {
			unknown = append(unknown, k.Job)
		}
	}
	if len(unknown) > 0 {
		// Tasks gone from squeue before an end state was seen: ask the
		// accounting database, where there is one.
		if ts, err := sacct(ctx, unknown); err == nil {
			for _, t := range ts {
				last[taskKey{t.Job, t.Task}] = t.State
			}
		}
	}
	for k, names := range runsOf {
		st, seen := last[k]
		if !seen {
			continue
		}
		for _, name := range names {
			state, err := RunState(sw.RunDir(name))
			if err != nil {
				return err
			}
			job := fmt.Sprintf("%s_%d", k.Job, k.Task)
			if state.Status == Running || state.Status.Done() || state.Worker != nil && state.Worker.SlurmJob == job {
				continue // the worker of this task recorded its outcome
			}
			out := filepath.Join(sw.Dir, SlurmDir, fmt.Sprintf("%s_%d.out", k.Job, k.Task))
			rec := &WorkerRecord{Status: Failed, SlurmJob: job, End: time.Now(),
				Error: fmt.Sprintf("Slurm task %s_%d ended %s without an outcome from the worker; see %s", k.Job, k.Task, st, out)}
			if err := writeWorkerRecord(sw.RunDir(name), rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// taskKey names an array task.
type taskKey struct {
	Job  string
	Task int
}

// taskRuns maps every task of subs to its run names, from the task lists.
func taskRuns(dir string, subs []submission) (map[taskKey][]string, error) {
	out := map[taskKey][]string{}
	for _, sub := range subs {
		f, err := os.Open(filepath.Join(dir, sub.List))
		if err != nil {
			return nil, fmt.Errorf("slurm: task list of job %s: %w", sub.JobID, err)
		}
		sc := bufio.NewScanner(f)
		for i := 0; sc.Scan(); i++ {
			if name := strings.TrimSpace(sc.Text()); name != "" {
				k := taskKey{sub.JobID, i / max(1, sub.RunsPerTask)}
				out[k] = append(out[k], name)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("slurm: task list of job %s: %w", sub.JobID, err)
		}
	}
	return out, nil
}

func loadSubmissions(dir string) ([]submission, error) {
	b, err := os.ReadFile(filepath.Join(dir, SlurmDir, submissionsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	var subs []submission
	if err := json.Unmarshal(b, &subs); err != nil {
		return nil, fmt.Errorf("slurm: %s is corrupt: %w", filepath.Join(dir, SlurmDir, submissionsFile), err)
	}
	return subs, nil
}

func saveSubmissions(dir string, subs []submission) error {
	b, err := json.MarshalIndent(subs, "", "  ")
	if err != nil {
		return err
	}
	return fileio.WriteFileBytes(filepath.Join(dir, SlurmDir, submissionsFile), append(b, '\n'))
}

func jobIDs(subs []submission) []string {
	ids := make([]string, len(subs))
	for i, s := range subs {
		ids[i] = s.JobID
	}
	return ids
}

// installFile writes data to path with mode perm unless path already holds
// exactly data (files are named by their content's hash).
func installFile(path string, data []byte, perm os.FileMode) error {
	if b, err := os.ReadFile(path); err == nil && string(b) == string(data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := fileio.WriteFileBytes(path, data); err != nil {
		return err
	}
	return os.Chmod(path, perm)
}

func rel(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		return path
	}
	return r
}

// describeCounts formats task counts by Slurm state: "2 PENDING, 1 RUNNING, 3 COMPLETED".
func describeCounts(c map[string]int) string {
	keys := sortedKeys(c)
	order := func(s string) int {
		switch {
		case s == "PENDING":
			return 0
		case !terminalState(s):
			return 1
		}
		return 2
	}
	sort.SliceStable(keys, func(i, j int) bool { return order(keys[i]) < order(keys[j]) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", c[k], k)
	}
	if len(parts) == 0 {
		return "no tasks known to squeue"
	}
	return strings.Join(parts, ", ")
}
