package data

import (
	"slices"
	"testing"
)

func newTutorialEnv(t *testing.T, mod func(*PDMConfig)) *PerceptualDecisionMaking {
	t.Helper()
	cfg := tutorialConfig()
	if mod != nil {
		mod(&cfg)
	}
	e, err := NewPerceptualDecisionMaking(cfg, 11)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// policy returns the action for row i of tr.
type policy func(tr *Trial, i int) int

// runTrial steps through the current trial with pol until it ends and
// returns the rewards per step and the final info.
func runTrial(t *testing.T, e *PerceptualDecisionMaking, pol policy) ([]float64, StepInfo) {
	t.Helper()
	tr := e.CurrentTrial()
	var rewards []float64
	for i := 0; ; i++ {
		if i > tr.T {
			t.Fatal("trial did not end")
		}
		ob, r, info := e.Step(pol(tr, i))
		rewards = append(rewards, r)
		if info.Gt != tr.Gt[i] {
			t.Fatalf("step %d: info.Gt = %d, want %d", i, info.Gt, tr.Gt[i])
		}
		if info.Trial != tr {
			t.Fatalf("step %d: info.Trial is not the current trial", i)
		}
		if info.NewTrial {
			next := e.CurrentTrial()
			if next == tr || !slices.Equal(ob, next.Row(0)) {
				t.Fatalf("step %d: ended trial must return row 0 of a new trial", i)
			}
			return rewards, info
		}
		if !slices.Equal(ob, tr.Row(i+1)) {
			t.Fatalf("step %d: returned observation is not row %d", i, i+1)
		}
	}
}

func TestStepRewardTable(t *testing.T) {
	fixateThen := func(choice func(tr *Trial) int) policy {
		return func(tr *Trial, i int) int {
			if s, _ := tr.Rows("decision"); i >= s {
				return choice(tr)
			}
			return 0
		}
	}
	correct := func(tr *Trial) int { return tr.GroundTruth + 1 }
	wrong := func(tr *Trial) int { return 2 - tr.GroundTruth }
	breakFix := func(tr *Trial, i int) int {
		if s, e := tr.Rows("fixation"); i >= s && i < e {
			return 1
		}
		return 0
	}
	cases := []struct {
		name  string
		mod   func(*PDMConfig)
		pol   policy
		steps int     // steps until the trial ends
		total float64 // summed reward
		last  float64 // reward of the last step
		perf  float64
	}{
		{"correct at decision onset", nil, fixateThen(correct), 56, 1, 1, 1},
		{"wrong at decision onset", nil, fixateThen(wrong), 56, 0, 0, 0},
		{"custom rewards", func(c *PDMConfig) { c.Rewards = Rewards{Abort: -2, Correct: 5, Fail: -1} }, fixateThen(wrong), 56, -1, -1, 0},
		{"always fixate times out", nil, func(*Trial, int) int { return 0 }, 60, 0, 0, 0},
		{"acting in stimulus is free", nil, func(tr *Trial, i int) int {
			if s, e := tr.Rows("stimulus"); i >= s && i < e {
				return 1
			}
			return 0
		}, 60, 0, 0, 0},
		{"breaking fixation without abort", nil, breakFix, 60, 5 * -0.1, 0, 0},
		{"breaking fixation with abort", func(c *PDMConfig) { c.Abort = true }, breakFix, 1, -0.1, -0.1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newTutorialEnv(t, c.mod)
			for trial := 0; trial < 4; trial++ {
				if trial == 0 {
					e.Reset()
				}
				rewards, info := runTrial(t, e, c.pol)
				if len(rewards) != c.steps {
					t.Fatalf("trial ended after %d steps, want %d", len(rewards), c.steps)
				}
				var sum float64
				for _, r := range rewards {
					sum += r
				}
				if d := sum - c.total; d > 1e-12 || d < -1e-12 {
					t.Errorf("total reward %v, want %v", sum, c.total)
				}
				if rewards[len(rewards)-1] != c.last {
					t.Errorf("last reward %v, want %v", rewards[len(rewards)-1], c.last)
				}
				if info.Performance != c.perf {
					t.Errorf("performance %v, want %v", info.Performance, c.perf)
				}
			}
		})
	}
}

// TestStepWithoutReset: Step starts a trial by itself and consumes the same
// trials as NewTrial.
func TestStepWithoutReset(t *testing.T) {
	a := newTutorialEnv(t, nil)
	b := newTutorialEnv(t, nil)
	a.Step(0)
	if ta, tb := a.CurrentTrial(), b.NewTrial(); !slices.Equal(ta.Ob, tb.Ob) {
		t.Fatal("Step without Reset does not start the first trial")
	}
}

func TestStepBadActionPanics(t *testing.T) {
	e := newTutorialEnv(t, nil)
	defer func() {
		if recover() == nil {
			t.Error("Step(3) with dim_ring 2 did not panic")
		}
	}()
	e.Step(3)
}
