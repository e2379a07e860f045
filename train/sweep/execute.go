package sweep

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Backend runs a set of a sweep's runs: Local (this machine) or Slurm (a
// job array).
type Backend interface {
	// Run trains each of todo (runs that are not done) and returns when
	// they have all ended or ctx is cancelled, reporting progress to out.
	// Failures of single runs are recorded in their run directories, not
	// returned.
	Run(ctx context.Context, sw *Sweep, todo []Run, out io.Writer) error
}

// Outcome is what Execute did.
type Outcome struct {
	Total   int            // planned runs
	Skipped int            // runs that were already done (complete or diverged)
	Busy    int            // runs that another process was training (left alone)
	ToRun   map[Status]int // runs handed to the backend, by their status before
	After   map[Status]int // every run, by status at the end
}

// NotDone returns the number of runs that are not done at the end.
func (o *Outcome) NotDone() int {
	n := 0
	for s, c := range o.After {
		if !s.Done() {
			n += c
		}
	}
	return n
}

// Execute brings the sweep up to date: it reads every run's state, hands
// the runs that are not done (Pending, Failed, Interrupted) to the
// backend, skips those that are done or that another process is training,
// says what it does and did on out, and finally writes the summary files
// (Summarize, Summary.WriteFiles), also when ctx was cancelled. The error
// is the backend's (ctx.Err() after Ctrl-C) or the summary's.
func Execute(ctx context.Context, sw *Sweep, b Backend, out io.Writer) (*Outcome, error) {
	todo, o, err := sw.todo()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "sweep %s: %d run%s; %s\n", sw.Dir, o.Total, plural(o.Total, "", "s"), describeStart(o))
	var runErr error
	if len(todo) > 0 || o.Busy > 0 {
		// With nothing to run but runs in progress elsewhere, the Slurm
		// backend still follows its jobs until they end.
		runErr = b.Run(ctx, sw, todo, out)
	}
	states, err := sw.States()
	if err != nil {
		return o, err
	}
	for _, st := range states {
		o.After[st.Status]++
	}
	fmt.Fprintf(out, "sweep %s: now %s\n", sw.Dir, FormatCounts(o.After))
	sum, err := Summarize(sw)
	if err == nil {
		var files []string
		files, err = sum.WriteFiles(sw.Dir)
		if err == nil {
			fmt.Fprintf(out, "summary: %s\n", strings.Join(files, ", "))
		}
	}
	if runErr != nil {
		return o, runErr
	}
	return o, err
}

func describeStart(o *Outcome) string {
	var parts []string
	if o.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d done (skipped)", o.Skipped))
	}
	if o.Busy > 0 {
		parts = append(parts, fmt.Sprintf("%d being trained by another process (left alone)", o.Busy))
	}
	n := 0
	for _, c := range o.ToRun {
		n += c
	}
	if n == 0 {
		parts = append(parts, "nothing to run")
	} else {
		var why []string
		for _, s := range []Status{Pending, Failed, Interrupted} {
			if c := o.ToRun[s]; c > 0 {
				label := map[Status]string{Pending: "new", Failed: "failed before", Interrupted: "interrupted before"}[s]
				why = append(why, fmt.Sprintf("%d %s", c, label))
			}
		}
		parts = append(parts, fmt.Sprintf("%d to run (%s)", n, strings.Join(why, ", ")))
	}
	return strings.Join(parts, ", ")
}

// countStatuses formats counts by status: "16 complete, 2 failed".
func FormatCounts(m map[Status]int) string {
	var parts []string
	for _, s := range Statuses() {
		if c := m[s]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, s))
		}
	}
	if len(parts) == 0 {
		return "no runs"
	}
	return strings.Join(parts, ", ")
}

// Todo returns the runs that are not done and that no other process is
// training now: those Execute hands to its backend.
func (sw *Sweep) Todo() ([]Run, error) {
	todo, _, err := sw.todo()
	return todo, err
}

func (sw *Sweep) todo() ([]Run, *Outcome, error) {
	states, err := sw.States()
	if err != nil {
		return nil, nil, err
	}
	o := &Outcome{Total: len(states), ToRun: map[Status]int{}, After: map[Status]int{}}
	var todo []Run
	for i, st := range states {
		switch {
		case st.Status.Done():
			o.Skipped++
		case st.Status == Running:
			o.Busy++
		default:
			o.ToRun[st.Status]++
			todo = append(todo, sw.Plan.Runs[i])
		}
	}
	return todo, o, nil
}
