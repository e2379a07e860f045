package analyze

import (
	"fmt"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// Evaluate tests the network (cfg, w) on nTrials fresh trials of the task
// tcfg and returns their Activity with Choice and Correct filled in.
//
// The trials are drawn one after another from a single environment seeded
// with data.DeriveSeed(seed, "test-task", 0), apart from every training
// stream. All trials run together as one batch through a forward-only graph
// (model.NewForwardGraph) with the network noise on, as in the tutorial,
// drawn from model.NewNoise(data.DeriveSeed(seed, "test-noise", 0)) in
// (T, N, H) order. Trials of different lengths are zero-padded at the end to
// the longest, T: the network is causal, so a trial's real steps do not see
// the padding; the padded steps' hidden states and outputs are set to zero
// and Activity.Steps records each trial's length. The choice is read at each
// trial's own last step.
//
// It returns an error if nTrials < 1, a configuration is invalid, the
// network's input or output size does not match the task (1 + dim_ring
// each), or the graph fails.
func Evaluate(cfg model.Config, w *model.Weights, tcfg data.PDMConfig, nTrials int, seed int64) (*Activity, error) {
	if nTrials < 1 {
		return nil, fmt.Errorf("analyze: n_trials = %d, want >= 1", nTrials)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	if err := tcfg.Validate(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	if cfg.NInput != tcfg.ObsDim() || cfg.NOutput != tcfg.ActDim() {
		return nil, fmt.Errorf("analyze: network has %d inputs and %d outputs, the task (dim_ring %d) needs %d and %d",
			cfg.NInput, cfg.NOutput, tcfg.DimRing, tcfg.ObsDim(), tcfg.ActDim())
	}
	env, err := data.NewPerceptualDecisionMaking(tcfg, data.DeriveSeed(seed, "test-task", 0))
	if err != nil {
		return nil, fmt.Errorf("analyze: test environment: %w", err)
	}
	trials := make([]*data.Trial, nTrials)
	T := 0
	for n := range trials {
		trials[n] = env.NewTrial()
		T = max(T, trials[n].T)
	}
	N, I, H, O := nTrials, cfg.NInput, cfg.NHidden, cfg.NOutput

	// Time-major inputs (T, N, I) for the graph, zero beyond each trial's end.
	inputs := make([]float32, T*N*I)
	for n, tr := range trials {
		for t := 0; t < tr.T; t++ {
			copy(inputs[(t*N+n)*I:(t*N+n+1)*I], tr.Ob[t*I:(t+1)*I])
		}
	}
	noise := make([]float32, T*N*H)
	model.NewNoise(data.DeriveSeed(seed, "test-noise", 0)).Fill(noise)

	fg, err := model.NewForwardGraph(cfg, w, T, N)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	hidden, outputs, err := fg.Run(inputs, noise)
	if cerr := fg.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}

	a, err := NewActivity(N, T, I, H, O)
	if err != nil {
		return nil, err
	}
	a.Dt = tcfg.Dt
	for n, tr := range trials {
		a.Steps[n] = tr.T
		a.GroundTruth[n] = tr.GroundTruth
		a.Coh[n] = tr.Coh
		copy(a.Inputs[n*T*I:], tr.Ob[:tr.T*I])
		for t := 0; t < tr.T; t++ {
			a.Target[n*T+t] = int32(tr.Gt[t])
			copy(a.Hidden[(n*T+t)*H:(n*T+t+1)*H], hidden[(t*N+n)*H:(t*N+n+1)*H])
			copy(a.Outputs[(n*T+t)*O:(n*T+t+1)*O], outputs[(t*N+n)*O:(t*N+n+1)*O])
		}
	}
	if err := a.Decide(); err != nil {
		return nil, err
	}
	return a, nil
}
