package tasks

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// motorStepCase is one case of testdata/motor_steps.json, made by
// testdata/make_motor_steps.py with the real NeuroGym: the trial drawn
// after seeding, the actions fed to NeuroGym's step and what it returned.
type motorStepCase struct {
	Name        string            `json:"name"`
	Task        string            `json:"task"`
	Kwargs      json.RawMessage   `json:"kwargs"`
	Seed        uint32            `json:"seed"`
	Trial       int               `json:"trial"`
	Actions     []json.RawMessage `json:"actions"`
	Rewards     []float64         `json:"rewards"`
	Reward      float64           `json:"reward"`
	Steps       int               `json:"steps"`
	Ended       bool              `json:"ended"`
	Performance float64           `json:"performance"`
}

type motorCrashCase struct {
	Task   string          `json:"task"`
	Kwargs json.RawMessage `json:"kwargs"`
	Seed   uint32          `json:"seed"`
	Trial  *int            `json:"trial"`
	Error  string          `json:"error"`
}

func readMotorSteps(t *testing.T) (steps []motorStepCase, crashes []motorCrashCase) {
	t.Helper()
	b, err := os.ReadFile("testdata/motor_steps.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Steps   []motorStepCase  `json:"steps"`
		Crashes []motorCrashCase `json:"crashes"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Steps) == 0 || len(f.Crashes) == 0 {
		t.Fatal("testdata/motor_steps.json has no cases")
	}
	return f.Steps, f.Crashes
}

func parseAction(t *testing.T, raw json.RawMessage) data.Action {
	t.Helper()
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		var v []float64
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return data.Action{Vec: v}
	}
	var i int
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatal(err)
	}
	return data.DiscreteAction(i)
}

// drawTrial makes the task and returns its env with trial k current (at its
// first step) and a copy of that trial.
func drawTrial(t *testing.T, id string, kwargs []byte, seed uint32, k int) (*data.Env, *data.Trial) {
	t.Helper()
	task, err := Make(id, kwargs, data.IntSeed(seed))
	if err != nil {
		t.Fatalf("Make(%s, %s): %v", id, kwargs, err)
	}
	var tr *data.Trial
	for i := 0; i <= k; i++ {
		if tr, err = task.NewTrial(nil); err != nil {
			t.Fatal(err)
		}
	}
	return task.(*data.Env), tr.Clone()
}

// TestMotorStepRules replays NeuroGym's recorded stepping (perfect, late,
// early, wrong, fixation-breaking, greedy and random agents) through Replay
// and through Step, and wants NeuroGym's rewards, trial ends and
// performance exactly.
func TestMotorStepRules(t *testing.T) {
	steps, _ := readMotorSteps(t)
	seen := map[string]bool{}
	for _, c := range steps {
		seen[c.Task] = true
		t.Run(c.Name, func(t *testing.T) { checkMotorSteps(t, c) })
	}
	for _, id := range motorIDs() {
		if !seen[id] {
			t.Errorf("%s has no step-rule case in testdata/motor_steps.json", id)
		}
	}
}

// checkMotorSteps draws the case's trial and steps through it with the
// recorded actions, with Step and with Replay, comparing with NeuroGym.
func checkMotorSteps(t *testing.T, c motorStepCase) {
	e, tr := drawTrial(t, c.Task, c.Kwargs, c.Seed, c.Trial)
	if len(c.Actions) != tr.T {
		t.Fatalf("%d actions for a trial of %d steps: not the trial NeuroGym stepped", len(c.Actions), tr.T)
	}
	acts := make([]data.Action, len(c.Actions))
	for i, raw := range c.Actions {
		acts[i] = parseAction(t, raw)
		if act := e.ActSpace(); act.Kind == data.Discrete && (acts[i].Index < 0 || acts[i].Index >= act.Dim) {
			// NeuroGym accepts any integer (the Reaching1D tasks' targets are
			// angles, not actions); the engine refuses actions outside the
			// space.
			if _, err := e.Replay(tr, acts[:i+1]); err == nil {
				t.Fatalf("action %d outside Discrete(%d) accepted", acts[i].Index, act.Dim)
			}
			t.Skipf("step %d: action %d outside Discrete(%d), refused by the engine", i, acts[i].Index, act.Dim)
		}
	}
	// through the stepping API, step by step (first: Replay leaves the
	// rules' per-trial state, the hand direction, at the replayed trial's end)
	for i := 0; i < c.Steps; i++ {
		_, r, info, err := e.Step(acts[i])
		if err != nil {
			t.Fatal(err)
		}
		if r != c.Rewards[i] {
			t.Errorf("step %d: reward %v, NeuroGym %v", i, r, c.Rewards[i])
		}
		if last := i == c.Steps-1; info.NewTrial != last {
			t.Fatalf("step %d: new_trial %v, NeuroGym %v", i, info.NewTrial, last)
		} else if last && info.Performance != c.Performance {
			t.Errorf("performance %v, NeuroGym %v", info.Performance, c.Performance)
		}
	}
	// and through Replay
	out, err := e.Replay(tr, acts)
	if err != nil {
		t.Fatal(err)
	}
	if out.Steps != c.Steps || out.Ended != c.Ended || out.Performance != c.Performance || out.Reward != c.Reward {
		t.Errorf("Replay: steps %d ended %v performance %v reward %v; NeuroGym %d %v %v %v",
			out.Steps, out.Ended, out.Performance, out.Reward, c.Steps, c.Ended, c.Performance, c.Reward)
	}
}

func motorIDs() []string {
	var ids []string
	for _, e := range motorTasks() {
		ids = append(ids, e.id)
	}
	return ids
}

// TestMotorPerfectAgent feeds the targets back as actions: performance 1
// and a trial ended by the response (or, on a no-go trial, a full trial
// without one), at NeuroGym's default dt and at dt 20. Reaching1D's targets
// are not actions (see reaching1D); its stepping is checked against
// NeuroGym in TestMotorStepRules.
func TestMotorPerfectAgent(t *testing.T) {
	for _, id := range motorIDs() {
		if strings.HasPrefix(id, "Reaching1D") {
			continue
		}
		for _, kw := range []string{`{}`, `{"dt": 20}`} {
			task, err := Make(id, []byte(kw), data.IntSeed(1))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 40; i++ {
				tr, err := task.NewTrial(nil)
				if err != nil {
					t.Fatal(err)
				}
				acts := make([]data.Action, tr.T)
				for k := range acts {
					if tr.ActKind == data.Box {
						acts[k].Vec = []float64{float64(tr.GtRow(k)[0]), float64(tr.GtRow(k)[1])}
					} else {
						acts[k] = data.DiscreteAction(tr.Gt[k])
					}
				}
				out, err := task.Replay(tr, acts)
				if err != nil {
					t.Fatal(err)
				}
				nogo := id == "GoNogo-v0" && tr.Vars.Int("ground_truth") == 0
				if out.Performance != 1 || out.Ended == nogo {
					t.Fatalf("%s %s trial %d %s: perfect agent gets performance %v, ended %v",
						id, kw, i, tr.Vars.JSON(), out.Performance, out.Ended)
				}
			}
		}
	}
}

// TestMotorCrashes: keyword combinations on which NeuroGym's _new_trial
// fails (recorded by make_motor_steps.py) are refused at construction or
// make NewTrial return an error on the trial where NeuroGym fails.
func TestMotorCrashes(t *testing.T) {
	_, crashes := readMotorSteps(t)
	for _, c := range crashes {
		if c.Trial == nil {
			t.Fatalf("%s %s: NeuroGym did not fail", c.Task, c.Kwargs)
		}
		task, err := Make(c.Task, c.Kwargs, data.IntSeed(c.Seed))
		if err != nil {
			if !strings.Contains(err.Error(), "gain") && !strings.Contains(err.Error(), "dt") {
				t.Errorf("%s %s refused, but the error names no keyword: %v", c.Task, c.Kwargs, err)
			}
			continue
		}
		for i := 0; i <= *c.Trial; i++ {
			_, err := task.NewTrial(nil)
			if i < *c.Trial && err != nil {
				t.Fatalf("%s %s seed %d: trial %d fails (%v); NeuroGym fails at trial %d", c.Task, c.Kwargs, c.Seed, i, err, *c.Trial)
			}
			if i == *c.Trial && (err == nil || !strings.Contains(err.Error(), "production")) {
				t.Fatalf("%s %s seed %d: trial %d gives error %v; NeuroGym: %s", c.Task, c.Kwargs, c.Seed, i, err, c.Error)
			}
		}
	}
}

func TestMotorBadKwargs(t *testing.T) {
	for _, c := range []struct {
		id, kwargs string
		want       []string // substrings of the error
	}{
		{"AntiReach-v0", `{"dim_rin": 8}`, []string{`unknown keyword "dim_rin"`, `did you mean "dim_ring"`, "dt, anti, rewards, timing, dim_ring"}},
		{"AntiReach-v0", `{"anti": 1}`, []string{"anti", "true or false"}},
		{"AntiReach-v0", `{"dim_ring": 61}`, []string{"dim_ring", "62 elements"}},
		{"AntiReach-v0", `{"dim_ring": 0}`, []string{"dim_ring", "must be in [1, 100000]"}},
		{"AntiReach-v0", `{"dim_ring": 2.5}`, []string{"dim_ring", "want an integer"}},
		{"AntiReach-v0", `{"timing": {"decision": 50}}`, []string{"timing.decision", "no step"}},
		{"GoNogo-v0", `{"rewards": {"mis": -1}}`, []string{`unknown reward "mis"`, "abort, correct, fail, miss"}},
		{"GoNogo-v0", `{"timing": {"decison": 100}}`, []string{`unknown period "decison"`, `did you mean "decision"`}},
		{"GoNogo-v0", `{"dt": 0}`, []string{"dt", "> 0"}},
		{"MotorTiming-v0", `{"dt": 2000}`, []string{"dt", "at most 1600"}},
		{"MotorTiming-v0", `{"prod_margin": -0.1}`, []string{"prod_margin", ">= 0"}},
		{"MotorTiming-v0", `{"timing": {"cue": ["uniform", [3000, 1000]]}}`, []string{"timing.cue", "lo must be <= hi"}},
		{"ReadySetGo-v0", `{"gain": 0}`, []string{"gain", "> 0"}},
		{"ReadySetGo-v0", `{"gain": "2"}`, []string{"gain", "want a number"}},
		{"ReadySetGo-v0", `{"gain": 0.02}`, []string{"gain", "less than dt/2"}},
		{"ReadySetGo-v0", `{"dt": 20, "gain": 0.02, "timing": {"measure": ["uniform", [400, 3000]]}}`, []string{"gain", "400 ms"}},
		{"ReadySetGo-v0", `{"prod_margin": -1}`, []string{"prod_margin"}},
		{"OneTwoThreeGo-v0", `{"timing": {"response": 10}}`, []string{"timing.response", "no step"}},
		{"OneTwoThreeGo-v0", `{"gain": 2}`, []string{`unknown keyword "gain"`, "prod_margin"}},
		{"Reaching1D-v0", `{"dim_ring": 122}`, []string{"dim_ring", "123 elements"}},
		{"Reaching1D-v0", `{"rewards": {"correct": -0.1}}`, []string{"rewards", "correct = fail"}},
		{"Reaching1DWithSelfDistraction-v0", `{"dim_ring": 16}`, []string{`unknown keyword "dim_ring"`, "allowed: dt, rewards, timing"}},
		{"ReachingDelayResponse-v0", `{"lowbound": "a"}`, []string{"lowbound", "want a number"}},
		{"ReachingDelayResponse-v0", `{"lowbound": -1e308, "highbound": 1e308}`, []string{"highbound", "overflows"}},
		{"ReachingDelayResponse-v0", `{"rewards": {"correct": 0}}`, []string{"correct = 0"}},
		{"ReachingDelayResponse-v0", `{"timing": {"delay": ["choice", []]}}`, []string{"timing.delay"}},
	} {
		_, err := Make(c.id, []byte(c.kwargs), data.IntSeed(0))
		if err == nil {
			t.Errorf("%s %s: no error", c.id, c.kwargs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %s: error %q does not say %q", c.id, c.kwargs, err, w)
			}
		}
	}
}

// TestMotorForcedVars: forced trial variables that NeuroGym could not use
// are errors, never panics; usable ones are applied.
func TestMotorForcedVars(t *testing.T) {
	for _, c := range []struct {
		id   string
		set  func(v *data.Vars)
		want string // "" = no error
	}{
		{"AntiReach-v0", func(v *data.Vars) { v.SetInt("ground_truth", 32) }, "ground_truth = 32"},
		{"AntiReach-v0", func(v *data.Vars) { v.SetInt("ground_truth", -1) }, "ground_truth = -1"},
		{"AntiReach-v0", func(v *data.Vars) { v.SetString("anti", "yes") }, "anti"},
		{"GoNogo-v0", func(v *data.Vars) { v.SetInt("ground_truth", 2) }, "ground_truth = 2"},
		{"MotorTiming-v0", func(v *data.Vars) { v.SetInt("production_ind", 2) }, "production_ind = 2"},
		{"ReadySetGo-v0", func(v *data.Vars) { v.SetInt("gain", 0) }, "gain = 0"},
		{"ReadySetGo-v0", func(v *data.Vars) { v.SetInt("gain", -2) }, "gain = -2"},
		{"Reaching1D-v0", func(v *data.Vars) { v.SetFloat("ground_truth", math.Inf(1)) }, "ground_truth"},
		{"ReachingDelayResponse-v0", func(v *data.Vars) { v.SetFloat("ground_truth", math.NaN()) }, "ground_truth"},
		{"GoNogo-v0", func(v *data.Vars) { v.SetInt("ground_truth", 1) }, ""},
		{"ReadySetGo-v0", func(v *data.Vars) { v.SetInt("gain", 2) }, ""},
		{"OneTwoThreeGo-v0", func(v *data.Vars) { v.SetInt("interval", 1234) }, ""},
	} {
		task, err := Make(c.id, nil, data.IntSeed(0))
		if err != nil {
			t.Fatal(err)
		}
		var cond data.Vars
		c.set(&cond)
		tr, err := task.NewTrial(&cond)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: %v", c.id, cond.JSON(), err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s: error %v, want one naming %q", c.id, cond.JSON(), err, c.want)
		case c.want == "":
			for _, x := range cond.All() {
				if got, _ := tr.Vars.Get(x.Name); got.JSON() != x.JSON() {
					t.Errorf("%s: forced %s = %s, trial has %s", c.id, x.Name, x.JSON(), got.JSON())
				}
			}
		}
	}
	// ReadySetGo: a forced gain scales production and the target row
	task, _ := Make("ReadySetGo-v0", nil, data.IntSeed(0))
	var cond data.Vars
	cond.SetInt("gain", 2)
	tr, err := task.NewTrial(&cond)
	if err != nil {
		t.Fatal(err)
	}
	m, p := tr.Vars.Float("measure"), tr.Vars.Float("production")
	prod, _ := tr.Period("production")
	if p != 2*m || prod.End-prod.Start != 2*p || tr.Gt[prod.StartIdx+int(p/80)] != 1 {
		t.Errorf("gain 2: measure %v, production %v, period %+v", m, p, prod)
	}
	// AntiReach: the stimulus bump is at the target (pro) or opposite (anti)
	for _, anti := range []bool{false, true} {
		task, _ := Make("AntiReach-v0", nil, data.IntSeed(0))
		var cond data.Vars
		cond.SetInt("ground_truth", 5)
		cond.SetBool("anti", anti)
		tr, err := task.NewTrial(&cond)
		if err != nil {
			t.Fatal(err)
		}
		stim, _ := tr.Period("stimulus")
		row := tr.Row(stim.StartIdx)
		peak := 1
		for k := 1; k < len(row); k++ {
			if row[k] > row[peak] {
				peak = k
			}
		}
		want := 1 + 5
		if anti {
			want = 1 + 5 + 16
		}
		if peak != want || tr.Gt[tr.T-1] != 6 {
			t.Errorf("anti %v: stimulus peak at input %d, want %d; last target %d, want 6", anti, peak, want, tr.Gt[tr.T-1])
		}
	}
}

// TestReachingDelayResponseBadActions: an action vector of the wrong length
// or with NaN is an error of the engine (never a panic or a silent score).
func TestReachingDelayResponseBadActions(t *testing.T) {
	e, tr := drawTrial(t, "ReachingDelayResponse-v0", nil, 0, 0)
	for _, a := range []data.Action{{}, {Vec: []float64{1}}, {Vec: []float64{1, 0.5, 0}}, {Vec: []float64{math.NaN(), 0.5}}} {
		acts := make([]data.Action, tr.T)
		for i := range acts {
			acts[i] = a
		}
		if _, err := e.Replay(tr, acts); err == nil || !strings.Contains(err.Error(), "action vector") {
			t.Errorf("action %v: err = %v, want an action vector error", a.Vec, err)
		}
	}
}

// TestMotorInfo: every motor task describes itself; GoNogo, which analysis
// scores by condition, groups by ground_truth and has no evidence axis.
func TestMotorInfo(t *testing.T) {
	for _, id := range motorIDs() {
		d, err := Describe(id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Info.Summary == "" || len(d.Info.Tags) == 0 || len(d.Kwargs) < 3 {
			t.Errorf("%s: incomplete description %+v", id, d)
		}
		for _, c := range d.Info.Conditions {
			_, tr := drawTrial(t, id, nil, 0, 0)
			if v, ok := tr.Vars.Get(c); !ok || !v.IsScalar() {
				t.Errorf("%s: condition %q is not a scalar trial variable", id, c)
			}
		}
	}
	d, _ := Describe("GoNogo-v0")
	if len(d.Info.Conditions) != 1 || d.Info.Conditions[0] != "ground_truth" || d.Info.Evidence != nil {
		t.Errorf("GoNogo info: %+v", d.Info)
	}
}

// TestMotorPyTypes: Python's int or float types of the trial variables
// follow the keywords' JSON (NeuroGym: json.loads, then (t // dt) * dt).
func TestMotorPyTypes(t *testing.T) {
	for _, c := range []struct {
		id, kwargs, name string
		kind             data.VarKind
	}{
		{"OneTwoThreeGo-v0", `{}`, "interval", data.IntVar},
		{"OneTwoThreeGo-v0", `{"dt": 80.0}`, "interval", data.FloatVar},
		{"OneTwoThreeGo-v0", `{"timing": {"interval1": ["uniform", [600, 900]]}}`, "interval", data.FloatVar},
		{"OneTwoThreeGo-v0", `{"timing": {"interval1": ["choice", [600, 900]]}}`, "interval", data.IntVar},
		{"OneTwoThreeGo-v0", `{"timing": {"interval1": ["truncated_exponential", [700, 900, 800]]}}`, "interval", data.IntVar},
		{"OneTwoThreeGo-v0", `{"timing": {"interval1": ["truncated_exponential", [700, 500, 800]]}}`, "interval", data.FloatVar},
		{"ReadySetGo-v0", `{}`, "measure", data.FloatVar},
		{"ReadySetGo-v0", `{"timing": {"measure": 960}}`, "measure", data.IntVar},
		{"ReadySetGo-v0", `{"timing": {"measure": ["constant", 960]}}`, "production", data.IntVar},
		{"ReadySetGo-v0", `{"timing": {"measure": 960}, "gain": 1.0}`, "production", data.FloatVar},
		{"ReadySetGo-v0", `{"timing": {"measure": [960, 1000.5]}}`, "measure", data.FloatVar},
		{"ReadySetGo-v0", `{"gain": 2}`, "gain", data.IntVar},
		{"ReadySetGo-v0", `{"gain": 2e0}`, "gain", data.FloatVar},
	} {
		_, tr := drawTrial(t, c.id, []byte(c.kwargs), 0, 0)
		if v, _ := tr.Vars.Get(c.name); v.Kind != c.kind {
			t.Errorf("%s %s: %s is a %s (%s), want a %s", c.id, c.kwargs, c.name, v.Kind, v.JSON(), c.kind)
		}
	}
}
