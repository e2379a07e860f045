package rundir

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/taskrnn/taskrnn/model"
)

// MaxCheckpointBytes is the largest checkpoint.npz ReadResumable accepts
// (1 GiB: a checkpoint holds the log and about four copies of the weights).
const MaxCheckpointBytes = 1 << 30

// Resumable is what continuing a run reads from its directory, all from
// one committed state.
type Resumable struct {
	Config  Config
	Weights *model.Weights
	// Checkpoint is the content of checkpoint.npz (train.ReadResumeState
	// parses it), and Files the raw bytes of config.json, model.npz and
	// checkpoint.npz, so that a caller can check, once it holds the lock,
	// that nothing changed since (SameFiles).
	Checkpoint []byte
	Files      [][]byte
}

// ReadResumable reads config.json, model.npz and checkpoint.npz of the run
// directory dir from one committed state, and checks the first two as
// LoadRun does. It only reads. Errors say what is wrong: dir missing or
// not a directory, not a run directory (no config.json), the file that is
// missing (a run saved before checkpoint.npz existed, or whose training
// diverged, has none), or the file that is corrupt and why.
func ReadResumable(dir string) (*Resumable, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("resume %q: no such directory", dir)
	case err != nil:
		return nil, fmt.Errorf("resume %q: %w", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("resume %q: not a directory", dir)
	}
	names := []string{ConfigFile, ModelFile, CheckpointFile}
	files, err := ReadFiles(dir, MaxCheckpointBytes, names...)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	if files[0] == nil {
		if IsLocked(LockPath(dir)) {
			return nil, fmt.Errorf("resume %q: %s not found: a command is writing this run and has not saved it yet (its first checkpoint comes after -checkpoint_every)", dir, ConfigFile)
		}
		return nil, fmt.Errorf("resume %q: not a run directory: %s not found", dir, ConfigFile)
	}
	rc, err := decodeRunConfig(bytes.NewReader(files[0]))
	if err != nil {
		return nil, fmt.Errorf("resume %q: %s is corrupt: %w", dir, ConfigFile, err)
	}
	cfg := rc.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("resume %q: %s: %w", dir, ConfigFile, err)
	}
	if files[1] == nil {
		return nil, fmt.Errorf("resume %q: %s not found: the run has no saved weights to continue from", dir, ModelFile)
	}
	w, err := model.ReadWeightsNPZ(bytes.NewReader(files[1]), int64(len(files[1])), cfg.Model())
	if err != nil {
		return nil, fmt.Errorf("resume %q: %s is corrupt: %w", dir, ModelFile, err)
	}
	if files[2] == nil {
		why := "the run was saved by a version without resumable checkpoints"
		if s, err := ReadFiles(dir, MaxConfigBytes, SummaryFile); err == nil && s[0] != nil {
			var sum Summary
			if json.Unmarshal(s[0], &sum) == nil && strings.Contains(sum.Stopped, "diverged") {
				why = "its training diverged (" + sum.Stopped + ")"
			}
		}
		return nil, fmt.Errorf("resume %q: %s not found, so the run cannot be continued exactly: %s", dir, CheckpointFile, why)
	}
	return &Resumable{Config: cfg, Weights: w, Checkpoint: files[2], Files: files}, nil
}

// SameFiles reports whether dir still holds the files r was read from.
func (r *Resumable) SameFiles(dir string) (bool, error) {
	files, err := ReadFiles(dir, MaxCheckpointBytes, ConfigFile, ModelFile, CheckpointFile)
	if err != nil {
		return false, err
	}
	for i := range files {
		if !bytes.Equal(files[i], r.Files[i]) {
			return false, nil
		}
	}
	return true, nil
}

// ResumeKeys returns the configuration keys whose value may change when a
// run is resumed: n_iteration (train further, or finish early). Every other
// key is fixed by the run.
func ResumeKeys() []string { return []string{"n_iteration"} }

// ConflictError reports configuration keys given for a resumed run whose
// values differ from the run's config.json.
type ConflictError struct {
	Keys         []string // the keys, in ConfigKeys order
	Given, OfRun []string // the values given and the run's, as JSON
}

func (e *ConflictError) Error() string {
	parts := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		parts[i] = fmt.Sprintf("%s = %s given, the run's config.json has %s", k, e.Given[i], e.OfRun[i])
	}
	return fmt.Sprintf("resume: %s (a resumed run keeps its configuration; only %s may change)",
		strings.Join(parts, "; "), strings.Join(ResumeKeys(), ", "))
}

// BelowTrainedError is a resumed run's n_iteration below the iterations
// it has already trained.
type BelowTrainedError struct{ NIteration, Trained int }

func (e *BelowTrainedError) Error() string {
	return fmt.Sprintf("resume: n_iteration = %d is below the %d iterations already trained", e.NIteration, e.Trained)
}

// ConfigConflicts returns a *ConflictError listing every key of ConfigKeys
// but ResumeKeys whose value differs between run and given (compared as
// canonical JSON), or nil if there is none.
func ConfigConflicts(run, given Config) error {
	a, b := configValues(run.Canonical()), configValues(given.Canonical())
	e := &ConflictError{}
	for _, k := range configKeys() {
		if slices.Contains(ResumeKeys(), k) || bytes.Equal(a[k], b[k]) {
			continue
		}
		e.Keys = append(e.Keys, k)
		e.Given = append(e.Given, string(b[k]))
		e.OfRun = append(e.OfRun, string(a[k]))
	}
	if len(e.Keys) == 0 {
		return nil
	}
	return e
}

// configValues returns c's JSON values by key ("null" for an absent
// optional key).
func configValues(c Config) map[string]json.RawMessage {
	b, _ := json.Marshal(c) // a Config always marshals
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	for _, k := range configKeys() {
		if _, ok := m[k]; !ok {
			m[k] = json.RawMessage("null")
		}
	}
	return m
}

// ResumeConfig returns the configuration to resume run with: run, with
// the configuration flags that were given on fs's command line applied
// (fs must have been set up by ConfigFlags and parsed). A flag that sets
// a key other than ResumeKeys to another value than the run's is a
// *ConflictError naming the key and both values (all such keys at once);
// giving it the run's own value is allowed. -config is an error: the run's
// config.json is the configuration. The result is canonical and validated.
func ResumeConfig(run Config, fs *flag.FlagSet) (Config, error) {
	if f := fs.Lookup("config"); f != nil {
		set := false
		fs.Visit(func(g *flag.Flag) { set = set || g.Name == "config" })
		if set {
			return Config{}, errors.New("resume: -config is not allowed: a resumed run uses its own config.json (give -n_iteration to change the number of iterations)")
		}
	}
	cfg := run
	over := flag.NewFlagSet("override", flag.ContinueOnError)
	over.SetOutput(io.Discard)
	cfg.bindFlags(over)
	var err error
	fs.Visit(func(f *flag.Flag) {
		if over.Lookup(f.Name) == nil || err != nil {
			return
		}
		err = over.Set(f.Name, f.Value.String())
	})
	if err != nil {
		return Config{}, err
	}
	cfg = cfg.Canonical()
	if err := ConfigConflicts(run, cfg); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}
