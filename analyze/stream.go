package analyze

import (
	"context"
	"fmt"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// EvalChunk is the number of test trials that go through the forward graph
// together. It is a constant, not a function of the machine's memory, so
// that a seed gives the same trials, noise and results everywhere: chunk k
// holds trials k*EvalChunk, ... and draws its network noise as one
// (T, trials, H) block after chunk k-1's. Tests of up to EvalChunk trials
// are one chunk.
const EvalChunk = 1024

// testPlan is a test of n fresh trials of a task on a network: the
// trials' common padded length T is found first (generating the trials is
// cheap), so that every chunk runs through a graph of T steps.
type testPlan struct {
	cfg  model.Config
	w    *model.Weights
	tcfg data.PDMConfig
	n    int
	seed int64
	T    int
}

// planTest checks the configurations and finds T. Its errors are
// Evaluate's, and ctx's if it is cancelled meanwhile.
func planTest(ctx context.Context, cfg model.Config, w *model.Weights, tcfg data.PDMConfig, nTrials int, seed int64) (*testPlan, error) {
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
	p := &testPlan{cfg: cfg, w: w, tcfg: tcfg, n: nTrials, seed: seed}
	env, err := p.env()
	if err != nil {
		return nil, err
	}
	for n := range nTrials {
		if n%EvalChunk == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("analysis interrupted: %w", ctx.Err())
		}
		p.T = max(p.T, env.NewTrial().T)
	}
	return p, nil
}

// env returns the test environment, seeded apart from every training
// stream.
func (p *testPlan) env() (*data.PerceptualDecisionMaking, error) {
	env, err := data.NewPerceptualDecisionMaking(p.tcfg, data.DeriveSeed(p.seed, "test-task", 0))
	if err != nil {
		return nil, fmt.Errorf("analyze: test environment: %w", err)
	}
	return env, nil
}

// chunkBytes estimates the heap that run holds for one chunk of m trials:
// the forward graph, the time-major inputs and noise, and the chunk's
// Activity (Evaluate's copy of the hidden states and outputs).
func (p *testPlan) chunkBytes(m int) float64 {
	I, H, O, T, M := float64(p.cfg.NInput), float64(p.cfg.NHidden), float64(p.cfg.NOutput), float64(p.T), float64(m)
	return model.ForwardGraphBytes(p.cfg, p.T, m) + 4*T*M*(2*I+2*H+O+1) + 200*M
}

// run evaluates the trials in chunks of EvalChunk, calling fn with each
// chunk's Activity (Choice and Correct filled, T = p.T for every chunk)
// and the index of its first trial. It stops with an error wrapping
// ctx.Err() if ctx is cancelled between chunks, or with fn's error.
func (p *testPlan) run(ctx context.Context, fn func(chunk *Activity, first int) error) error {
	env, err := p.env()
	if err != nil {
		return err
	}
	noise := model.NewNoise(data.DeriveSeed(p.seed, "test-noise", 0))
	I, H, O, T := p.cfg.NInput, p.cfg.NHidden, p.cfg.NOutput, p.T
	var fg *model.ForwardGraph
	fgN := 0
	defer func() {
		if fg != nil {
			fg.Close()
		}
	}()
	for first := 0; first < p.n; first += EvalChunk {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("analysis interrupted after %d of %d trials: %w", first, p.n, err)
		}
		N := min(EvalChunk, p.n-first)
		trials := make([]*data.Trial, N)
		for n := range trials {
			trials[n] = env.NewTrial()
		}
		if fg == nil || fgN != N {
			if fg != nil {
				fg.Close()
			}
			if fg, err = model.NewForwardGraph(p.cfg, p.w, T, N); err != nil {
				return fmt.Errorf("analyze: %w", err)
			}
			fgN = N
		}
		// Time-major inputs (T, N, I) for the graph, zero beyond each trial's end.
		inputs := make([]float32, T*N*I)
		for n, tr := range trials {
			for t := 0; t < tr.T; t++ {
				copy(inputs[(t*N+n)*I:(t*N+n+1)*I], tr.Ob[t*I:(t+1)*I])
			}
		}
		nz := make([]float32, T*N*H)
		noise.Fill(nz)
		hidden, outputs, err := fg.Run(inputs, nz)
		if err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		a, err := NewActivity(N, T, I, H, O)
		if err != nil {
			return err
		}
		a.Dt = p.tcfg.Dt
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
			return err
		}
		if err := fn(a, first); err != nil {
			return err
		}
	}
	return nil
}
