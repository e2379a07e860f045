package data_test

import (
	"fmt"

	"github.com/taskrnn/taskrnn/data"
)

// goNoGo is a new task declared with the trial engine: its periods and their
// timing, what is shown in each period and the correct output. Observation:
// [fixation cue, go stimulus, no-go stimulus]; actions: 0 = hold, 1 = go.
type goNoGo struct {
	dt      float64
	rng     *data.RandomState
	periods []data.PeriodSpec
}

func newGoNoGo(seed uint32) *goNoGo {
	return &goNoGo{
		dt:  100,
		rng: data.NewRandomState(seed),
		periods: []data.PeriodSpec{
			{Name: "fixation", Timing: data.Constant(100)},
			{Name: "stimulus", Timing: data.Choice(300, 500)},
			{Name: "delay", Timing: data.TruncatedExponential(200, 100, 600)},
			{Name: "decision", Timing: data.Constant(200)},
		},
	}
}

func (g *goNoGo) ObsDim() int { return 3 }

func (g *goNoGo) FillTrial(tr *data.Trial) {
	isGo := g.rng.RandInt(2) // 1 = go trial
	tr.GroundTruth = isGo
	tr.Schedule(g.dt, 3, g.rng, g.periods)
	for _, p := range []string{"fixation", "stimulus", "delay"} {
		tr.AddOb(p, 0, 1) // fixation cue until the decision
	}
	tr.AddOb("stimulus", 2-isGo, 1) // column 1 = go, column 2 = no-go
	tr.AddRandn("stimulus", 1, 3, 0, 0.1, g.rng)
	tr.SetGt("decision", isGo)
}

// Example declares a new task and trains-style batches from it.
func Example() {
	task := newGoNoGo(1)
	var tr data.Trial
	task.FillTrial(&tr)
	fmt.Println("go trial:", tr.GroundTruth == 1, "rows:", tr.T)
	for _, p := range tr.Periods {
		fmt.Printf("%-8s rows [%d, %d)\n", p.Name, p.StartIdx, p.EndIdx)
	}

	d, err := data.NewTaskDataset(func(_ int, seed uint32) (data.Task, error) {
		return newGoNoGo(seed), nil
	}, 4, 20, 0)
	if err != nil {
		panic(err)
	}
	var b data.Batch
	d.Next(&b)
	fmt.Println("batch inputs:", len(b.Inputs), "= 20 x 4 x 3")
	// Output:
	// go trial: true rows: 10
	// fixation rows [0, 1)
	// stimulus rows [1, 6)
	// delay    rows [6, 8)
	// decision rows [8, 10)
	// batch inputs: 240 = 20 x 4 x 3
}

func ExamplePerceptualDecisionMaking_NewTrial() {
	cfg, err := data.ParsePDMKwargs([]byte(`{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}`))
	if err != nil {
		panic(err)
	}
	env, err := data.NewPerceptualDecisionMaking(cfg, 0) // numpy.random.RandomState(0)
	if err != nil {
		panic(err)
	}
	tr := env.NewTrial()
	s, e := tr.Rows("decision")
	fmt.Println("ground truth:", tr.GroundTruth, "coh:", tr.Coh, "T:", tr.T, "decision rows:", s, e)
	fmt.Println("row 5:", tr.Row(5))
	// Output:
	// ground truth: 0 coh: 0 T: 60 decision rows: 55 60
	// row 5: [1 0.56565577 0.6503237]
}

func ExamplePerceptualDecisionMaking_Step() {
	cfg := data.DefaultPDMConfig()
	env, _ := data.NewPerceptualDecisionMaking(cfg, 3)
	env.Reset()
	tr := env.CurrentTrial()
	start, _ := tr.Rows("decision")
	for i := 0; ; i++ {
		action := 0 // hold fixation ...
		if i >= start {
			action = tr.GroundTruth + 1 // ... then report the correct side
		}
		_, reward, info := env.Step(action)
		if info.NewTrial {
			fmt.Println("steps:", i+1, "reward:", reward, "performance:", info.Performance)
			break
		}
	}
	// Output:
	// steps: 22 reward: 1 performance: 1
}

func ExampleNewDataset() {
	cfg := data.DefaultPDMConfig()
	cfg.Dt = 20
	cfg.Timing.Stimulus = data.Constant(1000)
	cfg.Sigma = 0.3
	d, err := data.NewDataset(cfg, 16, 60, 0) // column i seeded DeriveSeed(0, "train-task", i)
	if err != nil {
		panic(err)
	}
	b := data.NewBatch(16, 60, cfg.ObsDim())
	d.Next(b) // reuse b: no allocation
	fmt.Println("cache rows:", d.CacheLen(), "inputs:", len(b.Inputs), "targets:", len(b.Targets))
	fmt.Println("column 0 target at the decision:", b.Targets[55*16+0] > 0)
	// Output:
	// cache rows: 1620 inputs: 2880 targets: 960
	// column 0 target at the decision: true
}
