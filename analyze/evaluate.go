package analyze

import (
	"context"
	"fmt"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// Evaluate tests the network (cfg, w) on nTrials fresh trials of task and
// returns their Activity, all in memory, with Choice, Correct and
// Performance filled in. RunDir streams the same trials instead, for tests
// larger than memory.
//
// The task is reseeded first: the trials are drawn one after another from
// a stream seeded with data.StreamSeed(seed, data.TestTask, 0), apart from
// every training stream by construction. They run through a forward-only
// graph (model.NewForwardGraph) EvalChunk at a time, with the network
// noise on, as in the tutorial, drawn from the test noise stream in
// (T, trials, H) order chunk after chunk. Trials of different lengths are
// zero-padded at the end to the longest, T: the network is causal, so a
// trial's real steps do not see the padding; the padded steps' hidden
// states and outputs are set to zero and Activity.Steps records each
// trial's length. The choice is read at each trial's own last step
// (Decide); NeuroGym's performance comes from feeding the network's
// per-step actions through the task's step rule (data.Task.Replay, Score).
//
// It returns an error if nTrials < 1, the configuration is invalid, the
// network's input or output size does not match the task's spaces,
// drawing a trial fails, the activity would not fit in memory, or the
// graph fails.
func Evaluate(task data.Task, cfg model.Config, w *model.Weights, nTrials int, seed int64) (*Activity, error) {
	p, err := planTest(context.Background(), task, cfg, w, nTrials, seed)
	if err != nil {
		return nil, err
	}
	I, H, O, T := cfg.NInput, cfg.NHidden, cfg.NOutput, p.T
	est := model.MemoryEstimate{
		{What: "test activity in memory", Fields: []string{"n_trials"}, Bytes: 4 * float64(nTrials) * float64(T) * float64(I+H+2*O+1)},
		{What: "evaluation of one chunk of trials", Fields: []string{"n_neurons"}, Bytes: p.chunkBytes(min(nTrials, EvalChunk))},
	}
	if err := est.Check("this evaluation", func([]string) string { return nTrialsValue(nTrials, cfg.NHidden) }); err != nil {
		return nil, err
	}
	act := task.ActSpace().Kind
	a, err := NewActivity(nTrials, T, I, H, O, act)
	if err != nil {
		return nil, err
	}
	a.Dt = task.Dt()
	a.Task = p.labels
	err = p.run(context.Background(), func(c *Activity, first int) error {
		copy(a.Steps[first:], c.Steps)
		copy(a.Vars[first:], c.Vars)
		copy(a.TaskIndex[first:], c.TaskIndex)
		copy(a.Periods[first:], c.Periods)
		copy(a.Choice[first:], c.Choice)
		copy(a.Correct[first:], c.Correct)
		copy(a.Performance[first:], c.Performance)
		copy(a.Inputs[first*T*I:], c.Inputs)
		copy(a.Hidden[first*T*H:], c.Hidden)
		copy(a.Outputs[first*T*O:], c.Outputs)
		if act == data.Box {
			copy(a.TargetVec[first*T*O:], c.TargetVec)
		} else {
			copy(a.Target[first*T:], c.Target)
		}
		return nil
	})
	if err != nil {
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
