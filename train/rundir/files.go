package rundir

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
)

// Files of a run directory written by training (train.WriteRun).
const (
	ConfigFile  = "config.json"   // the resolved Config + "version"
	ModelFile   = "model.npz"     // weights under PyTorch state_dict names, float32
	LogFile     = "train_log.csv" // iteration,loss,accuracy (1-based iteration, accuracy in percent), then task_loss and the active regularisers if any
	SummaryFile = "summary.json"  // Summary
	FigureFile  = "training.png"  // the training figure
)

// CheckpointFile holds what continuing a run needs beside config.json
// and model.npz (train.ResumeState: optimiser state, stream positions, the
// log; an .npz that numpy.load reads). Every save of a run that can be
// continued writes it in the same commit as the other run files; the
// save of a diverged run removes it. It is not one of RunFiles, which
// every run has.
const CheckpointFile = "checkpoint.npz"

// RunFiles returns the names of the files training writes, in the order
// above.
func RunFiles() []string { return []string{ConfigFile, ModelFile, LogFile, SummaryFile, FigureFile} }

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

// Summary is the content of summary.json.
type Summary struct {
	FinalTrainLoss      float64  `json:"final_train_loss"`               // mean loss of the last train.FinalWindow iterations
	FinalTrainAccuracy  *float64 `json:"final_train_accuracy,omitempty"` // percent, mean of the last train.FinalWindow iterations; absent for continuous (Box) actions
	TrainSeconds        float64  `json:"train_seconds"`                  // training loop alone
	SecondsPerIteration float64  `json:"seconds_per_iteration"`          // TrainSeconds / NIteration
	NIteration          int      `json:"n_iteration"`                    // completed iterations (the lines of train_log.csv)
	NIterationPlanned   int      `json:"n_iteration_planned"`            // Config.NIteration
	Graph               string   `json:"graph"`                          // training graph: "fast" or "reference"
	Stopped             string   `json:"stopped,omitempty"`              // why training stopped early, if it did
}

// WriteJSON returns a File.Write function that writes v as indented JSON
// with a final newline. Non-finite numbers are an error (JSON cannot hold
// them).
func WriteJSON(v any) func(io.Writer) error {
	return func(w io.Writer) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
}

// ConfigJSON returns the File.Write function of config.json for cfg: the
// configuration and the program version.
func ConfigJSON(cfg Config) func(io.Writer) error {
	return WriteJSON(runConfig{Config: cfg, Version: ProgramVersion()})
}
