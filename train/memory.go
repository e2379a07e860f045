package train

import (
	"fmt"
	"strings"

	"github.com/taskrnn/taskrnn/model"
)

// EstimateMemory estimates the heap that Train holds for cfg, before
// anything is allocated: the weights with their optimiser state and the
// copy kept for divergence (NewTrainer, Trainer.Run), the training graph
// (model.TrainGraphBytes), the batches and noise generated ahead (two
// slots, startProducer), the log of every iteration (Result.Loss and
// Accuracy) and what a checkpoint needs to write the run (the figure and
// model.npz). TestEstimateMemory compares it with the measured heap.
func EstimateMemory(cfg Config) model.MemoryEstimate {
	cfg = cfg.Canonical()
	mc := cfg.Model()
	T, B, H := float64(cfg.SeqLen), float64(cfg.BatchSize), float64(cfg.NNeurons)
	I, O := float64(mc.NInput), float64(mc.NOutput)
	w := model.WeightsBytes(mc)
	return model.MemoryEstimate{
		{What: "weights, Adam/RMSprop state and the last good copy", Fields: []string{"n_neurons"}, Bytes: 4 * w},
		{What: "training graph", Fields: []string{"n_neurons", "seq_len", "batch_size"}, Bytes: model.TrainGraphBytes(mc, cfg.SeqLen, cfg.BatchSize, cfg.GraphKind())},
		// inputs, targets (an action, or a vector for continuous actions),
		// loss weights and noise
		{What: "batches and network noise generated ahead", Fields: []string{"seq_len", "batch_size", "n_neurons"}, Bytes: 2 * 4 * T * B * (I + O + 1 + H)},
		{What: "loss and accuracy of every iteration", Fields: []string{"n_iteration"}, Bytes: 16 * float64(cfg.NIteration)},
		// The figure's canvas and up-sampled W_r grid, and model.npz's
		// float64 and float32 copies of the weights.
		{What: "writing the run (figure and model.npz)", Fields: []string{"n_neurons"}, Bytes: 12e6 + 8*H*H + 3*w},
	}
}

// CheckMemory returns a *model.MemoryError if EstimateMemory(cfg) exceeds
// the memory available to the process (model.AvailableMemory); nil if it
// fits or the available memory cannot be read.
func CheckMemory(cfg Config) error {
	est := EstimateMemory(cfg)
	return est.Check("this run", func(fields []string) string { return fieldValues(cfg, fields) })
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
