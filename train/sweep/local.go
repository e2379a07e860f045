package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// Local is the backend that runs a sweep on this machine: a pool of Jobs
// worker processes, each running one run at a time on one thread
// (GOMAXPROCS=1), so that Jobs runs train in parallel and every run's bytes
// are those of any other backend.
type Local struct {
	// Jobs is the number of concurrent workers (>= 1); cmd/sweep's default
	// is the number of cores.
	Jobs int
	// Command is the worker's argv without the run directory, which is
	// appended: {"/path/to/sweep", "-worker"} for cmd/sweep.
	Command []string
	// Env is added to the environment of every worker (after
	// GOMAXPROCS=1).
	Env []string
}

// Run runs each of todo in a worker process, at most Jobs at once, with its
// output appended to the run's worker.log, and reports progress to out.
// When ctx is cancelled (Ctrl-C) no new run starts, every running worker
// gets SIGINT (it stops after the current iteration, saves the run so far
// and records Interrupted), Run waits for all of them and returns
// ctx.Err(). A worker that ends without writing its record (a crash, a
// kill) gets a Failed record naming its exit status. Errors of single runs
// are in their records, not returned.
func (l Local) Run(ctx context.Context, sw *Sweep, todo []Run, out io.Writer) error {
	if l.Jobs < 1 {
		return fmt.Errorf("local backend: jobs = %d, want >= 1", l.Jobs)
	}
	if len(l.Command) == 0 {
		return errors.New("local backend: no worker command")
	}
	p := NewProgress(out, len(todo))
	defer p.Done()
	queue := make(chan Run)
	var wg sync.WaitGroup
	for range min(l.Jobs, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range queue {
				p.Started(r.Name)
				start := time.Now()
				st, msg := l.runOne(ctx, sw.RunDir(r.Name))
				p.Finished(r.Name, st, time.Since(start), msg)
			}
		}()
	}
feed:
	for _, r := range todo {
		select {
		case queue <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	return ctx.Err()
}

// runOne runs one worker process for the run directory dir and returns the
// run's status afterwards and a message for the progress report.
func (l Local) runOne(ctx context.Context, dir string) (Status, string) {
	logf, err := os.OpenFile(filepath.Join(dir, WorkerLogFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return Failed, err.Error()
	}
	defer logf.Close()
	argv := append(append([]string(nil), l.Command...), dir)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=1"), l.Env...)
	setDeathSignal(cmd)
	// The death signal is tied to the thread that forks; keep it alive.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return Failed, fmt.Sprintf("start worker: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		cmd.Process.Signal(os.Interrupt)
		err = <-done
	}
	st, serr := RunState(dir)
	if serr != nil {
		return Failed, serr.Error()
	}
	if st.Status == Running {
		return Running, "another process is training this run"
	}
	if st.Worker == nil || st.Worker.PID != cmd.Process.Pid {
		// The worker died before writing its record (a crash, or a signal
		// before it could handle one); write one for it.
		status := Failed
		msg := fmt.Sprintf("the worker (pid %d) ended without recording an outcome: %v; see %s", cmd.Process.Pid, err, filepath.Join(dir, WorkerLogFile))
		if ctx.Err() != nil {
			status = Interrupted
			msg = fmt.Sprintf("the sweep was stopped before the worker (pid %d) recorded an outcome: %v", cmd.Process.Pid, err)
		}
		rec := &WorkerRecord{Status: status, Error: msg, PID: cmd.Process.Pid, End: time.Now()}
		if werr := writeWorkerRecord(dir, rec); werr != nil {
			return status, msg + "; " + werr.Error()
		}
		return status, msg
	}
	return st.Status, st.Error
}
