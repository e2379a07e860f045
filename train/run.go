package train

import (
	"errors"
	"flag"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// The run-directory contract (configuration, file names, summary, lock and
// atomic commits) lives in package train/rundir, so that analysis and
// sweeps can read runs without the trainer. These names keep train's API.

// Config is every hyperparameter of a training run (rundir.Config).
type Config = rundir.Config

// TaskList is the task key: one id or a list for a schedule (rundir.TaskList).
type TaskList = rundir.TaskList

// Kwargs is the task_kwargs key (rundir.Kwargs).
type Kwargs = rundir.Kwargs

// TutorialTask is the default task (rundir.TutorialTask).
const TutorialTask = rundir.TutorialTask

// Summary is the content of summary.json (rundir.Summary).
type Summary = rundir.Summary

// Files of a run directory (see rundir).
const (
	ConfigFile  = rundir.ConfigFile
	ModelFile   = rundir.ModelFile
	LogFile     = rundir.LogFile
	SummaryFile = rundir.SummaryFile
	FigureFile  = rundir.FigureFile
)

// Version is the program version recorded in config.json.
const Version = rundir.Version

// DefaultConfig returns the tutorial's configuration (rundir.DefaultConfig).
func DefaultConfig() Config { return rundir.DefaultConfig() }

// DecodeConfig reads a JSON configuration (rundir.DecodeConfig).
func DecodeConfig(r io.Reader) (Config, error) { return rundir.DecodeConfig(r) }

// LoadConfigFile reads a JSON configuration file (rundir.LoadConfigFile).
func LoadConfigFile(path string) (Config, error) { return rundir.LoadConfigFile(path) }

// ConfigKeys returns the configuration's JSON keys (rundir.ConfigKeys).
func ConfigKeys() []string { return rundir.ConfigKeys() }

// ConfigFlags registers the configuration flags and -config on fs
// (rundir.ConfigFlags).
func ConfigFlags(fs *flag.FlagSet) func() (Config, error) { return rundir.ConfigFlags(fs) }

// LoadRun reads a run directory's configuration and weights (rundir.LoadRun).
func LoadRun(dir string) (Config, *model.Weights, error) { return rundir.LoadRun(dir) }

// ProgramVersion returns the version recorded in config.json.
func ProgramVersion() string { return rundir.ProgramVersion() }

// Summary returns the summary of res.
func (r *Result) Summary() Summary {
	return Summary{
		FinalTrainLoss:      r.FinalLoss(),
		FinalTrainAccuracy:  finiteOrNil(r.FinalAccuracy()),
		TrainSeconds:        r.TrainSeconds,
		SecondsPerIteration: r.SecondsPerIteration(),
		NIteration:          r.Completed(),
		NIterationPlanned:   r.Config.NIteration,
		Graph:               r.Config.Graph,
		Stopped:             r.Stopped,
	}
}

// RunFiles returns the files of the run directory for res, in the order
// of rundir.RunFiles: config.json, model.npz, train_log.csv, summary.json
// and training.png, then checkpoint.npz (rundir.CheckpointFile) if res can
// be continued (res.State is set). It returns an error if res has no
// completed iteration.
func RunFiles(res *Result) ([]rundir.File, error) {
	if res == nil || res.Completed() == 0 {
		return nil, errors.New("write run: no completed iteration, nothing to save")
	}
	files := []rundir.File{
		{Name: ConfigFile, Write: rundir.ConfigJSON(res.Config)},
		{Name: ModelFile, Write: res.Weights.WriteNPZ},
		{Name: LogFile, Write: res.writeLog},
		{Name: SummaryFile, Write: rundir.WriteJSON(res.Summary())},
		{Name: FigureFile, Write: func(w io.Writer) error { return WriteFigure(w, res) }},
	}
	if res.State != nil {
		files = append(files, rundir.File{Name: rundir.CheckpointFile, Write: res.State.WriteNPZ})
	}
	return files, nil
}

// WriteRun commits the run directory files of res into d as one change
// (rundir.Dir.Commit), removing the files named in remove in the same
// change (cmd/train removes a replaced run's analysis), and an earlier
// checkpoint.npz if res cannot be continued.
func WriteRun(d *rundir.Dir, res *Result, remove ...string) error {
	files, err := RunFiles(res)
	if err != nil {
		return err
	}
	if res.State == nil && !slices.Contains(remove, rundir.CheckpointFile) {
		remove = append(slices.Clone(remove), rundir.CheckpointFile)
	}
	return d.Commit(files, remove)
}

// writeLog writes train_log.csv: a header line, then iteration (1-based),
// loss and accuracy (percent) per completed iteration, in shortest
// round-trip notation. With a regulariser on, the loss is the total
// minimised, and further columns hold its parts (Result.TermNames:
// task_loss, then each active regulariser under its name, e.g. L2_rec).
func (r *Result) writeLog(w io.Writer) error {
	header := "iteration,loss,accuracy"
	for _, n := range r.TermNames {
		header += "," + n
	}
	if _, err := io.WriteString(w, header+"\n"); err != nil {
		return err
	}
	var line []byte
	for k := range r.Loss {
		line = strconv.AppendInt(line[:0], int64(k+1), 10)
		line = append(line, ',')
		line = strconv.AppendFloat(line, r.Loss[k], 'g', -1, 64)
		line = append(line, ',')
		line = strconv.AppendFloat(line, r.Accuracy[k], 'g', -1, 64)
		if r.TermNames != nil {
			for _, v := range r.Terms[k] {
				line = append(line, ',')
				line = strconv.AppendFloat(line, v, 'g', -1, 64)
			}
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
