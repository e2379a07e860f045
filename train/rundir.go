package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
)

// Files of a run directory written by WriteRun.
const (
	ConfigFile  = "config.json"   // resolved Config + "version" + "graph"
	ModelFile   = "model.npz"     // weights under PyTorch state_dict names, float32
	LogFile     = "train_log.csv" // iteration,loss,accuracy (1-based iteration, accuracy in percent)
	SummaryFile = "summary.json"  // Summary
	FigureFile  = "training.png"  // WriteFigure
)

// Version is the program version recorded in config.json.
const Version = "0.1.0"

// ProgramVersion returns Version followed by the VCS revision and Go
// version when the binary carries them, e.g. "0.1.0 (rev 1a2b3c4d5e6f+dirty, go1.26.8)".
func ProgramVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return fmt.Sprintf("%s (%s)", Version, bi.GoVersion)
	}
	if dirty {
		rev += "+dirty"
	}
	return fmt.Sprintf("%s (rev %s, %s)", Version, rev, bi.GoVersion)
}

// DefaultRunDir returns runs/<UTC time as 20060102-150405>, the run
// directory used when none is given.
func DefaultRunDir(now time.Time) string {
	return filepath.Join("runs", now.UTC().Format("20060102-150405"))
}

// PrepareRunDir makes dir ready for WriteRun before any training starts: it
// creates dir and its parents if needed and checks that a file can be
// created in it. An existing directory that is not empty is an error unless
// force is true (then WriteRun replaces the run files in it; other files,
// such as an earlier analysis, are left alone).
func PrepareRunDir(dir string, force bool) error {
	if dir == "" {
		return errors.New("run directory: empty path")
	}
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("run directory %q exists and is not a directory", dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("run directory %q: %w", dir, err)
		}
		if len(entries) > 0 && !force {
			return fmt.Errorf("run directory %q already exists and is not empty (%d entries): choose another -out, or pass -force to overwrite its run files", dir, len(entries))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("run directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create run directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("run directory %q is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("run directory %q: %w", dir, err)
	}
	return nil
}

// Summary is the content of summary.json.
type Summary struct {
	FinalTrainLoss      float64 `json:"final_train_loss"`      // mean loss of the last FinalWindow iterations
	FinalTrainAccuracy  float64 `json:"final_train_accuracy"`  // percent, mean of the last FinalWindow iterations
	TrainSeconds        float64 `json:"train_seconds"`         // training loop alone
	SecondsPerIteration float64 `json:"seconds_per_iteration"` // TrainSeconds / NIteration
	NIteration          int     `json:"n_iteration"`           // completed iterations
	NIterationPlanned   int     `json:"n_iteration_planned"`   // Config.NIteration
	Graph               string  `json:"graph"`                 // training graph: "fast" or "reference"
	Stopped             string  `json:"stopped,omitempty"`     // why training stopped early, if it did
}

// Summary returns the summary of res.
func (r *Result) Summary() Summary {
	return Summary{
		FinalTrainLoss:      r.FinalLoss(),
		FinalTrainAccuracy:  r.FinalAccuracy(),
		TrainSeconds:        r.TrainSeconds,
		SecondsPerIteration: r.SecondsPerIteration(),
		NIteration:          r.Completed(),
		NIterationPlanned:   r.Config.NIteration,
		Graph:               GraphName(r.Graph),
		Stopped:             r.Stopped,
	}
}

// GraphName returns "fast" or "reference" for a model.GraphKind.
func GraphName(k model.GraphKind) string {
	switch k {
	case model.Fast:
		return "fast"
	case model.Reference:
		return "reference"
	}
	return fmt.Sprintf("GraphKind(%d)", int(k))
}

// ParseGraph returns the model.GraphKind named "fast" or "reference".
func ParseGraph(name string) (model.GraphKind, error) {
	switch name {
	case "fast":
		return model.Fast, nil
	case "reference":
		return model.Reference, nil
	}
	return 0, fmt.Errorf("graph = %q: allowed: fast, reference", name)
}

// runConfig is the content of config.json: Config plus the program version
// and the training graph, which are informational.
type runConfig struct {
	Config
	Version string `json:"version,omitempty"`
	Graph   string `json:"graph,omitempty"`
}

// WriteRun writes the run directory files of res into dir (see the *File
// constants), each to a temporary name in dir first and renamed into place.
// Call PrepareRunDir first. It returns an error if res has no completed
// iteration.
func WriteRun(dir string, res *Result) error {
	if res == nil || res.Completed() == 0 {
		return errors.New("write run: no completed iteration, nothing to save")
	}
	if err := res.Weights.SaveNPZ(filepath.Join(dir, ModelFile)); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	rc := runConfig{Config: res.Config, Version: ProgramVersion(), Graph: GraphName(res.Graph)}
	if err := writeJSON(filepath.Join(dir, ConfigFile), rc); err != nil {
		return err
	}
	if err := fileio.WriteFile(filepath.Join(dir, LogFile), func(w io.Writer) error {
		if _, err := io.WriteString(w, "iteration,loss,accuracy\n"); err != nil {
			return err
		}
		var line []byte
		for k := range res.Loss {
			line = strconv.AppendInt(line[:0], int64(k+1), 10)
			line = append(line, ',')
			line = strconv.AppendFloat(line, res.Loss[k], 'g', -1, 64)
			line = append(line, ',')
			line = strconv.AppendFloat(line, res.Accuracy[k], 'g', -1, 64)
			line = append(line, '\n')
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, SummaryFile), res.Summary()); err != nil {
		return err
	}
	return fileio.WriteFile(filepath.Join(dir, FigureFile), func(w io.Writer) error { return WriteFigure(w, res) })
}

// writeJSON writes v as indented JSON atomically. Non-finite numbers are an
// error (JSON cannot hold them).
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	b = append(b, '\n')
	return fileio.WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// LoadRun reads a run directory written by WriteRun: the configuration from
// config.json (validated; "version" and "graph" are read and ignored) and
// the float32 weights from model.npz, checked against the network that the
// configuration describes. Errors say which file is missing or bad.
func LoadRun(dir string) (Config, *model.Weights, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Config{}, nil, fmt.Errorf("load run %q: no such directory", dir)
	case err != nil:
		return Config{}, nil, fmt.Errorf("load run %q: %w", dir, err)
	case !st.IsDir():
		return Config{}, nil, fmt.Errorf("load run %q: not a directory", dir)
	}
	cfgPath := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(cfgPath)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, nil, fmt.Errorf("load run %q: %s not found: is this a run directory written by cmd/train?", dir, ConfigFile)
	}
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %w", dir, err)
	}
	rc, err := decodeRunConfig(bytes.NewReader(b))
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s is corrupt: %w", dir, ConfigFile, err)
	}
	cfg := rc.Config.Canonical()
	if err := cfg.Validate(); err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s: %w", dir, ConfigFile, err)
	}
	npz := filepath.Join(dir, ModelFile)
	if _, err := os.Stat(npz); errors.Is(err, fs.ErrNotExist) {
		return Config{}, nil, fmt.Errorf("load run %q: %s not found", dir, ModelFile)
	}
	w, err := model.LoadWeightsNPZ(npz, cfg.modelConfig())
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %w", dir, err)
	}
	return cfg, w, nil
}
