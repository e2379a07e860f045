// Command task prints or writes trials of any NeuroGym task for a set of
// constructor keywords and a seed, for inspection and for Python users, and
// lists the tasks.
//
// Usage:
//
//	task [-task PerceptualDecisionMaking-v0] [-seed 0] [-n 5] [-kwargs JSON | -kwargs-file FILE] [-name LABEL] [-o trials.npz]
//	task -list
//	task -describe ID
//
// Without -o it prints JSON to stdout in the layout of NeuroGym golden files
// (json.dumps formatting): task, [tasks,] kwargs, seed, dt,
// observation_space, action_space, trials (each [task_index, task,] trial =
// NeuroGym's trial dict, ob, gt)[, name]. With -o FILE.npz it writes a NumPy
// archive instead (see data.TrialSet.WriteNPZ); with any other -o FILE it
// writes the JSON to FILE. Files are written atomically. -list prints every
// task id with its observation and action sizes and what it models;
// -describe prints a task's spaces, keywords and defaults.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/taskrnn/taskrnn/data/tasks"
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
	id := fs.String("task", "PerceptualDecisionMaking-v0", "NeuroGym task id (-list prints them)")
	seed := fs.Int64("seed", 0, "environment seed, 0..4294967295 (numpy.random.RandomState seed)")
	n := fs.Int("n", 5, "number of trials (>= 0)")
	kwargs := fs.String("kwargs", "", `NeuroGym constructor keywords as JSON, e.g. '{"dt":20,"timing":{"stimulus":1000},"sigma":0.3}'`)
	kwargsFile := fs.String("kwargs-file", "", "read the keywords JSON from this file instead of -kwargs")
	name := fs.String("name", "", "optional label written as the last JSON key")
	out := fs.String("o", "", "write to this file instead of stdout: .npz for a NumPy archive, anything else for JSON")
	list := fs.Bool("list", false, "list every task id with its sizes and what it models")
	describe := fs.String("describe", "", "describe task `ID`: spaces, keywords and defaults")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return parseError{err}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (all options are flags; see -h)", fs.Args())
	}
	switch {
	case *list:
		return tasks.List(stdout)
	case *describe != "":
		return tasks.WriteDescription(stdout, *describe)
	}
	return tasks.Run(tasks.RunOptions{Task: *id, Seed: *seed, N: *n, Kwargs: []byte(*kwargs),
		KwargsFile: *kwargsFile, Name: *name, Output: *out}, stdout)
}
