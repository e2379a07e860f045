// Command task prints or writes trials of NeuroGym's PerceptualDecisionMaking
// task for a configuration and seed, for inspection and for Python users.
//
// Usage:
//
//	task [-seed 0] [-n 5] [-kwargs JSON | -kwargs-file FILE] [-name LABEL] [-o trials.npz]
//
// Without -o it prints JSON to stdout in the layout of NeuroGym golden files
// (json.dumps formatting): name (if -name), task, kwargs, seed, fixation_cue,
// sigma_effective, trials[ground_truth, coh, ob, gt]. With -o FILE.npz it
// writes a NumPy archive instead; with any other -o FILE it writes the JSON
// to FILE. Files are written atomically.
//
// NPZ layout (n trials, Tmax the longest trial, obs_dim = 1 + dim_ring):
//
//	ob               float32 (n, Tmax, obs_dim)  zero after a trial's end
//	gt               int64   (n, Tmax)           -1 after a trial's end
//	trial_len        int64   (n,)                rows of each trial
//	ground_truth     int64   (n,)                0-based choice
//	coh              float64 (n,)                coherence, percent
//	periods          int64   (n, 4, 2)           [start, end) rows of fixation, stimulus, delay, decision
//	seed, dt, sigma_effective                    scalars
//	kwargs           uint8   (len,)              the kwargs JSON text
//
// With constant timing all trials have the same length and nothing is padded.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/taskrnn/taskrnn/data"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, new(parseError)):
		os.Exit(2) // the flag package has printed the error and the usage
	case err != nil:
		fmt.Fprintln(os.Stderr, "task:", err)
		os.Exit(2)
	}
}

// parseError is a flag syntax error, already reported by the flag package.
type parseError struct{ error }

func (e parseError) Unwrap() error { return e.error }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("task", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Int64("seed", 0, "environment seed, 0..4294967295 (numpy.random.RandomState seed)")
	n := fs.Int("n", 5, "number of trials (>= 0)")
	kwargs := fs.String("kwargs", "", `NeuroGym constructor keywords as JSON, e.g. '{"dt":20,"timing":{"stimulus":1000},"sigma":0.3}'`)
	kwargsFile := fs.String("kwargs-file", "", "read the keywords JSON from this file instead of -kwargs")
	name := fs.String("name", "", "optional label written as the first JSON key")
	out := fs.String("o", "", "write to this file instead of stdout: .npz for a NumPy archive, anything else for JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return parseError{err}
	}
	o := data.TaskOptions{Seed: *seed, N: *n, Kwargs: []byte(*kwargs), KwargsFile: *kwargsFile, Name: *name, Output: *out}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (all options are flags; see -h)", fs.Args())
	}
	return data.RunTask(o, stdout)
}
