package analyze

import (
	"fmt"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// Evaluate tests the network (cfg, w) on nTrials fresh trials of task and
// returns their Activity with Choice, Correct and Performance filled in.
//
// The task is reseeded first: the trials are drawn one after another from
// a stream seeded with data.StreamSeed(seed, data.TestTask, 0), apart from
// every training stream by construction. All trials run together as one batch through a
// forward-only graph (model.NewForwardGraph) with the network noise on, as
// in the tutorial, drawn from model.NewNoise(data.DeriveSeed(seed,
// "test-noise", 0)) in (T, N, H) order. Trials of different lengths are
// zero-padded at the end to the longest, T: the network is causal, so a
// trial's real steps do not see the padding; the padded steps' hidden
// states and outputs are set to zero and Activity.Steps records each
// trial's length. The choice is read at each trial's own last step
// (Decide); NeuroGym's performance comes from feeding the network's
// per-step actions through the task's step rule (data.Task.Replay).
//
// It returns an error if nTrials < 1, the configuration is invalid, the
// network's input or output size does not match the task's spaces, drawing
// a trial fails, or the graph fails.
func Evaluate(task data.Task, cfg model.Config, w *model.Weights, nTrials int, seed int64) (*Activity, error) {
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
	task.Seed(data.StreamSeed(seed, data.TestTask, 0))
	trials := make([]*data.Trial, nTrials)
	T := 0
	for n := range trials {
		tr, err := task.NewTrial(nil)
		if err != nil {
			return nil, fmt.Errorf("analyze: test trial %d: %w", n, err)
		}
		trials[n] = tr.Clone()
		T = max(T, tr.T)
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

	a, err := NewActivity(N, T, I, H, O, act.Kind)
	if err != nil {
		return nil, err
	}
	a.Dt = task.Dt()
	a.Task = LabelsOf(task)
	for n, tr := range trials {
		a.Steps[n] = tr.T
		a.Vars[n] = tr.Vars.Clone()
		a.TaskIndex[n] = tr.Task
		a.Periods[n] = append([]data.Period(nil), tr.Periods...)
		copy(a.Inputs[n*T*I:], tr.Ob[:tr.T*I])
		if act.Kind == data.Box {
			copy(a.TargetVec[n*T*O:], tr.GtVec[:tr.T*O])
		}
		for t := 0; t < tr.T; t++ {
			if act.Kind == data.Discrete {
				a.Target[n*T+t] = int32(tr.Gt[t])
			}
			copy(a.Hidden[(n*T+t)*H:(n*T+t+1)*H], hidden[(t*N+n)*H:(t*N+n+1)*H])
			copy(a.Outputs[(n*T+t)*O:(n*T+t+1)*O], outputs[(t*N+n)*O:(t*N+n+1)*O])
		}
	}
	if err := a.Decide(); err != nil {
		return nil, err
	}
	if err := a.Score(task, trials); err != nil {
		return nil, err
	}
	return a, nil
}

// Score fills Performance: trial n's actions (the argmax of the outputs at
// each step, or the output vector for a Box action space) are fed through
// task's step rule with task.Replay(trials[n], ...), which returns
// NeuroGym's performance at the trial's end. trials must be the trials the
// activity was recorded on, in order.
func (a *Activity) Score(task data.Task, trials []*data.Trial) error {
	if len(trials) != a.N {
		return fmt.Errorf("analyze: %d trials for an activity of %d", len(trials), a.N)
	}
	acts := make([]data.Action, a.T)
	vecs := make([]float64, a.T*a.O)
	for n, tr := range trials {
		for t := 0; t < a.Steps[n]; t++ {
			out := a.Outputs[(n*a.T+t)*a.O : (n*a.T+t+1)*a.O]
			if a.ActKind == data.Box {
				v := vecs[t*a.O : (t+1)*a.O]
				for k, x := range out {
					v[k] = float64(x)
				}
				acts[t] = data.Action{Vec: v}
			} else {
				acts[t] = data.DiscreteAction(argmax32(out))
			}
		}
		o, err := task.Replay(tr, acts[:a.Steps[n]])
		if err != nil {
			return fmt.Errorf("analyze: scoring trial %d: %w", n, err)
		}
		a.Performance[n] = o.Performance
	}
	return nil
}
