package main

import (
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/taskrnn/taskrnn/analyze"
)

// fpFlags are the fixed-point flags of cmd/analyze.
type fpFlags struct {
	on                        *bool
	input, condition, period  *string
	nInits                    *int
	noiseScale                *float64
	tolQ, tolQSlow, tolUnique *float64
	seed                      *int64
}

// bindFixedPointFlags defines the fixed-point flags on fs, with the
// defaults of analyze.DefaultFixedPointOptions.
func bindFixedPointFlags(fs *flag.FlagSet) *fpFlags {
	def := analyze.DefaultFixedPointOptions().Search
	return &fpFlags{
		on:         fs.Bool("fixed_points", true, "search for the network's fixed points and slow points under a constant input x* and write fixed_points.npz, fixed_points_eigenvalues.png and the points on the PCA figures (=false skips it)"),
		input:      fs.String("fp_input", "", "x* as JSON: an array of the task's inputs, e.g. '[1, 0.5, 0.5]', or by channel, e.g. '{\"fixation\": 1, \"stimulus\": 0.5}' (default: the mean input of -fp_condition over -fp_period)"),
		condition:  fs.String("fp_condition", "", "x* is the mean input of trials with these forced trial variables, JSON, e.g. '{\"coh\": 12.8, \"ground_truth\": 1}'; \"task\" picks a task of a schedule (default: the task's zero-evidence condition, or the mean over conditions)"),
		period:     fs.String("fp_period", "", "the period whose input is averaged for x* (default: stimulus, or the first period after fixation)"),
		nInits:     fs.Int("n_inits", def.NInits, "number of initial states of the search, sampled from the test trials' hidden states"),
		noiseScale: fs.Float64("noise_scale", def.NoiseScale, "standard deviation of the Gaussian noise added to each sampled initial state"),
		tolQ:       fs.Float64("tol_q", def.TolQ, "largest q = ½‖F(h, x*) − h‖² of a fixed point (> 0)"),
		tolQSlow:   fs.Float64("tol_q_slow", def.TolQSlow, "largest q of a slow point (>= tol_q; tol_q keeps fixed points only)"),
		tolUnique:  fs.Float64("tol_unique", def.TolUnique, "distance within which two points are the same (> 0)"),
		seed:       fs.Int64("fp_seed", 0, "seed of the search's initial states and the input's trials (default: the test seed, -seed or the run's)"),
	}
}

// options returns the search the flags ask for (nil for
// -fixed_points=false), or an error naming the bad flags: invalid options
// (n_inits < 1, a tolerance <= 0, ...), or search flags given with
// -fixed_points=false. The input flags are checked against the task later.
func (f *fpFlags) options(fs *flag.FlagSet) (*analyze.FixedPointOptions, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if !*f.on {
		var given []string
		for _, n := range []string{"fp_input", "fp_condition", "fp_period", "n_inits", "noise_scale", "tol_q", "tol_q_slow", "tol_unique", "fp_seed"} {
			if set[n] {
				given = append(given, "-"+n)
			}
		}
		if len(given) > 0 {
			sort.Strings(given)
			return nil, fmt.Errorf("%s set the fixed-point search, which -fixed_points=false skips", strings.Join(given, ", "))
		}
		return nil, nil
	}
	o := analyze.DefaultFixedPointOptions()
	o.Input.Vector = []byte(*f.input)
	o.Input.Condition = []byte(*f.condition)
	o.Input.Period = *f.period
	if *f.input != "" && (*f.condition != "" || *f.period != "") {
		return nil, fmt.Errorf("-fp_input gives x* itself: do not combine it with -fp_condition or -fp_period")
	}
	o.Search.NInits = *f.nInits
	o.Search.NoiseScale = *f.noiseScale
	o.Search.TolQ, o.Search.TolQSlow, o.Search.TolUnique = *f.tolQ, *f.tolQSlow, *f.tolUnique
	if err := o.Search.Validate(); err != nil {
		return nil, fmt.Errorf("%w (flags -n_inits, -noise_scale, -tol_q, -tol_q_slow, -tol_unique)", err)
	}
	o.Seed, o.SeedSet = *f.seed, set["fp_seed"]
	return &o, nil
}
