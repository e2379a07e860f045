package data

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// TrialSet is a run of consecutive trials of one environment, as printed by
// cmd/task: the first N trials after seeding with Seed.
type TrialSet struct {
	Name   string // optional label, written first when not empty
	Kwargs []byte // the constructor keywords as given (JSON object)
	Seed   uint32
	Config PDMConfig
	Trials []*Trial
}

// GenerateTrials parses kwargs (see ParsePDMKwargs; empty means defaults)
// and returns the first n trials of PerceptualDecisionMaking seeded with seed.
// Errors: bad kwargs, n < 0.
func GenerateTrials(kwargs []byte, seed uint32, n int) (*TrialSet, error) {
	if n < 0 {
		return nil, fmt.Errorf("n = %d: number of trials must be >= 0", n)
	}
	if len(bytes.TrimSpace(kwargs)) == 0 {
		kwargs = []byte("{}")
	}
	cfg, err := ParsePDMKwargs(kwargs)
	if err != nil {
		return nil, err
	}
	env, err := NewPerceptualDecisionMaking(cfg, seed)
	if err != nil {
		return nil, err
	}
	s := &TrialSet{Kwargs: bytes.TrimSpace(kwargs), Seed: seed, Config: cfg}
	for i := 0; i < n; i++ {
		s.Trials = append(s.Trials, env.NewTrial())
	}
	return s, nil
}

// WriteJSON writes the set as one line of JSON in the layout of the golden
// files (Python json.dumps formatting, key order name, task, kwargs, seed,
// fixation_cue, sigma_effective, trials[ground_truth, coh, ob, gt]), without
// a trailing newline. ob values are the float32 values written as doubles.
func (s *TrialSet) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if s.Name != "" {
		bw.WriteString(`{"name": ` + pyString(s.Name) + `, "task": `)
	} else {
		bw.WriteString(`{"task": `)
	}
	bw.WriteString(`"PerceptualDecisionMaking-v0", "kwargs": `)
	kw := s.Kwargs
	if len(kw) == 0 {
		kw = []byte("{}")
	}
	if err := writePyJSON(bw, kw); err != nil {
		return fmt.Errorf("kwargs: %w", err)
	}
	bw.WriteString(`, "seed": ` + strconv.FormatUint(uint64(s.Seed), 10))
	bw.WriteString(`, "fixation_cue": ` + pyString(string(s.Config.FixationCue)))
	bw.WriteString(`, "sigma_effective": ` + pyFloat(s.Config.SigmaEffective()))
	bw.WriteString(`, "trials": [`)
	var num []byte
	for i, tr := range s.Trials {
		if i > 0 {
			bw.WriteString(", ")
		}
		bw.WriteString(`{"ground_truth": ` + strconv.Itoa(tr.GroundTruth))
		bw.WriteString(`, "coh": ` + pyFloat(tr.Coh))
		bw.WriteString(`, "ob": [`)
		for t := 0; t < tr.T; t++ {
			if t > 0 {
				bw.WriteString(", ")
			}
			bw.WriteByte('[')
			for k, v := range tr.Row(t) {
				if k > 0 {
					bw.WriteString(", ")
				}
				num = appendPyFloat(num[:0], float64(v))
				bw.Write(num)
			}
			bw.WriteByte(']')
		}
		bw.WriteString(`], "gt": [`)
		for t, g := range tr.Gt {
			if t > 0 {
				bw.WriteString(", ")
			}
			bw.WriteString(strconv.Itoa(g))
		}
		bw.WriteString("]}")
	}
	bw.WriteString("]}")
	return bw.Flush()
}

// NPZ layout written by WriteNPZ (n trials, Tmax the longest trial, obs_dim
// = 1 + dim_ring):
//
//	ob            float32 (n, Tmax, obs_dim)  observations, zero after a trial's end
//	gt            int64   (n, Tmax)           targets, -1 after a trial's end
//	trial_len     int64   (n,)                rows of each trial (all Tmax when equal)
//	ground_truth  int64   (n,)                0-based correct choice
//	coh           float64 (n,)                coherence, percent
//	periods       int64   (n, 4, 2)           [start, end) rows of fixation, stimulus, delay, decision
//	seed          int64   ()                  environment seed
//	dt            float64 ()                  ms per row
//	sigma_effective float64 ()                sigma / sqrt(dt)
//	kwargs        uint8   (len,)              the kwargs JSON text as UTF-8 bytes
//
// With equal trial lengths (constant timing) no padding occurs.

// WriteNPZ writes the set as a NumPy .npz archive (layout above) to path,
// atomically (temporary file in the same directory, fsync, rename).
func (s *TrialSet) WriteNPZ(path string) error {
	n := len(s.Trials)
	tmax := 0
	for _, tr := range s.Trials {
		tmax = max(tmax, tr.T)
	}
	obsDim := s.Config.ObsDim()
	ob := make([][][]float32, n)
	gt := make([][]int64, n)
	lens := make([]int64, n)
	gts := make([]int64, n)
	cohs := make([]float64, n)
	periods := make([][4][2]int64, n)
	for i, tr := range s.Trials {
		ob[i] = make([][]float32, tmax)
		gt[i] = make([]int64, tmax)
		for t := 0; t < tmax; t++ {
			ob[i][t] = make([]float32, obsDim)
			gt[i][t] = -1
			if t < tr.T {
				copy(ob[i][t], tr.Row(t))
				gt[i][t] = int64(tr.Gt[t])
			}
		}
		lens[i] = int64(tr.T)
		gts[i] = int64(tr.GroundTruth)
		cohs[i] = tr.Coh
		for j, name := range []string{"fixation", "stimulus", "delay", "decision"} {
			a, b := tr.Rows(name)
			periods[i][j] = [2]int64{int64(a), int64(b)}
		}
	}
	kw := s.Kwargs
	if len(kw) == 0 {
		kw = []byte("{}")
	}
	return writeFileAtomic(path, func(f io.Writer) error {
		zw := npz.NewWriter(f)
		for _, e := range []struct {
			name string
			v    any
		}{
			{"ob", ob}, {"gt", gt}, {"trial_len", lens}, {"ground_truth", gts},
			{"coh", cohs}, {"periods", periods}, {"seed", int64(s.Seed)},
			{"dt", s.Config.Dt}, {"sigma_effective", s.Config.SigmaEffective()},
			{"kwargs", append([]uint8(nil), kw...)},
		} {
			if err := zw.Write(e.name+".npy", e.v); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}

// writeFileAtomic writes path atomically (fileio.WriteFile).
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return fileio.WriteFile(path, write)
}
