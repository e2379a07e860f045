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

// memoryIDs are the tasks of family_memory.go.
func memoryIDs() []string {
	var ids []string
	for _, e := range memoryTasks() {
		ids = append(ids, e.id)
	}
	return ids
}

// nthTrial makes task id with kwargs and seed and returns it with its trial
// number n (0-based) as the current trial.
func nthTrial(t *testing.T, id string, kwargs []byte, seed uint32, n int) (*data.Env, *data.Trial) {
	t.Helper()
	task, err := Make(id, kwargs, data.IntSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	var tr *data.Trial
	for i := 0; i <= n; i++ {
		if tr, err = task.NewTrial(nil); err != nil {
			t.Fatal(err)
		}
	}
	return task.Envs()[0], tr
}

func actionsOf(idx []int) []data.Action {
	out := make([]data.Action, len(idx))
	for i, a := range idx {
		out[i] = data.DiscreteAction(a)
	}
	return out
}

// TestMemoryStepRule replays action sequences on the first trials of every
// memory task and compares each step's reward, where the trial ends and its
// performance with the real NeuroGym's TrialEnv.step (testdata/
// memory_steps.json, written by testdata/memory_steps.py): through Env.Step
// step by step, and through Replay (what analysis uses).
func TestMemoryStepRule(t *testing.T) {
	b, err := os.ReadFile("testdata/memory_steps.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Task        string          `json:"task"`
		Kwargs      json.RawMessage `json:"kwargs"`
		Seed        uint32          `json:"seed"`
		Trial       int             `json:"trial"`
		Name        string          `json:"name"`
		Actions     []int           `json:"actions"`
		Rewards     []float64       `json:"rewards"`
		Performance float64         `json:"performance"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.Task] = true
		name := c.Task + " " + string(c.Kwargs) + " trial " + itoa(c.Trial) + " " + c.Name
		e, tr := nthTrial(t, c.Task, c.Kwargs, c.Seed, c.Trial)
		if c.Name == "gt" && !slices.Equal(tr.Gt, c.Actions) {
			t.Fatalf("%s: targets %v, NeuroGym's %v", name, tr.Gt, c.Actions)
		}
		acts := actionsOf(c.Actions)
		out, err := e.Replay(tr, acts)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, r := range c.Rewards {
			sum += r
		}
		if out.Steps != len(c.Rewards) || out.Reward != sum || out.Performance != c.Performance || out.Ended != (len(c.Rewards) < tr.T) {
			t.Errorf("%s: Replay %+v, NeuroGym %d steps, reward %v, performance %v", name, out, len(c.Rewards), sum, c.Performance)
		}
		for k, a := range acts[:len(c.Rewards)] {
			_, r, info, err := e.Step(a)
			if err != nil {
				t.Fatal(err)
			}
			last := k == len(c.Rewards)-1
			if r != c.Rewards[k] || info.NewTrial != last || last && info.Performance != c.Performance {
				t.Errorf("%s: step %d: reward %v new trial %v performance %v, NeuroGym %v %v %v",
					name, k, r, info.NewTrial, info.Performance, c.Rewards[k], last, c.Performance)
				break
			}
		}
	}
	for _, id := range memoryIDs() {
		if !seen[id] {
			t.Errorf("%s has no step-rule case", id)
		}
	}
}

// TestMemoryPerfectAgent: answering with the targets scores performance 1 on
// every trial, for default keywords and dt 20 (for DelayPairedAssociation's
// No-Go trials too: see its doc comment).
func TestMemoryPerfectAgent(t *testing.T) {
	for _, id := range memoryIDs() {
		for _, kw := range []string{`{}`, `{"dt": 20}`} {
			task := mustMake(t, id, kw, data.IntSeed(21))
			for i := 0; i < 25; i++ {
				tr, err := task.NewTrial(nil)
				if err != nil {
					t.Fatal(err)
				}
				out, err := task.Replay(tr, actionsOf(tr.Gt))
				if err != nil {
					t.Fatal(err)
				}
				if out.Performance != 1 {
					t.Errorf("%s %s trial %d (%s): performance %v with the targets", id, kw, i, tr.Vars.JSON(), out.Performance)
				}
			}
		}
	}
}

// TestMemoryFixationBreak: an action in the fixation period costs
// rewards["abort"] and the trial goes on (NeuroGym's abort is False in every
// memory task); the targets afterwards still score 1.
func TestMemoryFixationBreak(t *testing.T) {
	for _, c := range []struct{ id, kwargs string }{
		{"DelayComparison-v0", `{"rewards": {"abort": -0.25}}`},
		{"DelayMatchCategory-v0", `{"rewards": {"abort": -0.25}}`},
		{"DelayMatchSample-v0", `{"rewards": {"abort": -0.25}}`},
		{"DelayMatchSampleDistractor1D-v0", `{"rewards": {"abort": -0.25}}`},
		{"DelayPairedAssociation-v0", `{"rewards": {"abort": -0.25}, "timing": {"fixation": 300}}`},
		{"DualDelayMatchSample-v0", `{"rewards": {"abort": -0.25}}`},
		{"IntervalDiscrimination-v0", `{"rewards": {"abort": -0.25}}`},
	} {
		task := mustMake(t, c.id, c.kwargs, data.IntSeed(4))
		for i := 0; i < 6; i++ {
			tr, _ := task.NewTrial(nil)
			acts := actionsOf(tr.Gt)
			perfect, _ := task.Replay(tr, acts)
			fix, _ := tr.Period("fixation")
			for k := fix.StartIdx; k < fix.EndIdx; k++ {
				acts[k] = data.DiscreteAction(1)
			}
			out, err := task.Replay(tr, acts)
			if err != nil {
				t.Fatal(err)
			}
			want := perfect.Reward
			for k := fix.StartIdx; k < fix.EndIdx; k++ {
				want += -0.25
			}
			if fix.Steps() == 0 || out.Steps != perfect.Steps || out.Performance != 1 || math.Abs(out.Reward-want) > 1e-12 {
				t.Errorf("%s trial %d: breaking fixation for %d steps: %+v, want %d steps, reward %v, performance 1",
					c.id, i, fix.Steps(), out, perfect.Steps, want)
			}
		}
	}
}

// TestMemoryInfo: every task's Conditions and Evidence name variables of its
// trials, Evidence favours the right answer, and its answer periods are
// timed periods.
func TestMemoryInfo(t *testing.T) {
	for _, id := range memoryIDs() {
		task := mustMake(t, id, `{}`, data.IntSeed(2))
		info := task.Info()
		if info.Summary == "" || info.Paper == "" || !strings.HasPrefix(info.Link, "https://") || len(info.Tags) == 0 || len(info.Conditions) == 0 {
			t.Errorf("%s: incomplete TaskInfo %+v", id, info)
		}
		for _, p := range task.Envs()[0].Spec().AnswerPeriods {
			if !task.Envs()[0].Spec().Timing.Has(p) {
				t.Errorf("%s: answer period %q has no timing", id, p)
			}
		}
		for i := 0; i < 20; i++ {
			tr, _ := task.NewTrial(nil)
			for _, c := range info.Conditions {
				if !tr.Vars.Has(c) {
					t.Fatalf("%s: condition %q is not a trial variable (%s)", id, c, tr.Vars.JSON())
				}
			}
			if ev := info.Evidence; ev != nil {
				x := ev.Value(&tr.Vars)
				p, _ := tr.Period("decision")
				if answer := tr.Gt[p.StartIdx]; (x > 0) != (answer == ev.Positive) {
					t.Errorf("%s: evidence %v for target %d (%s)", id, x, answer, tr.Vars.JSON())
				}
			}
		}
	}
}

func TestMemoryKwargsErrors(t *testing.T) {
	for _, c := range []struct{ id, kwargs, want string }{
		{"DelayComparison-v0", `{"vpair": [[1, 2]]}`, `unknown keyword "vpair" (did you mean "vpairs"?) (allowed: dt, rewards, timing, vpairs, sigma)`},
		{"DelayComparison-v0", `{"vpairs": []}`, "vpairs: []: want a non-empty list of pairs"},
		{"DelayComparison-v0", `{"vpairs": [[18, 10, 2]]}`, "vpairs: element 0 has 3 values: want a pair"},
		{"DelayComparison-v0", `{"vpairs": [[18, "a"]]}`, `vpairs: element 0: "a" is not a number`},
		{"DelayComparison-v0", `{"vpairs": [[5, 5], [5, 5]]}`, "vpairs: every value is 5: the stimulus scaling"},
		{"DelayComparison-v0", `{"sigma": -1}`, "sigma: -1 must be a finite number >= 0"},
		{"DelayComparison-v0", `{"dt": 0}`, "dt: 0 must be a finite number > 0"},
		{"DelayMatchCategory-v0", `{"dim_ring": 0}`, "dim_ring: 0 must be a finite number >= 1"},
		{"DelayMatchCategory-v0", `{"dim_ring": 2.5}`, "dim_ring: 2.5: want an integer"},
		{"DelayMatchCategory-v0", `{"timing": {"decision": 100}}`, `unknown period "decision" (allowed: fixation, sample, first_delay, test)`},
		{"DelayMatchCategory-v0", `{"dt": 700}`, "timing.test can be 650 ms, shorter than dt = 700 ms"},
		{"DelayMatchSample-v0", `{"dim_ring": "two"}`, `dim_ring: "two": want an integer`},
		{"DelayMatchSample-v0", `{"rewards": {"miss": 1}}`, `unknown reward "miss"`},
		{"DelayMatchSampleDistractor1D-v0", `{"dt": 600}`, "timing.test1 can be 500 ms, shorter than dt = 600 ms"},
		{"DelayMatchSampleDistractor1D-v0", `{"sigma": "a"}`, `sigma: "a": want a number`},
		{"DelayPairedAssociation-v0", `{"timing": {"decision": 0}}`, "timing.decision can be 0 ms"},
		{"DelayPairedAssociation-v0", `{"rewards": {"miss": "x"}}`, `rewards: miss = "x": want a finite number`},
		{"DualDelayMatchSample-v0", `{"timing": {"test2": 50}}`, "timing.test2 can be 50 ms, shorter than dt = 100 ms"},
		{"DualDelayMatchSample-v0", `{"timing": {"cue1": ["uniform", [300, 200]]}}`, "lo must be <= hi"},
		{"IntervalDiscrimination-v0", `{"sigma": 1}`, `unknown keyword "sigma"`},
		{"IntervalDiscrimination-v0", `{"dt": 400}`, "timing.decision can be 300 ms, shorter than dt = 400 ms"},
		{"IntervalDiscrimination-v0", `{"timing": {"stim1": ["normal", [1, 2]]}}`, `unknown kind "normal"`},
	} {
		_, err := Make(c.id, []byte(c.kwargs), data.IntSeed(0))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: err = %v, want %q", c.id, c.kwargs, err, c.want)
		}
	}
}

// TestMemoryForcedVariables: forced trial variables (new_trial(**kwargs))
// are used as NeuroGym uses them, and values the task cannot use are errors
// naming the variable.
func TestMemoryForcedVariables(t *testing.T) {
	type set func(v *data.Vars)
	for _, c := range []struct {
		id   string
		cond set
		want string // error substring, or "" for success
		dict string // expected trial dict on success ("" = not checked)
	}{
		{"DelayComparison-v0", func(v *data.Vars) { v.SetInt("ground_truth", 3) }, "ground_truth = 3: want 1 or 2", ""},
		{"DelayComparison-v0", func(v *data.Vars) { v.SetString("ground_truth", "1") }, "forced value \"1\" is a str", ""},
		{"DelayComparison-v0", func(v *data.Vars) { v.SetFloat("ground_truth", 1.5) }, "ground_truth = 1.5: want 1 or 2", ""},
		{"DelayComparison-v0", func(v *data.Vars) { v.SetFloat("ground_truth", 2); v.SetInts("vpair", []int{30, 22}) }, "",
			`{"ground_truth": 2.0, "vpair": [30, 22], "v1": 22, "v2": 30}`}, // a float 2.0 works as in Python
		{"DelayComparison-v0", func(v *data.Vars) { v.SetInts("vpair", []int{1, 2, 3}) }, "vpair = [1, 2, 3]: want a pair", ""},
		{"DelayComparison-v0", func(v *data.Vars) { v.SetInt("ground_truth", 2); v.SetInts("vpair", []int{30, 22}) }, "",
			`{"ground_truth": 2, "vpair": [30, 22], "v1": 22, "v2": 30}`},
		{"DelayMatchCategory-v0", func(v *data.Vars) { v.SetString("ground_truth", "fixation") }, `ground_truth = "fixation": want "match" or "non-match"`, ""},
		{"DelayMatchCategory-v0", func(v *data.Vars) { v.SetInt("sample_category", 2) }, "sample_category = 2: want 0 or 1", ""},
		{"DelayMatchCategory-v0", func(v *data.Vars) { v.SetFloat("sample_category", 0.5) }, "sample_category = 0.5: want 0 or 1", ""},
		{"DelayMatchCategory-v0", func(v *data.Vars) { v.SetString("ground_truth", "non-match"); v.SetInt("sample_category", 1) }, "",
			`{"ground_truth": "non-match", "sample_category": 1}`},
		{"DelayMatchSample-v0", func(v *data.Vars) { v.SetInt("ground_truth", 0) }, "ground_truth = 0: want 1 (match) or 2", ""},
		{"DelayMatchSample-v0", func(v *data.Vars) { v.SetInt("ground_truth", 1); v.SetInt("sample_theta", 0) }, "",
			`{"ground_truth": 1, "sample_theta": 0, "test_theta": 0}`}, // an int stays an int, as in Python
		{"DelayMatchSample-v0", func(v *data.Vars) { v.SetInt("ground_truth", 2); v.SetFloat("sample_theta", math.Pi) }, "",
			`{"ground_truth": 2, "sample_theta": 3.141592653589793, "test_theta": 0.0}`},
		{"DelayMatchSampleDistractor1D-v0", func(v *data.Vars) { v.SetInt("ground_truth", 4) }, "ground_truth = 4: want the int 1, 2 or 3", ""},
		{"DelayMatchSampleDistractor1D-v0", func(v *data.Vars) { v.SetFloat("ground_truth", 2) }, "ground_truth = 2.0: want the int 1, 2 or 3", ""},
		{"DelayPairedAssociation-v0", func(v *data.Vars) { v.SetInts("pair", []int{0, 3}) }, "pair = [0, 3]: want two stimulus channels in [1, 4]", ""},
		{"DelayPairedAssociation-v0", func(v *data.Vars) { v.SetInt("ground_truth", 2) }, "ground_truth = 2: want 0 (No-Go) or 1 (Go)", ""},
		{"DualDelayMatchSample-v0", func(v *data.Vars) { v.SetInt("test_order", 2) }, "test_order = 2: want 0", ""},
		{"DualDelayMatchSample-v0", func(v *data.Vars) { v.SetFloat("test_order", 0.25) }, "test_order = 0.25: want 0", ""},
		{"DualDelayMatchSample-v0", func(v *data.Vars) { v.SetInt("ground_truth2", 0) }, "ground_truth2 = 0: want 1 (match) or 2", ""},
		{"IntervalDiscrimination-v0", func(v *data.Vars) { v.SetInt("ground_truth", 1) }, "takes no forced trial variables", ""},
	} {
		task := mustMake(t, c.id, `{}`, data.IntSeed(0))
		var cond data.Vars
		c.cond(&cond)
		tr, err := task.NewTrial(&cond)
		switch {
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s forced %s: err = %v, want %q", c.id, cond.JSON(), err, c.want)
		case c.want == "" && err != nil:
			t.Errorf("%s forced %s: %v", c.id, cond.JSON(), err)
		case c.want == "" && c.dict != "" && tr.Vars.JSON() != c.dict:
			t.Errorf("%s forced %s: trial %s, want %s", c.id, cond.JSON(), tr.Vars.JSON(), c.dict)
		}
	}
}

// TestDelayPairedAssociationForcedPair: the forced pair's channels carry the
// stimuli; ground_truth comes from the drawn pair, as in NeuroGym (the trial
// dict is built before trial.update(kwargs)).
func TestDelayPairedAssociationForcedPair(t *testing.T) {
	drawn, _ := mustMake(t, "DelayPairedAssociation-v0", `{}`, data.IntSeed(0)).NewTrial(nil)
	if drawn.Vars.JSON() != `{"pair": [1, 3], "ground_truth": 1}` {
		t.Fatalf("seed 0 draws %s", drawn.Vars.JSON()) // golden file's first trial
	}
	task := mustMake(t, "DelayPairedAssociation-v0", `{}`, data.IntSeed(0))
	var cond data.Vars
	cond.SetInts("pair", []int{1, 4})
	tr, err := task.NewTrial(&cond)
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := tr.Period("stim1")
	s2, _ := tr.Period("stim2")
	if tr.Vars.JSON() != `{"pair": [1, 4], "ground_truth": 1}` {
		t.Errorf("forced pair [1, 4]: trial %s, want ground_truth 1 from the drawn pair", tr.Vars.JSON())
	}
	if row := tr.Row(s1.StartIdx); !slices.Equal(row, []float32{1, 1, 0, 0, 0}) {
		t.Errorf("stim1 row %v, want channel 1 on", row)
	}
	if row := tr.Row(s2.EndIdx - 1); !slices.Equal(row, []float32{1, 0, 0, 0, 1}) {
		t.Errorf("stim2 row %v, want channel 4 on", row)
	}
}
