package analyze

import (
	"context"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// Evaluate tests the network (cfg, w) on nTrials fresh trials of the task
// tcfg and returns their Activity, all in memory, with Choice and Correct
// filled in. RunDir streams the same trials instead, for tests larger than
// memory.
//
// The trials are drawn one after another from a single environment seeded
// with data.DeriveSeed(seed, "test-task", 0), apart from every training
// stream. They run through a forward-only graph (model.NewForwardGraph)
// EvalChunk at a time, with the network noise on, as in the tutorial,
// drawn from model.NewNoise(data.DeriveSeed(seed, "test-noise", 0)) in
// (T, trials, H) order chunk after chunk. Trials of different lengths are
// zero-padded at the end to the longest, T: the network is causal, so a
// trial's real steps do not see the padding; the padded steps' hidden
// states and outputs are set to zero and Activity.Steps records each
// trial's length. The choice is read at each trial's own last step.
//
// It returns an error if nTrials < 1, a configuration is invalid, the
// network's input or output size does not match the task (1 + dim_ring
// each), the activity would not fit in memory, or the graph fails.
func Evaluate(cfg model.Config, w *model.Weights, tcfg data.PDMConfig, nTrials int, seed int64) (*Activity, error) {
	p, err := planTest(context.Background(), cfg, w, tcfg, nTrials, seed)
	if err != nil {
		return nil, err
	}
	I, H, O, T := cfg.NInput, cfg.NHidden, cfg.NOutput, p.T
	est := model.MemoryEstimate{
		{What: "test activity in memory", Fields: []string{"n_trials"}, Bytes: 4 * float64(nTrials) * float64(T) * float64(I+H+O+1)},
		{What: "evaluation of one chunk of trials", Fields: []string{"n_neurons"}, Bytes: p.chunkBytes(min(nTrials, EvalChunk))},
	}
	if err := est.Check("this evaluation", func([]string) string { return nTrialsValue(nTrials, cfg.NHidden) }); err != nil {
		return nil, err
	}
	a, err := NewActivity(nTrials, T, I, H, O)
	if err != nil {
		return nil, err
	}
	a.Dt = tcfg.Dt
	err = p.run(context.Background(), func(c *Activity, first int) error {
		copy(a.Steps[first:], c.Steps)
		copy(a.GroundTruth[first:], c.GroundTruth)
		copy(a.Coh[first:], c.Coh)
		copy(a.Choice[first:], c.Choice)
		copy(a.Correct[first:], c.Correct)
		copy(a.Inputs[first*T*I:], c.Inputs)
		copy(a.Hidden[first*T*H:], c.Hidden)
		copy(a.Outputs[first*T*O:], c.Outputs)
		copy(a.Target[first*T:], c.Target)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
