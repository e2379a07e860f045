package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Spec is a sweep specification, the content of a sweep JSON file:
//
//	{
//	  "base":  {"n_iteration": 500, "n_neurons": 32},
//	  "grid":  {"learning_rate": [0.001, 0.01, 0.1], "activation_fun": ["relu", "softplus"]},
//	  "runs":  [{"optimizer": "Adam"}, {"optimizer": "SGD", "batch_size": 32}],
//	  "seeds": [0, 1, 2],
//	  "slurm": {"partition": "cpu", "time": "00:30:00", "mem": "2G"}
//	}
//
// Every run's configuration is base, then one entry of runs, then one point
// of the grid, then one seed, each applied as a JSON Merge Patch (RFC 7386:
// objects merge key by key, any other value replaces, null removes) onto
// the training configuration's defaults, and decoded and validated by
// package train (train.DecodeConfig, Config.Validate), so any config key is
// allowed and a bad key or value is an error that names it. A grid key may
// be a dotted path into an object-valued key ("task_kwargs.sigma").
//
// base, grid, runs and seeds are each optional; the plan is runs x grid
// points x seeds, where a missing runs list or grid counts as one empty
// entry and missing seeds leave each configuration's own seed (default 0).
// All keys of a grid (and all keys set by any runs entry) are the sweep's
// swept keys, which name the runs (see Plan).
type Spec struct {
	Base  map[string]json.RawMessage   `json:"base,omitempty"`
	Grid  map[string][]json.RawMessage `json:"grid,omitempty"`
	Runs  []map[string]json.RawMessage `json:"runs,omitempty"`
	Seeds []int64                      `json:"seeds,omitempty"`
	// Slurm holds the Slurm backend's defaults; flags override them. It is
	// not part of what makes two specs the same sweep.
	Slurm *SlurmOptions `json:"slurm,omitempty"`
}

// specKeys returns the top-level keys of a spec file.
func specKeys() []string { return []string{"base", "grid", "runs", "seeds", "slurm"} }

// SpecFile is the name of the spec inside a sweep directory.
const SpecFile = "sweep.json"

// ParseSpec decodes a spec from r and checks its structure: unknown
// top-level keys, a grid that is empty or has a key whose value is not a
// non-empty list, an empty runs or seeds list, repeated seeds, grid keys
// that overlap ("a" and "a.b"), a runs entry that sets a grid key, and a
// seed set both by seeds and inside base, grid or runs are errors that name
// the key and what is allowed. The configurations themselves are checked by
// Expand.
func ParseSpec(r io.Reader) (*Spec, error) {
	var raw struct {
		Base  map[string]json.RawMessage   `json:"base"`
		Grid  map[string]json.RawMessage   `json:"grid"`
		Runs  []map[string]json.RawMessage `json:"runs"`
		Seeds json.RawMessage              `json:"seeds"`
		Slurm json.RawMessage              `json:"slurm"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("sweep spec (allowed keys: %s): %w", strings.Join(specKeys(), ", "), err)
	}
	if dec.More() {
		return nil, errors.New("sweep spec: trailing data after the JSON object")
	}
	s := &Spec{Base: raw.Base, Runs: raw.Runs}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	if raw.Grid != nil {
		if len(raw.Grid) == 0 {
			bad("grid is empty: give at least one config key with a list of values, or leave grid out")
		}
		s.Grid = make(map[string][]json.RawMessage, len(raw.Grid))
		for _, k := range sortedKeys(raw.Grid) {
			var vs []json.RawMessage
			if err := json.Unmarshal(raw.Grid[k], &vs); err != nil || raw.Grid[k][0] != '[' {
				bad("grid.%s = %s: want a list of values", k, raw.Grid[k])
				continue
			}
			if len(vs) == 0 {
				bad("grid.%s is an empty list: give at least one value", k)
				continue
			}
			if k == "" || strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") || strings.Contains(k, "..") {
				bad("grid key %q: want a config key or a dotted path such as task_kwargs.sigma", k)
				continue
			}
			s.Grid[k] = vs
		}
		keys := sortedKeys(s.Grid)
		for i, a := range keys {
			for _, b := range keys[i+1:] {
				if strings.HasPrefix(b, a+".") {
					bad("grid keys %q and %q overlap: sweep one or the other", a, b)
				}
			}
		}
	}
	if raw.Runs != nil && len(raw.Runs) == 0 {
		bad("runs is an empty list: give at least one configuration, or leave runs out")
	}
	for i, r := range raw.Runs {
		for k := range r {
			for g := range s.Grid {
				if k == g || strings.HasPrefix(g, k+".") || strings.HasPrefix(k, g+".") {
					bad("runs[%d] sets %q, which grid sweeps: set it in one place", i, k)
				}
			}
		}
	}
	if raw.Seeds != nil && string(raw.Seeds) != "null" {
		if err := json.Unmarshal(raw.Seeds, &s.Seeds); err != nil {
			bad("seeds = %s: want a list of integers", raw.Seeds)
		} else if len(s.Seeds) == 0 {
			bad("seeds is an empty list: give at least one seed, or leave seeds out")
		}
		seen := map[int64]bool{}
		for _, v := range s.Seeds {
			if seen[v] {
				bad("seeds: %d appears twice", v)
			}
			seen[v] = true
		}
		where := []string{}
		if _, ok := s.Base["seed"]; ok {
			where = append(where, "base")
		}
		if _, ok := s.Grid["seed"]; ok {
			where = append(where, "grid")
		}
		for i, r := range s.Runs {
			if _, ok := r["seed"]; ok {
				where = append(where, fmt.Sprintf("runs[%d]", i))
			}
		}
		if len(where) > 0 {
			bad("seed is set by seeds and in %s: set it in one place", strings.Join(where, ", "))
		}
	}
	if raw.Slurm != nil && string(raw.Slurm) != "null" {
		o, err := decodeSlurmOptions(raw.Slurm)
		if err != nil {
			bad("slurm: %w", err)
		} else {
			s.Slurm = o
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("sweep spec: %w", errors.Join(errs...))
	}
	return s, nil
}

// LoadSpec reads and parses the spec file at path.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sweep spec: %w", err)
	}
	s, err := ParseSpec(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// MarshalIndent returns s as indented JSON with sorted keys (the form
// stored in a sweep directory).
func (s *Spec) MarshalIndent() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sweep spec: %w", err)
	}
	return append(b, '\n'), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
