package train

import (
	"fmt"
	"strings"

	"github.com/taskrnn/taskrnn/model"
)

// MemoryPart is one item of a memory estimate: what is held, the
// configuration fields its size depends on, and its size in bytes.
type MemoryPart struct {
	What   string
	Fields []string
	Bytes  float64
}

// MemoryEstimate is the heap a training run of a configuration holds, by
// part (EstimateMemory).
type MemoryEstimate []MemoryPart

// Total returns the sum of the parts in bytes.
func (e MemoryEstimate) Total() float64 {
	t := 0.0
	for _, p := range e {
		t += p.Bytes
	}
	return t
}

// Largest returns the largest part.
func (e MemoryEstimate) Largest() MemoryPart {
	var big MemoryPart
	for _, p := range e {
		if p.Bytes > big.Bytes {
			big = p
		}
	}
	return big
}

// EstimateMemory estimates the heap that Train holds for cfg, before
// anything is allocated: the weights with their optimiser state and the
// copy kept for divergence (NewTrainer, Trainer.Run), the training graph
// (model.TrainGraphBytes), the batches and noise generated ahead (two
// slots, startProducer), the log of every iteration (Result.Loss and
// Accuracy) and what a checkpoint needs to write the run (the figure and
// model.npz). TestEstimateMemory compares it with the measured heap.
func EstimateMemory(cfg Config) MemoryEstimate {
	cfg = cfg.Canonical()
	mc := cfg.Model()
	T, B, H := float64(cfg.SeqLen), float64(cfg.BatchSize), float64(cfg.NNeurons)
	I := float64(mc.NInput)
	w := model.WeightsBytes(mc)
	return MemoryEstimate{
		{"weights, Adam/RMSprop state and the last good copy", []string{"n_neurons"}, 4 * w},
		{"training graph", []string{"n_neurons", "seq_len", "batch_size"}, model.TrainGraphBytes(mc, cfg.SeqLen, cfg.BatchSize, cfg.GraphKind())},
		{"batches and network noise generated ahead", []string{"seq_len", "batch_size", "n_neurons"}, 2 * 4 * T * B * (I + 1 + H)},
		{"loss and accuracy of every iteration", []string{"n_iteration"}, 16 * float64(cfg.NIteration)},
		// The figure's canvas and up-sampled W_r grid, and model.npz's
		// float64 and float32 copies of the weights.
		{"writing the run (figure and model.npz)", []string{"n_neurons"}, 12e6 + 8*H*H + 3*w},
	}
}

// MemoryError reports a configuration that needs more memory than the
// machine has.
type MemoryError struct {
	What      string // "this run", "this analysis"
	Estimate  float64
	Available model.Available
	Largest   MemoryPart
	Values    string // the fields of Largest with their values, e.g. "n_neurons = 100000"
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("%s would need about %s of memory, more than the %s available; largest part: %s, %s, from %s",
		e.What, model.FormatBytes(e.Estimate), e.Available, e.Largest.What, model.FormatBytes(e.Largest.Bytes), e.Values)
}

// CheckMemory returns a *MemoryError if EstimateMemory(cfg) exceeds the
// memory available to the process (model.AvailableMemory); nil if it fits
// or the available memory cannot be read.
func CheckMemory(cfg Config) error {
	est := EstimateMemory(cfg)
	avail, err := model.AvailableMemory()
	if err != nil || est.Total() <= avail.Bytes {
		return nil
	}
	big := est.Largest()
	return &MemoryError{What: "this run", Estimate: est.Total(), Available: avail, Largest: big, Values: fieldValues(cfg, big.Fields)}
}

// fieldValues formats the named configuration fields with their values.
func fieldValues(cfg Config, fields []string) string {
	vals := map[string]any{"n_neurons": cfg.NNeurons, "seq_len": cfg.SeqLen, "batch_size": cfg.BatchSize, "n_iteration": cfg.NIteration}
	s := make([]string, len(fields))
	for i, f := range fields {
		s[i] = fmt.Sprintf("%s = %v", f, vals[f])
	}
	return strings.Join(s, ", ")
}
