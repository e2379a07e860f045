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
	cfg    model.Config
	w      *model.Weights
	task   data.Task
	labels TaskLabels
	n      int
	seed   int64
	T      int
}

// planTest checks the configurations and finds T. Its errors are
// Evaluate's, and ctx's if it is cancelled meanwhile.
func planTest(ctx context.Context, task data.Task, cfg model.Config, w *model.Weights, nTrials int, seed int64) (*testPlan, error) {
	if nTrials < 1 {
		return nil, fmt.Errorf("analyze: n_trials = %d, want >= 1", nTrials)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	ob, act := task.ObSpace(), task.ActSpace()
	if cfg.NInput != ob.Dim || cfg.NOutput != act.Dim {
		return nil, fmt.Errorf("analyze: network has %d inputs and %d outputs, task %s needs %d and %d",
			cfg.NInput, cfg.NOutput, task.ID(), ob.Dim, act.Dim)
	}
	p := &testPlan{cfg: cfg, w: w, task: task, labels: LabelsOf(task), n: nTrials, seed: seed}
	p.reseed()
	for n := range nTrials {
		if n%EvalChunk == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("analysis interrupted: %w", ctx.Err())
		}
		tr, err := task.NewTrial(nil)
		if err != nil {
			return nil, fmt.Errorf("analyze: test trial %d: %w", n, err)
		}
		p.T = max(p.T, tr.T)
	}
	return p, nil
}

// reseed restarts the test trials: the task's stream seeded
// data.StreamSeed(seed, data.TestTask, 0), apart from every training
// stream by construction.
func (p *testPlan) reseed() { p.task.Seed(data.StreamSeed(p.seed, data.TestTask, 0)) }

// chunkBytes estimates the heap that run holds for one chunk of m trials:
// the forward graph, the time-major inputs and noise, and the chunk's
// Activity (Evaluate's copy of the hidden states and outputs).
func (p *testPlan) chunkBytes(m int) float64 {
	I, H, O, T, M := float64(p.cfg.NInput), float64(p.cfg.NHidden), float64(p.cfg.NOutput), float64(p.T), float64(m)
	return model.ForwardGraphBytes(p.cfg, p.T, m) + 4*T*M*(2*I+2*H+2*O+1) + 400*M
}

// run evaluates the trials in chunks of EvalChunk, calling fn with each
// chunk's Activity (Choice, Correct and Performance filled, T = p.T for
// every chunk) and the index of its first trial. It stops with an error
// wrapping ctx.Err() if ctx is cancelled between chunks, or with fn's
// error.
func (p *testPlan) run(ctx context.Context, fn func(chunk *Activity, first int) error) error {
	p.reseed()
	noise := model.StreamNoise(p.seed, data.TestNoise, 0)
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
			tr, err := p.task.NewTrial(nil)
			if err != nil {
				return fmt.Errorf("analyze: test trial %d: %w", first+n, err)
			}
			trials[n] = tr.Clone()
		}
		var err error
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
		act := p.task.ActSpace().Kind
		a, err := NewActivity(N, T, I, H, O, act)
		if err != nil {
			return err
		}
		a.Dt = p.task.Dt()
		a.Task = p.labels
		for n, tr := range trials {
			a.Steps[n] = tr.T
			a.Vars[n] = tr.Vars
			a.TaskIndex[n] = tr.Task
			a.Periods[n] = tr.Periods
			copy(a.Inputs[n*T*I:], tr.Ob[:tr.T*I])
			if act == data.Box {
				copy(a.TargetVec[n*T*O:], tr.GtVec[:tr.T*O])
			}
			for t := 0; t < tr.T; t++ {
				if act == data.Discrete {
					a.Target[n*T+t] = int32(tr.Gt[t])
				}
				copy(a.Hidden[(n*T+t)*H:(n*T+t+1)*H], hidden[(t*N+n)*H:(t*N+n+1)*H])
				copy(a.Outputs[(n*T+t)*O:(n*T+t+1)*O], outputs[(t*N+n)*O:(t*N+n+1)*O])
			}
		}
		if err := a.Decide(); err != nil {
			return err
		}
		if err := a.Score(p.task, trials); err != nil {
			return err
		}
		if err := fn(a, first); err != nil {
			return err
		}
	}
	return nil
}
