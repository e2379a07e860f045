package data

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// TaskOptions are cmd/task's flags.
type TaskOptions struct {
	Seed       int64  // environment seed, 0..2^32-1
	N          int    // number of trials, >= 0
	Kwargs     []byte // constructor keywords JSON (exclusive with KwargsFile)
	KwargsFile string // file holding the keywords JSON
	Name       string // optional label
	Output     string // "" for stdout JSON; *.npz for an archive; else a JSON file
}

// RunTask generates the trials described by o and writes them as JSON to
// stdout, or to o.Output (NumPy .npz when it ends in .npz, JSON otherwise,
// written atomically). Errors name the offending flag.
func RunTask(o TaskOptions, stdout io.Writer) error {
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
	s, err := GenerateTrials(kw, uint32(o.Seed), o.N)
	if err != nil {
		if o.KwargsFile != "" {
			return fmt.Errorf("-kwargs-file %s: %w", o.KwargsFile, err)
		}
		return err // already names kwargs and the field
	}
	s.Name = o.Name
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
		return writeFileAtomic(o.Output, s.WriteJSON)
	}
}
