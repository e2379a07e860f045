package tasks

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
)

// RunOptions are cmd/task's flags.
type RunOptions struct {
	Task       string // task id
	Seed       int64  // environment seed, 0..2^32-1 (numpy.random.RandomState(seed))
	N          int    // number of trials, >= 0
	Kwargs     []byte // constructor keywords JSON (exclusive with KwargsFile)
	KwargsFile string // file holding the keywords JSON
	Name       string // optional label
	Output     string // "" for stdout JSON; *.npz for an archive; else a JSON file
}

// maxTrialValues bounds what Run holds in memory (observations of every
// trial), so that a mistyped -n fails at once instead of exhausting memory.
const maxTrialValues = 1 << 28

// Run generates the trials described by o and writes them as JSON to
// stdout, or to o.Output (NumPy .npz when it ends in .npz, JSON otherwise,
// written atomically). Errors name the offending flag or keyword.
func Run(o RunOptions, stdout io.Writer) error {
	if o.Seed < 0 || o.Seed > math.MaxUint32 {
		return fmt.Errorf("-seed %d: must be in [0, 4294967295] (numpy.random.RandomState seeds)", o.Seed)
	}
	if o.N < 0 {
		return fmt.Errorf("-n %d: number of trials must be >= 0", o.N)
	}
	kw := o.Kwargs
	if o.KwargsFile != "" {
		if len(kw) > 0 {
			return fmt.Errorf("-kwargs and -kwargs-file: give at most one")
		}
		b, err := os.ReadFile(o.KwargsFile)
		if err != nil {
			return fmt.Errorf("-kwargs-file: %w", err)
		}
		kw = b
	}
	task, err := Make(o.Task, kw, data.IntSeed(uint32(o.Seed)))
	if err != nil {
		if o.KwargsFile != "" {
			return fmt.Errorf("-kwargs-file %s: %w", o.KwargsFile, err)
		}
		return err
	}
	s := &data.TrialSet{Task: task, Kwargs: kw, Seed: uint32(o.Seed), Name: o.Name}
	values := 0
	for i := 0; i < o.N; i++ {
		tr, err := task.NewTrial(nil)
		if err != nil {
			return fmt.Errorf("trial %d: %w", i, err)
		}
		if values += len(tr.Ob); values > maxTrialValues {
			return fmt.Errorf("-n %d: the trials would hold more than %d observation values (%d trials so far); ask for fewer trials", o.N, maxTrialValues, i+1)
		}
		s.Trials = append(s.Trials, tr.Clone())
	}
	switch {
	case o.Output == "":
		if err := s.WriteJSON(stdout); err != nil {
			return err
		}
		_, err := io.WriteString(stdout, "\n")
		return err
	case strings.HasSuffix(strings.ToLower(o.Output), ".npz"):
		return s.WriteNPZ(o.Output)
	default:
		return fileio.WriteFile(o.Output, s.WriteJSON)
	}
}

// List writes one line per task: its id, observation and action sizes, and
// what it models.
func List(w io.Writer) error {
	for _, id := range IDs() {
		d, err := Describe(id)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		act := fmt.Sprintf("%d actions", d.ActSpace.Dim)
		if d.ActSpace.Kind == data.Box {
			act = fmt.Sprintf("Box(%d) actions", d.ActSpace.Dim)
		}
		if _, err := fmt.Fprintf(w, "%-42s %3d inputs %16s  %s\n", id, d.ObSpace.Dim, act, d.Info.Summary); err != nil {
			return err
		}
	}
	return nil
}

// WriteDescription writes what Describe says of task id: spaces with their
// named channels, keywords with defaults, conditions and paper.
func WriteDescription(w io.Writer, id string) error {
	d, err := Describe(id)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s\n", d.ID, d.Info.Summary)
	if d.Info.Paper != "" {
		fmt.Fprintf(w, "  paper        %s %s\n", d.Info.Paper, d.Info.Link)
	}
	fmt.Fprintf(w, "  observation  %s\n", data.SpaceJSON(d.ObSpace))
	fmt.Fprintf(w, "  action       %s\n", data.SpaceJSON(d.ActSpace))
	if len(d.Info.Conditions) > 0 {
		fmt.Fprintf(w, "  conditions   %s\n", strings.Join(d.Info.Conditions, ", "))
	}
	if d.Info.Evidence != nil {
		fmt.Fprintf(w, "  evidence     %s (favours action %d)\n", d.Info.Evidence.Label, d.Info.Evidence.Positive)
	}
	fmt.Fprintf(w, "  keywords (NeuroGym's, with defaults):\n")
	for _, k := range d.Kwargs {
		fmt.Fprintf(w, "    %-14s %s\n", k.Name, k.Default)
	}
	return nil
}
