package train

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
)

// checkpoints trains cfg uninterrupted, with a checkpoint after every
// iteration, and returns the result and every checkpoint (weights cloned,
// state written to and read back from checkpoint.npz) by iteration.
func checkpoints(t *testing.T, cfg Config) (*Result, map[int]*Checkpoint) {
	t.Helper()
	cps := map[int]*Checkpoint{}
	save := func(r *Result) error {
		c, err := roundTrip(r)
		if err != nil {
			return err
		}
		cps[r.Completed()] = c
		return nil
	}
	res := mustTrain(t, cfg, Options{CheckpointEvery: time.Nanosecond, Checkpoint: save})
	if err := save(res); err != nil {
		t.Fatal(err)
	}
	return res, cps
}

// roundTrip returns the checkpoint of r as a resumed run reads it: weights
// through model.npz and state through checkpoint.npz.
func roundTrip(r *Result) (*Checkpoint, error) {
	if r.State == nil {
		return nil, fmt.Errorf("no resume state after %d iterations", r.Completed())
	}
	var wb, sb bytes.Buffer
	if err := r.Weights.WriteNPZ(&wb); err != nil {
		return nil, err
	}
	if err := r.State.WriteNPZ(&sb); err != nil {
		return nil, err
	}
	w, err := model.ReadWeightsNPZ(bytes.NewReader(wb.Bytes()), int64(wb.Len()), r.Config.Model())
	if err != nil {
		return nil, err
	}
	s, err := ReadResumeState(bytes.NewReader(sb.Bytes()), int64(sb.Len()))
	if err != nil {
		return nil, err
	}
	return &Checkpoint{Weights: w, State: s}, nil
}

// TestResumeExact: a run resumed from the checkpoint after k iterations
// ends with the weights, log and resume state of the uninterrupted run,
// bit for bit, for both graphs, every optimiser, a multitask schedule and
// period loss weights.
func TestResumeExact(t *testing.T) {
	type tc struct {
		name string
		cfg  func() Config
		ks   []int
	}
	base := func(graph, opt string) func() Config {
		return func() Config {
			c := smallConfig(12)
			c.Graph, c.Optimizer, c.Seed = graph, opt, 5
			return c
		}
	}
	cases := []tc{
		{"fast Adam", base("fast", "Adam"), []int{1, 5, 11, 12}},
		{"fast RMSprop", base("fast", "RMSprop"), []int{4}},
		{"fast SGD", base("fast", "SGD"), []int{7}},
		{"reference Adam", base("reference", "Adam"), []int{3}},
		{"reference RMSprop", base("reference", "RMSprop"), []int{6}},
		{"reference SGD", base("reference", "SGD"), []int{2}},
		{"multitask", func() Config {
			c := smallConfig(10)
			c.Task = TaskList{"yang19.multitask-v0"}
			c.StimLen, c.StimNoise = nil, nil
			c.Dt, c.Tau, c.Seed = 100, 200, 2
			return c
		}, []int{4}},
		{"loss weights", func() Config {
			c := smallConfig(8)
			c.LossWeights = map[string]float64{"decision": 1, "default": 0.2}
			return c
		}, []int{3}},
		{"trial-aligned", func() Config {
			c := smallConfig(8)
			c.TrialAligned, c.SeqLen = true, 110
			return c
		}, []int{5}},
		{"constrained", func() Config { // Dale, a mask, a frozen matrix, regularisers, clipping
			c := smallConfig(10)
			c.Dale, c.RecConnectivity, c.Autapses, c.TrainInput = true, 0.5, false, false
			c.L2Rec, c.L2FiringRate, c.L1Out, c.ClipGradNorm = 1e-3, 1e-2, 1e-4, 0.5
			return c
		}, []int{1, 4, 9}},
		{"constrained reference", func() Config {
			c := smallConfig(6)
			c.Graph, c.Dale, c.RecConnectivity, c.TrainOutput = "reference", true, 0.7, false
			c.L1Rec, c.L2FiringRate, c.ClipGradNorm = 1e-3, 1e-2, 1
			return c
		}, []int{3}},
		{"refills", func() Config { // the cache is refilled (every 10 batches here) before and after k
			c := smallConfig(30)
			c.BatchSize, c.SeqLen = 64, 150
			return c
		}, []int{9, 10, 11, 21}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg().Canonical()
			full, cps := checkpoints(t, cfg)
			for _, k := range c.ks {
				res := mustTrain(t, cfg, Options{Resume: cps[k]})
				if !slices.Equal(res.Loss, full.Loss) || !slices.Equal(nanToNum(res.Accuracy), nanToNum(full.Accuracy)) {
					t.Errorf("resumed after %d: log differs\n%v\n%v", k, res.Loss, full.Loss)
				}
				if !slices.Equal(res.TermNames, full.TermNames) || !slices.EqualFunc(res.Terms, full.Terms, slices.Equal[[]float64]) {
					t.Errorf("resumed after %d: loss terms differ: %q %v, want %q %v", k, res.TermNames, res.Terms, full.TermNames, full.Terms)
				}
				if !equalWeights(res.Weights, full.Weights) {
					t.Errorf("resumed after %d: weights differ", k)
				}
				var a, b bytes.Buffer
				res.State.TrainSeconds, full.State.TrainSeconds = 0, 0
				if err := errorsJoin(res.State.WriteNPZ(&a), full.State.WriteNPZ(&b)); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("resumed after %d: checkpoint.npz differs from the uninterrupted run's", k)
				}
			}
		})
	}
}

func nanToNum(x []float64) []float64 {
	out := slices.Clone(x)
	for i, v := range out {
		if math.IsNaN(v) {
			out[i] = -1
		}
	}
	return out
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// TestResumeLonger: a finished run resumed with a larger n_iteration ends
// as a run trained for that many iterations from the start.
func TestResumeLonger(t *testing.T) {
	cfg := smallConfig(8)
	_, cps := checkpoints(t, cfg)
	cfg.NIteration = 14
	long := mustTrain(t, cfg, Options{})
	res := mustTrain(t, cfg, Options{Resume: cps[8]})
	if !slices.Equal(res.Loss, long.Loss) || !equalWeights(res.Weights, long.Weights) {
		t.Error("a run resumed from 8 to 14 iterations differs from a run of 14")
	}
}

// TestResumeBadCheckpoint: a checkpoint that does not fit the
// configuration, or whose data stream does not repeat, is an error that
// says what is wrong.
func TestResumeBadCheckpoint(t *testing.T) {
	cfg := smallConfig(6)
	_, cps := checkpoints(t, cfg)
	cases := []struct {
		name string
		cfg  func(Config) Config
		cp   func(Checkpoint) *Checkpoint
		want string
	}{
		{"fewer iterations", func(c Config) Config { c.NIteration = 3; return c }, nil, "n_iteration = 3 is below the 4 iterations"},
		{"other seed", func(c Config) Config { c.Seed = 1; return c }, nil, "does not repeat batch 4"},
		{"other optimiser", func(c Config) Config { c.Optimizer = "SGD"; return c }, nil, `state of optimizer "Adam"`},
		{"no noise", nil, func(c Checkpoint) *Checkpoint {
			s := *c.State
			s.Noise = []byte("x")
			c.State = &s
			return &c
		}, "noise state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cf, cp := cfg, cps[4]
			if c.cfg != nil {
				cf = c.cfg(cf)
			}
			if c.cp != nil {
				cp = c.cp(*cp)
			}
			_, err := Train(context.Background(), cf, Options{Resume: cp})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestResumeMaskFile: a run trained with a mask file resumes with the
// mask it was trained with: if the file is gone, from the saved weights
// (ending as the uninterrupted run); if the file now holds another mask,
// resuming is refused, naming the key.
func TestResumeMaskFile(t *testing.T) {
	cfg := smallConfig(6)
	H := cfg.NNeurons
	mask := make([]float32, H*H)
	for i := range mask {
		if (i*7)%3 != 0 {
			mask[i] = 1
		}
	}
	path := filepath.Join(t.TempDir(), "rec_mask.npy")
	write := func(m []float32) {
		t.Helper()
		if err := fileio.WriteFile(path, func(w io.Writer) error { return fileio.WriteNPY(w, m, H, H) }); err != nil {
			t.Fatal(err)
		}
	}
	write(mask)
	cfg.RecMask = path
	cfg = cfg.Canonical()
	full, cps := checkpoints(t, cfg)

	other := slices.Clone(mask)
	other[1] = 1 - other[1]
	write(other)
	if _, err := NewTrainer(cfg, Options{Resume: cps[3]}); err == nil || !strings.Contains(err.Error(), "rec_mask") || !strings.Contains(err.Error(), "another mask") {
		t.Errorf("changed mask file: error %v, want one naming rec_mask", err)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	res := mustTrain(t, cfg, Options{Resume: cps[3]})
	if !slices.Equal(res.Loss, full.Loss) || !equalWeights(res.Weights, full.Weights) || !slices.Equal(res.Weights.RecMask, full.Weights.RecMask) {
		t.Error("resumed without the mask file: the run differs from the uninterrupted one")
	}
}
