package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/taskrnn/taskrnn/train"
)

// Plan is the expansion of a Spec: every run, in a fixed order (runs
// entries, then grid points with the last grid key varying fastest, then
// seeds).
type Plan struct {
	// Keys are the swept keys, sorted: every grid key and every key set by
	// a runs entry, except seed.
	Keys []string
	Runs []Run
}

// Run is one planned training run.
type Run struct {
	// Name is the run's directory name under DIR/runs: "key=value" for
	// each swept key in Plan.Keys order, then "seed=N", joined by commas,
	// e.g. "activation_fun=relu,learning_rate=0.01,seed=3" (see RunName).
	Name string
	// Params holds the value of each swept key in this run's
	// configuration, in Plan.Keys order.
	Params []Param
	// Seed is the run's seed (Config.Seed).
	Seed int64
	// Config is the canonical, validated configuration.
	Config train.Config
	// Source says where the run comes from in the spec, for error messages
	// ("runs[1], grid point 3, seed 2").
	Source string
}

// Param is the value of one swept key in a run: a JSON value as decoded
// with json.Number for numbers (string, json.Number, bool, map, slice).
type Param struct {
	Key   string
	Value any
}

// String returns the value as written in run names and tables: strings
// without quotes, anything else as compact JSON.
func (p Param) String() string { return valueString(p.Value) }

func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// ConfigJSON returns the canonical JSON of r.Config, the form written to
// the run directory's config.json and compared across re-runs.
func (r *Run) ConfigJSON() []byte {
	b, err := json.MarshalIndent(r.Config, "", "  ")
	if err != nil {
		panic(err) // a validated Config has only finite numbers and strings
	}
	return append(b, '\n')
}

// maxErrors is the number of per-run errors Expand reports before it
// summarises the rest.
const maxErrors = 10

// Expand expands s into its runs, decoding and validating each run's
// configuration through train.DecodeConfig and Config.Validate. Errors are
// located in the spec: a bad key or value in base, in runs[i] or in a grid
// value is reported once with its place; invalid combinations are reported
// per run (the first ten). Two runs with the same name (the same swept
// values and seed, also after RunName's sanitising) are an error naming
// both.
func (s *Spec) Expand() (*Plan, error) {
	base, err := rawObject(s.Base)
	if err != nil {
		return nil, fmt.Errorf("sweep spec: base.%w", err)
	}
	// Check each part on its own first, so that an error names its place.
	var errs []error
	check := base // what runs and grid values are checked on
	if _, err := decodeConfig(base); err != nil {
		errs = append(errs, fmt.Errorf("base: %w", err))
		check = map[string]any{} // on their own, so that base's error is said once
	}
	entries := []map[string]any{{}}
	swept := map[string]bool{}
	if s.Runs != nil {
		entries = entries[:0]
		for i, r := range s.Runs {
			e, err := rawObject(r)
			if err != nil {
				errs = append(errs, fmt.Errorf("runs[%d].%w", i, err))
				continue
			}
			entries = append(entries, e)
			for k := range e {
				swept[k] = true
			}
			if _, err := decodeConfig(mergePatch(check, e)); err != nil {
				errs = append(errs, fmt.Errorf("runs[%d]: %w", i, err))
			}
		}
	}
	gridKeys := sortedKeys(s.Grid)
	gridValues := make([][]any, len(gridKeys))
	for i, k := range gridKeys {
		swept[k] = true
		for j, raw := range s.Grid[k] {
			v, err := decodeJSON(raw)
			if err == nil {
				_, err = decodeConfig(mergePatch(check, pathPatch(k, v)))
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("grid.%s[%d] = %s: %w", k, j, raw, err))
			}
			gridValues[i] = append(gridValues[i], v)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("sweep spec: %w", errors.Join(errs...))
	}
	delete(swept, "seed")
	plan := &Plan{Keys: sortedKeys(swept)}

	seeds := []*int64{nil}
	if s.Seeds != nil {
		seeds = seeds[:0]
		for i := range s.Seeds {
			seeds = append(seeds, &s.Seeds[i])
		}
	}
	points := gridPoints(gridValues)
	byName := map[string]string{}
	var nErr int
	for i, e := range entries {
		for pi, point := range points {
			cfg := mergePatch(base, e)
			for gi, v := range point {
				cfg = mergePatch(cfg, pathPatch(gridKeys[gi], v))
			}
			for si, seed := range seeds {
				src := describe(s.Runs != nil, i, len(gridKeys) > 0, pi, point, gridKeys, si, seed)
				c := cfg
				if seed != nil {
					c = mergePatch(c, map[string]any{"seed": json.Number(fmt.Sprint(*seed))})
				}
				run, err := newRun(c, plan.Keys, src)
				if err == nil {
					if other, dup := byName[run.Name]; dup {
						err = fmt.Errorf("duplicate run name %q: %s and %s give the same name (the same swept values and seed); remove one", run.Name, other, src)
					} else {
						byName[run.Name] = src
					}
				}
				if err != nil {
					if nErr < maxErrors {
						errs = append(errs, err)
					}
					nErr++
					continue
				}
				plan.Runs = append(plan.Runs, run)
			}
		}
	}
	if nErr > maxErrors {
		errs = append(errs, fmt.Errorf("... and %d more errors", nErr-maxErrors))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("sweep spec: %w", errors.Join(errs...))
	}
	return plan, nil
}

// newRun decodes and validates one merged configuration and names it.
func newRun(merged any, keys []string, src string) (Run, error) {
	cfg, err := decodeConfig(merged)
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", src, err)
	}
	if err := cfg.Validate(); err != nil {
		return Run{}, fmt.Errorf("%s: %w", src, err)
	}
	// Swept values are read back from the canonical configuration, so that
	// "adam" and "Adam", or 0.010 and 1e-2, give the same name.
	b, err := json.Marshal(cfg)
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", src, err)
	}
	canon, err := decodeJSON(b)
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", src, err)
	}
	r := Run{Config: cfg, Seed: cfg.Seed, Source: src}
	for _, k := range keys {
		v, ok := lookupPath(canon, k)
		if !ok {
			// A key the configuration does not keep (it would have been
			// rejected by the decoder, so this is a nested path).
			v, _ = lookupPath(merged, k)
		}
		r.Params = append(r.Params, Param{Key: k, Value: v})
	}
	r.Name = RunName(r.Params, r.Seed)
	return r, nil
}

// decodeConfig decodes a merged configuration object with
// train.DecodeConfig (defaults for absent keys, unknown keys an error).
func decodeConfig(v any) (train.Config, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return train.Config{}, err
	}
	return train.DecodeConfig(bytes.NewReader(b))
}

// gridPoints returns the cartesian product of values, the last list
// varying fastest; one empty point if there are no lists.
func gridPoints(values [][]any) [][]any {
	points := [][]any{{}}
	for _, vs := range values {
		next := make([][]any, 0, len(points)*len(vs))
		for _, p := range points {
			for _, v := range vs {
				q := append(append(make([]any, 0, len(p)+1), p...), v)
				next = append(next, q)
			}
		}
		points = next
	}
	return points
}

func describe(hasRuns bool, i int, hasGrid bool, pi int, point []any, keys []string, si int, seed *int64) string {
	var parts []string
	if hasRuns {
		parts = append(parts, fmt.Sprintf("runs[%d]", i))
	}
	if hasGrid {
		kv := make([]string, len(point))
		for j, v := range point {
			kv[j] = keys[j] + "=" + valueString(v)
		}
		parts = append(parts, fmt.Sprintf("grid point %d (%s)", pi, strings.Join(kv, ", ")))
	}
	if seed != nil {
		parts = append(parts, fmt.Sprintf("seeds[%d] = %d", si, *seed))
	}
	if len(parts) == 0 {
		return "base"
	}
	return strings.Join(parts, ", ")
}
