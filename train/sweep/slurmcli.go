package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// The Slurm backend drives Slurm through its command-line tools only
// (sbatch, squeue, sacct, scontrol), as a user would.

// taskState is one array task as squeue or sacct report it.
type taskState struct {
	Job   string // the array's job id
	Task  int    // the array task id
	State string // Slurm's job state: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, ...
}

// terminalState reports whether a Slurm job state is final.
func terminalState(s string) bool {
	word, _, _ := strings.Cut(strings.TrimSpace(s), " ") // "CANCELLED by 0"
	switch strings.TrimSuffix(word, "+") {
	case "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
		"PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT":
		return true
	}
	return false
}

// slurmCmd runs a Slurm command and returns its standard output; the error
// quotes its standard error.
func slurmCmd(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), msg)
	}
	return stdout.Bytes(), nil
}

// sbatch submits script with args and returns the job id (--parsable
// prints "jobid" or "jobid;cluster").
func sbatch(ctx context.Context, args ...string) (string, error) {
	out, err := slurmCmd(ctx, "sbatch", append([]string{"--parsable"}, args...)...)
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(strings.SplitN(strings.TrimSpace(string(out)), ";", 2)[0])
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return "", fmt.Errorf("sbatch printed %q, want a job id", strings.TrimSpace(string(out)))
	}
	return id, nil
}

// errNoSuchJobs is squeue's answer when it knows none of the jobs asked
// for (all ended longer than MinJobAge ago).
var errNoSuchJobs = errors.New("squeue knows none of the jobs")

// squeue returns every task of the array jobs ids that slurmctld still
// knows, in any state (squeue --array --states=all).
func squeue(ctx context.Context, ids []string) ([]taskState, error) {
	out, err := slurmCmd(ctx, "squeue", "--noheader", "--array", "--states=all",
		"--jobs="+strings.Join(ids, ","), "--format=%F|%K|%T")
	if err != nil {
		if strings.Contains(err.Error(), "Invalid job id") {
			return nil, errNoSuchJobs
		}
		return nil, err
	}
	return parseTaskStates(out, "|")
}

// sacct returns the final states of the tasks of the array jobs ids from
// Slurm's accounting (an error where accounting is disabled).
func sacct(ctx context.Context, ids []string) ([]taskState, error) {
	out, err := slurmCmd(ctx, "sacct", "--noheader", "--parsable2", "--allocations",
		"--jobs="+strings.Join(ids, ","), "--format=JobID,State")
	if err != nil {
		return nil, err
	}
	// JobID is "<array job>_<task>" (or "<array job>_[0-3]" while pending).
	var lines bytes.Buffer
	for _, l := range strings.Split(string(out), "\n") {
		id, state, ok := strings.Cut(strings.TrimSpace(l), "|")
		if !ok {
			continue
		}
		job, task, ok := strings.Cut(id, "_")
		if !ok {
			continue
		}
		fmt.Fprintf(&lines, "%s|%s|%s\n", job, strings.Trim(task, "[]"), state)
	}
	return parseTaskStates(lines.Bytes(), "|")
}

// parseTaskStates parses lines "job<sep>task<sep>state", where task may be
// a list of ranges with a throttle as squeue prints pending tasks that
// have not been split yet ("2-5,7%2").
func parseTaskStates(out []byte, sep string) ([]taskState, error) {
	var ts []taskState
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		f := strings.Split(l, sep)
		if len(f) != 3 {
			return nil, fmt.Errorf("unexpected line from Slurm: %q", l)
		}
		tasks, err := parseTaskIDs(f[1])
		if err != nil {
			return nil, fmt.Errorf("unexpected line from Slurm: %q: %w", l, err)
		}
		for _, t := range tasks {
			ts = append(ts, taskState{Job: f[0], Task: t, State: f[2]})
		}
	}
	return ts, nil
}

// parseTaskIDs parses an array task id list "3", "0-4", "0-4,7", "0-9%2"
// (the throttle is ignored). "N/A" (not an array job) is an error.
func parseTaskIDs(s string) ([]int, error) {
	s, _, _ = strings.Cut(strings.Trim(s, "[]"), "%")
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("array task id %q", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("array task range %q", part)
			}
		}
		for t := a; t <= b; t++ {
			out = append(out, t)
		}
	}
	return out, nil
}

// maxArraySize returns the cluster's MaxArraySize (scontrol show config).
func maxArraySize(ctx context.Context) (int, error) {
	out, err := slurmCmd(ctx, "scontrol", "show", "config")
	if err != nil {
		return 0, err
	}
	return parseMaxArraySize(out)
}

func parseMaxArraySize(out []byte) (int, error) {
	for _, l := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(l, "=")
		if ok && strings.TrimSpace(k) == "MaxArraySize" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				return 0, fmt.Errorf("scontrol show config: MaxArraySize = %q", strings.TrimSpace(v))
			}
			return n, nil
		}
	}
	return 0, errors.New("scontrol show config: no MaxArraySize")
}
