package analyze

import (
	"fmt"
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// ChancePerformance estimates a task's chance level: the mean NeuroGym
// performance of a stimulus-blind agent that knows the task's timing but
// not the trial. It draws nTrials trials (seeded data.StreamSeed(seed,
// data.TestTask, 1)) and replays each trial n with the correct actions of
// another trial m = (n + 1 + k) mod nTrials for a random k: the blind agent
// answers at the right times with the answer of a random trial (fixation
// after m's end). For PerceptualDecisionMaking this is 1/dim_ring; for
// GoNogo 1/2. It returns the mean and its standard error. Errors come from
// drawing or replaying trials, or nTrials < 2.
func ChancePerformance(task data.Task, nTrials int, seed int64) (mean, se float64, err error) {
	if nTrials < 2 {
		return 0, 0, fmt.Errorf("analyze: chance level needs at least 2 trials, got %d", nTrials)
	}
	task.Seed(data.StreamSeed(seed, data.TestTask, 1))
	trials := make([]*data.Trial, nTrials)
	for n := range trials {
		tr, err := task.NewTrial(nil)
		if err != nil {
			return 0, 0, fmt.Errorf("analyze: chance level: %w", err)
		}
		trials[n] = tr.Clone()
	}
	rng := data.StreamSeed(seed, data.TestTask, 2).NewRandomState()
	var sum, sum2 float64
	for n, tr := range trials {
		m := trials[(n+1+rng.RandInt(nTrials-1))%nTrials]
		acts := make([]data.Action, tr.T)
		for t := range acts {
			switch {
			case tr.ActKind == data.Box && t < m.T:
				row := m.GtRow(t)
				v := make([]float64, len(row))
				for k, x := range row {
					v[k] = float64(x)
				}
				acts[t] = data.Action{Vec: v}
			case tr.ActKind == data.Box:
				acts[t] = data.Action{Vec: make([]float64, tr.ActDim)}
			case t < m.T:
				acts[t] = data.DiscreteAction(m.Gt[t])
			}
		}
		out, err := task.Replay(tr, acts)
		if err != nil {
			return 0, 0, fmt.Errorf("analyze: chance level: %w", err)
		}
		sum += out.Performance
		sum2 += out.Performance * out.Performance
	}
	n := float64(nTrials)
	mean = sum / n
	return mean, math.Sqrt(math.Max(0, sum2/n-mean*mean) / n), nil
}
