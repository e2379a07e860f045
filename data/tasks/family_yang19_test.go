package tasks

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// TestYang19Collection: the 20 tasks in the order of NeuroGym's collection,
// as the oracle's multitask golden file lists them.
func TestYang19Collection(t *testing.T) {
	f := readFixture(t, "testdata/golden/yang19_multitask_seed0.json")
	var ids []string
	for _, e := range yang19Collection() {
		ids = append(ids, e.id)
	}
	var want []string
	for _, n := range f.Tasks {
		want = append(want, "yang19."+n+"-v0")
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("collection %v,\nNeuroGym's %v", ids, want)
	}
	s := mustMake(t, "yang19.multitask-v0", "", data.IntSeed(0)).(*data.Schedule)
	if s.ObSpace().Dim != 53 || s.ActSpace().Dim != 17 || len(s.Envs()) != 20 {
		t.Errorf("schedule: %d inputs, %d actions, %d tasks; want 53, 17, 20", s.ObSpace().Dim, s.ActSpace().Dim, len(s.Envs()))
	}
	for i, e := range s.Envs() {
		if e.ID() != want[i] {
			t.Errorf("task %d of the schedule is %s, want %s", i, e.ID(), want[i])
		}
	}
}

// stepCase is one case of testdata/yang19_steps.json (made by
// yang19_steps.py with NeuroGym's env.step).
type stepCase struct {
	Task   string          `json:"task"`
	Kwargs json.RawMessage `json:"kwargs"`
	Seed   uint32          `json:"seed"`
	Trials []struct {
		Policy      string    `json:"policy"`
		Rewards     []float64 `json:"rewards"`
		Performance float64   `json:"performance"`
	} `json:"trials"`
}

// yang19Policy is the policy of yang19_steps.py.
func yang19Policy(policy string, e *data.Env) int {
	gt := e.GtNow()
	switch policy {
	case "gt":
		return gt
	case "break":
		if e.TInd() == 1 {
			return 1
		}
		return gt
	case "wrong":
		if !e.InPeriod("decision") {
			return 0
		}
		if gt != 0 {
			return gt%(e.ActSpace().Dim-1) + 1
		}
		return 1
	}
	return 0
}

// TestYang19Steps plays the policies of yang19_steps.py through Env.Step
// and compares every step's reward, where each trial ends and its
// performance with NeuroGym's env.step; Replay of the same trial and actions
// must agree.
func TestYang19Steps(t *testing.T) {
	b, err := os.ReadFile("testdata/yang19_steps.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []stepCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Task+string(c.Kwargs), func(t *testing.T) {
			e := mustMake(t, c.Task, string(c.Kwargs), data.IntSeed(c.Seed)).(*data.Env)
			if _, err := e.NewTrial(nil); err != nil {
				t.Fatal(err)
			}
			for k, want := range c.Trials {
				tr := e.Trial().Clone()
				var rewards []float64
				var actions []data.Action
				for {
					a := data.DiscreteAction(yang19Policy(want.Policy, e))
					actions = append(actions, a)
					_, r, info, err := e.Step(a)
					if err != nil {
						t.Fatal(err)
					}
					rewards = append(rewards, r)
					if info.NewTrial {
						if info.Performance != want.Performance {
							t.Errorf("trial %d (%s): performance %v, NeuroGym %v", k, want.Policy, info.Performance, want.Performance)
						}
						break
					}
					if len(rewards) > len(want.Rewards) {
						break
					}
				}
				if !slices.Equal(rewards, want.Rewards) {
					t.Fatalf("trial %d (%s): rewards %v,\nNeuroGym %v", k, want.Policy, rewards, want.Rewards)
				}
				out, err := e.Replay(tr, actions)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for _, r := range want.Rewards {
					sum += r
				}
				if out.Performance != want.Performance || out.Steps != len(want.Rewards) || math.Abs(out.Reward-sum) > 1e-12 {
					t.Errorf("trial %d (%s): Replay %+v, want performance %v in %d steps, reward %v", k, want.Policy, out, want.Performance, len(want.Rewards), sum)
				}
			}
		})
	}
}

// TestYang19ReplayTarget: replaying the target actions of a trial scores
// performance 1, ending the trial at the first decision step, for every
// trial with a response; the no-go trials of the delayed match tasks (all
// targets 0) end at their last step with performance 0, as NeuroGym's
// perfect agent scores them. Every task alone and in the schedule.
func TestYang19ReplayTarget(t *testing.T) {
	ids := []string{yang19MultitaskID}
	for _, e := range yang19Collection() {
		ids = append(ids, e.id)
	}
	for _, id := range ids {
		for _, kw := range []string{`{}`, `{"dt": 20}`} {
			task := mustMake(t, id, kw, data.IntSeed(31))
			nogo := 0
			for k := 0; k < 60; k++ {
				tr, err := task.NewTrial(nil)
				if err != nil {
					t.Fatal(err)
				}
				tr = tr.Clone()
				actions := make([]data.Action, tr.T)
				first := -1
				for i, g := range tr.Gt {
					actions[i] = data.DiscreteAction(g)
					if g != 0 && first < 0 {
						first = i
					}
				}
				out, err := task.Replay(tr, actions)
				if err != nil {
					t.Fatal(err)
				}
				if first < 0 {
					nogo++
					if out.Performance != 0 || out.Steps != tr.T {
						t.Fatalf("%s %s trial %d (no-go): %+v, want performance 0 after all %d steps", id, kw, k, out, tr.T)
					}
					continue
				}
				if out.Performance != 1 || out.Steps != first+1 || out.Reward != 1 {
					t.Fatalf("%s %s trial %d: %+v, want performance 1 and reward 1 at step %d", id, kw, k, out, first+1)
				}
			}
			isMatch := strings.Contains(id, ".dms") || strings.Contains(id, ".dnms") || strings.Contains(id, ".dmc") || strings.Contains(id, ".dnmc")
			if (nogo > 0) != (isMatch || id == yang19MultitaskID) {
				t.Errorf("%s %s: %d no-go trials in 60", id, kw, nogo)
			}
		}
	}
}

// stimulusColumns returns the columns 1..32 that are non-zero in any row.
func stimulusColumns(tr *data.Trial) []int {
	var cols []int
	for c := 1; c < tr.ObsDim; c++ {
		for r := 0; r < tr.T; r++ {
			if tr.Ob[r*tr.ObsDim+c] != 0 {
				cols = append(cols, c)
				break
			}
		}
	}
	return cols
}

// TestYang19ModalityTurns: a two-modality task shows trial 2k in inputs
// 1..16 and trial 2k+1, with the same trial variables, in inputs 17..32;
// reseeding restarts at the first copy wherever the turn was; a second-copy
// trial that fails is drawn again by the next call.
func TestYang19ModalityTurns(t *testing.T) {
	for _, id := range []string{"yang19.go-v0", "yang19.dnmc-v0"} {
		e := mustMake(t, id, "", data.IntSeed(3)).(*data.Env)
		var trials []*data.Trial
		for k := 0; k < 6; k++ {
			tr, err := e.NewTrial(nil)
			if err != nil {
				t.Fatal(err)
			}
			trials = append(trials, tr.Clone())
		}
		for k, tr := range trials {
			cols := stimulusColumns(tr)
			lo, hi := 1, 16
			if k%2 == 1 {
				lo, hi = 17, 32
			}
			if len(cols) == 0 || cols[0] < lo || cols[len(cols)-1] > hi {
				t.Errorf("%s trial %d: stimulus in inputs %v, want within %d..%d", id, k, cols, lo, hi)
			}
			if k%2 == 1 && tr.Vars.JSON() != trials[k-1].Vars.JSON() {
				t.Errorf("%s trial %d: %s, want the variables of trial %d %s", id, k, tr.Vars.JSON(), k-1, trials[k-1].Vars.JSON())
			}
		}
		if trials[0].Vars.JSON() == trials[2].Vars.JSON() && trials[2].Vars.JSON() == trials[4].Vars.JSON() {
			t.Errorf("%s: trials 0, 2 and 4 are the same", id)
		}
		for _, drawn := range []int{1, 2, 3} { // reseed after a first- or second-copy trial
			e.Seed(data.IntSeed(3))
			for k := 0; k < drawn; k++ {
				e.NewTrial(nil)
			}
			e.Seed(data.IntSeed(3))
			for k := 0; k < 2; k++ {
				tr, _ := e.NewTrial(nil)
				if !slices.Equal(tr.Ob, trials[k].Ob) {
					t.Errorf("%s: after %d trials and a reseed, trial %d differs from the first run's", id, drawn, k)
				}
			}
		}
		e.Seed(data.IntSeed(3))
		e.NewTrial(nil)
		var bad data.Vars
		bad.SetInt("ground_truth", 99)
		if strings.Contains(id, "dnmc") {
			bad.SetString("ground_truth", "maybe")
		}
		if _, err := e.NewTrial(&bad); err == nil {
			t.Fatalf("%s: forced ground_truth %s accepted", id, bad.JSON())
		}
		tr, err := e.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tr.Ob, trials[1].Ob) {
			t.Errorf("%s: after a failed second-copy trial the next trial is not that trial", id)
		}
	}
}

// TestYang19ForcedVariables: _Reach and _DelayMatch1DResponse apply forced
// trial variables (trial.update(kwargs)); _DMFamily ignores them in
// NeuroGym, so they are refused.
func TestYang19ForcedVariables(t *testing.T) {
	e := mustMake(t, "yang19.go-v0", "", data.IntSeed(1)).(*data.Env)
	var c data.Vars
	c.SetInt("ground_truth", 3)
	c.SetBool("anti", true)
	tr, err := e.NewTrial(&c)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Vars.JSON() != `{"ground_truth": 3, "anti": true}` {
		t.Errorf("trial %s", tr.Vars.JSON())
	}
	p, _ := tr.Period("stimulus")
	row := tr.Row(p.StartIdx)
	peak := 1
	for k := 1; k <= 16; k++ {
		if row[k] > row[peak] {
			peak = k
		}
	}
	if peak != 1+(3+8)%16 || row[peak] != float32(0.8) {
		t.Errorf("anti stimulus peak at input %d (%v), want input %d with 0.8", peak, row[peak], 1+(3+8)%16)
	}
	if g := tr.Gt[len(tr.Gt)-1]; g != 4 {
		t.Errorf("target %d, want choice 3 = action 4", g)
	}

	for _, bad := range []func(*data.Vars){
		func(v *data.Vars) { v.SetInt("ground_truth", 16) },
		func(v *data.Vars) { v.SetInt("ground_truth", -1) },
		func(v *data.Vars) { v.SetInt("anti", 1) },
	} {
		var v data.Vars
		bad(&v)
		if _, err := e.NewTrial(&v); err == nil {
			t.Errorf("yang19.go-v0 accepted forced %s", v.JSON())
		}
	}

	m := mustMake(t, "yang19.dms-v0", "", data.IntSeed(1)).(*data.Env)
	var nm data.Vars
	nm.SetString("ground_truth", "non-match")
	for k := 0; k < 4; k++ {
		tr, err := m.NewTrial(&nm)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Vars.String("ground_truth") != "non-match" || slices.Max(tr.Gt) != 0 {
			t.Errorf("forced non-match: %s, max target %d (want no-go)", tr.Vars.JSON(), slices.Max(tr.Gt))
		}
	}

	dm := mustMake(t, "yang19.dm1-v0", "", data.IntSeed(1)).(*data.Env)
	var gt data.Vars
	gt.SetInt("ground_truth", 1)
	if _, err := dm.NewTrial(&gt); err == nil || !strings.Contains(err.Error(), "ignores") {
		t.Errorf("yang19.dm1-v0 with a forced variable: %v", err)
	}
}

// TestYang19Schedule checks the schedule's own keywords against the tasks
// alone: with the sequential schedule trial k is task k mod 20's trial
// k div 20, with its rule input; without rule inputs the observation is the
// tasks' 33 inputs.
func TestYang19Schedule(t *testing.T) {
	s := mustMake(t, "yang19.multitask-v0", `{"schedule": "sequential", "dt": 50}`, data.IntSeed(9)).(*data.Schedule)
	plain := mustMake(t, "yang19.multitask-v0", `{"schedule": "sequential", "dt": 50, "env_input": false}`, data.IntSeed(9)).(*data.Schedule)
	if plain.ObSpace().Dim != 33 || data.SpaceJSON(plain.ObSpace()) != data.SpaceJSON(plain.Envs()[0].ObSpace()) {
		t.Errorf("without rule inputs: observation space %s", data.SpaceJSON(plain.ObSpace()))
	}
	alone := make([]data.Task, 20)
	for i, e := range yang19Collection() {
		alone[i] = mustMake(t, e.id, `{"dt": 50}`, data.IntSeed(9))
	}
	for k := 0; k < 45; k++ {
		tr, err := s.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		pt, err := plain.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := alone[k%20].NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Task != k%20 || pt.Task != k%20 {
			t.Fatalf("trial %d from tasks %d and %d, want %d", k, tr.Task, pt.Task, k%20)
		}
		if tr.Vars.JSON() != want.Vars.JSON() || !slices.Equal(pt.Ob, want.Ob) || !slices.Equal(tr.Gt, want.Gt) {
			t.Fatalf("trial %d differs from %s's trial %d", k, alone[k%20].ID(), k/20)
		}
		for r := 0; r < tr.T; r++ {
			row := tr.Row(r)
			if !slices.Equal(row[:33], want.Row(r)) {
				t.Fatalf("trial %d row %d: task inputs differ", k, r)
			}
			for i, v := range row[33:] {
				if w := float32(0); i == k%20 && v != 1 || i != k%20 && v != w {
					t.Fatalf("trial %d row %d: rule inputs %v, want input %d on", k, r, row[33:], k%20)
				}
			}
		}
	}
}

// TestYang19Info: every task's conditions are variables of its trials.
func TestYang19Info(t *testing.T) {
	for _, e := range yang19Collection() {
		task := mustMake(t, e.id, "", data.IntSeed(0))
		info := task.Info()
		if info.Summary == "" || info.Paper == "" || len(info.Conditions) == 0 {
			t.Errorf("%s: incomplete info %+v", e.id, info)
		}
		tr, err := task.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range info.Conditions {
			if !tr.Vars.Has(c) {
				t.Errorf("%s: condition %s is not a trial variable of %s", e.id, c, tr.Vars.JSON())
			}
		}
		d, err := Describe(e.id)
		if err != nil || d.ObSpace.Dim != 33 || d.ActSpace.Dim != 17 {
			t.Errorf("Describe(%s) = %+v, %v", e.id, d, err)
		}
	}
}

// TestYang19BadKwargs: bad keywords are errors that name the keyword (and
// the task, within the schedule) and what is allowed.
func TestYang19BadKwargs(t *testing.T) {
	cases := []struct {
		id, kwargs string
		want       []string
	}{
		{"yang19.go-v0", `{"anti": true}`, []string{`unknown keyword "anti"`, "allowed: dt, rewards, reaction, timing, dim_ring"}},
		{"yang19.rtgo-v0", `{"reaction": false}`, []string{`unknown keyword "reaction"`}},
		{"yang19.rtgo-v0", `{"timing": {"stimulus": 100}}`, []string{`unknown period "stimulus"`, "allowed: fixation, decision"}},
		{"yang19.dlygo-v0", `{"timing": {"delay": 100}}`, []string{`unknown keyword "timing"`}},
		{"yang19.go-v0", `{"dim_ring": 61}`, []string{"dim_ring", "62 points"}},
		{"yang19.anti-v0", `{"dim_ring": 1}`, []string{"dim_ring", ">= 2"}},
		{"yang19.go-v0", `{"dim_ring": 2.5}`, []string{"dim_ring", "integer"}},
		{"yang19.go-v0", `{"dim_ring": 1000000}`, []string{"dim_ring", "at most 100000"}},
		{"yang19.go-v0", `{"reaction": "yes"}`, []string{"reaction", "true or false"}},
		{"yang19.go-v0", `{"timing": {"fixation": ["TruncExp", [100, 50, 300]]}}`, []string{"timing.fixation", "TruncExp"}},
		{"yang19.go-v0", `{"dt": 0}`, []string{"dt", "> 0"}},
		{"yang19.go-v0", `{"dt": 1000}`, []string{"timing.decision", "dt"}},
		{"yang19.go-v0", `{"rewards": {"miss": 1}}`, []string{`unknown reward "miss"`}},
		{"yang19.dm1-v0", `{"cohs": []}`, []string{"cohs", "at least 1"}},
		{"yang19.dlydm1-v0", `{"cohs": [0.5]}`, []string{"cohs", "at least 2"}},
		{"yang19.dm1-v0", `{"delaycomparison": true, "cohs": [0.5]}`, []string{"cohs", "at least 2"}},
		{"yang19.dm1-v0", `{"cohs": ["a"]}`, []string{"cohs"}},
		{"yang19.dm1-v0", `{"cohs": [1e9]}`, []string{"cohs", "[-1e+06, 1e+06]"}},
		{"yang19.dm1-v0", `{"w_mod": [1]}`, []string{"w_mod", "at least 2"}},
		{"yang19.dm1-v0", `{"w_mod": [1, 2, 3]}`, []string{"w_mod", "want 2"}},
		{"yang19.dm1-v0", `{"stim_mod": [true]}`, []string{"stim_mod", "two booleans"}},
		{"yang19.dm1-v0", `{"stim_mod": [1, 0]}`, []string{"stim_mod", "two booleans"}},
		{"yang19.dm1-v0", `{"sigma": -1}`, []string{"sigma", ">= 0"}},
		{"yang19.dm1-v0", `{"timing": {"stim1": 100}}`, []string{`unknown period "stim1"`}},
		{"yang19.dlydm1-v0", `{"timing": {"stimulus": 100}}`, []string{`unknown period "stimulus"`}},
		{"yang19.dm1-v0", `{"matchto": "sample"}`, []string{`unknown keyword "matchto"`}},
		{"yang19.dms-v0", `{"dim_ring": 7}`, []string{"dim_ring", "even"}},
		{"yang19.dms-v0", `{"matchgo": false}`, []string{`unknown keyword "matchgo"`}},
		{"yang19.dmc-v0", `{"timing": {"stimulus": 100}}`, []string{`unknown period "stimulus"`}},
		{"yang19.multitask-v0", `{"schedule": "block"}`, []string{"schedule", "random, sequential"}},
		{"yang19.multitask-v0", `{"env_input": 1}`, []string{"env_input", "true or false"}},
		{"yang19.multitask-v0", `{"timing": {"stim3": 100}}`, []string{"timing", "stim3", "no task has"}},
		{"yang19.multitask-v0", `{"timing": [100]}`, []string{"timing", "object"}},
		{"yang19.multitask-v0", `{"timing": {"fixation": "long"}}`, []string{"yang19.go-v0", "timing.fixation"}},
		{"yang19.multitask-v0", `{"dim_ring": 7}`, []string{"yang19.dms-v0", "even"}},
		{"yang19.multitask-v0", `{"dim_ring": 61}`, []string{"yang19.go-v0", "62 points"}},
		{"yang19.multitask-v0", `{"sigma": 1}`, []string{`unknown keyword "sigma"`, "allowed: dt, rewards, timing, dim_ring, schedule, env_input"}},
		{"yang19.multitask-v0", `{"dt": -1}`, []string{"dt", "> 0"}},
		{"yang19.multitask-v0", `{"rewards": {"correct": "high"}}`, []string{"rewards", "correct"}},
	}
	for _, c := range cases {
		_, err := Make(c.id, []byte(c.kwargs), data.IntSeed(0))
		if err == nil {
			t.Errorf("Make(%s, %s): no error", c.id, c.kwargs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Make(%s, %s): error %q does not contain %q", c.id, c.kwargs, err, w)
			}
		}
	}
}
