package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// Names inside a sweep directory.
const (
	RunsDir  = "runs"        // one run directory per run
	lockName = ".sweep.lock" // held by the process that runs the sweep
)

// Sweep is an opened sweep directory: its spec, its plan and, when opened
// with Open, the lock that keeps other sweeps out.
type Sweep struct {
	Dir  string // absolute path
	Spec *Spec
	Plan *Plan
	lock *os.File
}

// Open prepares the sweep directory dir for spec and locks it against
// other sweeps until Close. A new (or empty) dir gets sweep.json and, for
// every run, DIR/runs/<name>/config.json. An existing sweep directory is
// accepted only if its sweep.json expands to the same runs with the same
// configurations (re-ordering or re-formatting the spec, or changing its
// slurm block, is fine) and every existing run directory's config.json
// matches its plan; otherwise Open returns an error saying what differs
// and changes nothing. A directory that is not empty and holds no
// sweep.json is refused too. If spec is nil, dir's sweep.json is used.
func Open(dir string, spec *Spec) (*Sweep, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sweep directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("sweep directory: %w", err)
	}
	lock, _, err := rundir.LockFile(filepath.Join(abs, lockName))
	var le *rundir.LockedError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("sweep directory %q is in use by another sweep (%s): wait for it to end, or use another directory", dir, strings.ReplaceAll(strings.TrimSpace(le.Holder), "\n", ", "))
	} else if err != nil {
		return nil, fmt.Errorf("sweep directory %q: %w", dir, err)
	}
	sw, err := prepare(abs, dir, spec)
	if err != nil {
		lock.Close()
		return nil, err
	}
	sw.lock = lock
	return sw, nil
}

// Inspect returns the sweep in dir as Open would, without locking,
// creating or writing anything: for listing a sweep and for dry runs. A dir
// that does not exist yet is fine if spec is given (all its runs are then
// Pending).
func Inspect(dir string, spec *Spec) (*Sweep, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sweep directory %q: %w", dir, err)
	}
	stored, err := storedSpec(abs, dir)
	if err != nil {
		return nil, err
	}
	if spec == nil && stored == nil {
		return nil, fmt.Errorf("sweep directory %q holds no %s: not a sweep directory (give a spec)", dir, SpecFile)
	}
	if spec == nil {
		spec = stored
	}
	plan, err := spec.Expand()
	if err != nil {
		return nil, err
	}
	if stored != nil {
		if err := sameSweep(dir, stored, plan); err != nil {
			return nil, err
		}
	}
	return &Sweep{Dir: abs, Spec: spec, Plan: plan}, nil
}

// Close releases the sweep directory's lock.
func (s *Sweep) Close() error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close()
	s.lock = nil
	return err
}

// RunDir returns the run directory of the run named name.
func (s *Sweep) RunDir(name string) string { return filepath.Join(s.Dir, RunsDir, name) }

// States returns the state of every planned run, in plan order.
func (s *Sweep) States() ([]State, error) {
	out := make([]State, len(s.Plan.Runs))
	for i, r := range s.Plan.Runs {
		st, err := RunState(s.RunDir(r.Name))
		if err != nil {
			return nil, err
		}
		out[i] = st
	}
	return out, nil
}

func prepare(abs, dir string, spec *Spec) (*Sweep, error) {
	stored, err := storedSpec(abs, dir)
	if err != nil {
		return nil, err
	}
	if stored == nil {
		entries, err := os.ReadDir(abs)
		if err != nil {
			return nil, fmt.Errorf("sweep directory: %w", err)
		}
		for _, e := range entries {
			if e.Name() != lockName {
				return nil, fmt.Errorf("%q is not empty (it holds %s) and has no %s: it is not a sweep directory; choose a new or empty directory", dir, e.Name(), SpecFile)
			}
		}
		if spec == nil {
			return nil, fmt.Errorf("sweep directory %q holds no %s: give a spec", dir, SpecFile)
		}
	}
	if spec == nil {
		spec = stored
	}
	plan, err := spec.Expand()
	if err != nil {
		return nil, err
	}
	if stored != nil {
		if err := sameSweep(dir, stored, plan); err != nil {
			return nil, err
		}
	}
	sw := &Sweep{Dir: abs, Spec: spec, Plan: plan}
	// Check every existing run directory before writing anything.
	var mismatch []string
	for _, r := range plan.Runs {
		b, err := os.ReadFile(filepath.Join(sw.RunDir(r.Name), train.ConfigFile))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("run %s: %w", r.Name, err)
		}
		got, err := train.DecodeConfig(bytes.NewReader(b))
		if err != nil || !bytes.Equal(configJSON(got), configJSON(r.Config)) {
			mismatch = append(mismatch, r.Name)
		}
	}
	if len(mismatch) > 0 {
		return nil, fmt.Errorf("sweep directory %q: %d run director%s hold a %s that differs from the spec (e.g. %s): they were not made by this sweep; nothing was changed", dir, len(mismatch), plural(len(mismatch), "y", "ies"), train.ConfigFile, mismatch[0])
	}
	if stored == nil {
		b, err := spec.MarshalIndent()
		if err != nil {
			return nil, err
		}
		if err := fileio.WriteFileBytes(filepath.Join(abs, SpecFile), b); err != nil {
			return nil, err
		}
	}
	for _, r := range plan.Runs {
		rd := sw.RunDir(r.Name)
		if _, err := os.Stat(filepath.Join(rd, train.ConfigFile)); err == nil {
			continue
		}
		if err := os.MkdirAll(rd, 0o755); err != nil {
			return nil, err
		}
		if err := fileio.WriteFileBytes(filepath.Join(rd, train.ConfigFile), r.ConfigJSON()); err != nil {
			return nil, err
		}
	}
	return sw, nil
}

// storedSpec reads DIR/sweep.json; nil if there is none.
func storedSpec(abs, dir string) (*Spec, error) {
	path := filepath.Join(abs, SpecFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	s, err := LoadSpec(path)
	if err != nil {
		return nil, fmt.Errorf("sweep directory %q: %w", dir, err)
	}
	return s, nil
}

// sameSweep checks that stored (a directory's sweep.json) expands to the
// runs of plan with the same configurations.
func sameSweep(dir string, stored *Spec, plan *Plan) error {
	old, err := stored.Expand()
	if err != nil {
		return fmt.Errorf("sweep directory %q: its %s no longer expands: %w", dir, SpecFile, err)
	}
	oldRuns := map[string][]byte{}
	for _, r := range old.Runs {
		oldRuns[r.Name] = configJSON(r.Config)
	}
	var added, changed []string
	for _, r := range plan.Runs {
		c, ok := oldRuns[r.Name]
		switch {
		case !ok:
			added = append(added, r.Name)
		case !bytes.Equal(c, configJSON(r.Config)):
			changed = append(changed, r.Name)
		}
		delete(oldRuns, r.Name)
	}
	removed := sortedKeys(oldRuns)
	if len(added)+len(changed)+len(removed) == 0 {
		return nil
	}
	var diff []string
	if len(added) > 0 {
		diff = append(diff, fmt.Sprintf("%d run%s not in it (e.g. %s)", len(added), plural(len(added), "", "s"), added[0]))
	}
	if len(removed) > 0 {
		diff = append(diff, fmt.Sprintf("%d of its runs missing (e.g. %s)", len(removed), removed[0]))
	}
	if len(changed) > 0 {
		diff = append(diff, fmt.Sprintf("%d run%s with another configuration (e.g. %s)", len(changed), plural(len(changed), "", "s"), changed[0]))
	}
	return fmt.Errorf("sweep directory %q holds a different sweep (%s): the spec has %s; use a new directory for the new spec (nothing was changed)",
		dir, SpecFile, strings.Join(diff, ", "))
}

func configJSON(c train.Config) []byte {
	r := Run{Config: c}
	return r.ConfigJSON()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
