package tasks

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// decisionIDs are the tasks of family_decision.go ported with the step
// fixtures of testdata/decision_steps.json.
var decisionIDs = []string{
	"ContextDecisionMaking-v0", "SingleContextDecisionMaking-v0", "MultiSensoryIntegration-v0",
	"PerceptualDecisionMakingDelayResponse-v0", "PulseDecisionMaking-v0", "PostDecisionWager-v0",
	"ProbabilisticReasoning-v0", "HierarchicalReasoning-v0",
}

// stepFixtures is testdata/decision_steps.json, made by decision_steps.py
// with the real NeuroGym's stepping.
type stepFixtures struct {
	Steps []struct {
		Task        string          `json:"task"`
		Kwargs      json.RawMessage `json:"kwargs"`
		Seed        uint32          `json:"seed"`
		Cond        json.RawMessage `json:"cond"`
		Policy      string          `json:"policy"`
		Trial       string          `json:"trial"`
		Performance float64         `json:"performance"`
		Reward      float64         `json:"reward"`
		Steps       int             `json:"steps"`
		Ended       bool            `json:"ended"`
	} `json:"steps"`
	Blocks []struct {
		Kwargs json.RawMessage `json:"kwargs"`
		Seed   uint32          `json:"seed"`
		Trials []string        `json:"trials"`
	} `json:"blocks"`
}

func readStepFixtures(t *testing.T) stepFixtures {
	t.Helper()
	b, err := os.ReadFile("testdata/decision_steps.json")
	if err != nil {
		t.Fatal(err)
	}
	var f stepFixtures
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// condVars converts forced trial variables written as a JSON object into
// Vars with Python's types (an integer literal is an int), in the object's
// order (Python's trial dict keeps it); nil for an empty object.
func condVars(t *testing.T, obj json.RawMessage) *data.Vars {
	t.Helper()
	var cond map[string]json.RawMessage
	if err := json.Unmarshal(obj, &cond); err != nil {
		t.Fatal(err)
	}
	if len(cond) == 0 {
		return nil
	}
	var v data.Vars
	for _, name := range jsonKeys(t, obj) {
		raw := cond[name]
		var items []json.RawMessage
		var b bool
		var x float64
		switch {
		case json.Unmarshal(raw, &items) == nil:
			ints, vals := true, make([]float64, len(items))
			for i, it := range items {
				if err := json.Unmarshal(it, &vals[i]); err != nil {
					t.Fatal(err)
				}
				ints = ints && data.IsIntLiteral(it)
			}
			if ints {
				iv := make([]int, len(vals))
				for i, f := range vals {
					iv[i] = int(f)
				}
				v.SetInts(name, iv)
			} else {
				v.SetFloats(name, vals)
			}
		case json.Unmarshal(raw, &b) == nil:
			v.SetBool(name, b)
		case json.Unmarshal(raw, &x) == nil && data.IsIntLiteral(raw):
			v.SetInt(name, int(x))
		case json.Unmarshal(raw, &x) == nil:
			v.SetFloat(name, x)
		default:
			t.Fatalf("cond %s = %s", name, raw)
		}
	}
	return &v
}

// jsonKeys returns the keys of a JSON object in order.
func jsonKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// policyActions builds the actions of decision_steps.py's policies from a
// trial's targets and periods.
func policyActions(t *testing.T, tr *data.Trial, policy string) []data.Action {
	t.Helper()
	d, ok := tr.Period("decision")
	if !ok {
		t.Fatal("no decision period")
	}
	acts := make([]data.Action, tr.T)
	for i := range acts {
		a := tr.Gt[i]
		inD := i >= d.StartIdx && i < d.EndIdx
		switch policy {
		case "gt":
		case "wrong":
			if inD {
				a = 1
				if tr.Gt[i] == 1 {
					a = 2
				}
			}
		case "idle":
			a = 0
		case "restless":
			if i < d.StartIdx {
				a = 1
			}
		case "sure":
			if inD {
				a = 3
			}
		case "wrongrule":
			if r, _ := tr.Period("rule_target"); i >= r.StartIdx && i < r.EndIdx {
				a = 3 - tr.Gt[i]
			}
		default:
			t.Fatalf("unknown policy %q", policy)
		}
		acts[i] = data.DiscreteAction(a)
	}
	return acts
}

// TestDecisionSteps replays NeuroGym's stepping cases (decision_steps.py):
// the trial dict (with forced variables) and, for each action policy, the
// performance, summed reward, number of steps and early end.
func TestDecisionSteps(t *testing.T) {
	f := readStepFixtures(t)
	if len(f.Steps) == 0 {
		t.Fatal("no step cases")
	}
	for i, c := range f.Steps {
		name := fmt.Sprintf("%d_%s_%s", i, strings.TrimSuffix(c.Task, "-v0"), c.Policy)
		t.Run(name, func(t *testing.T) {
			task, err := Make(c.Task, c.Kwargs, data.IntSeed(c.Seed))
			if err != nil {
				t.Fatal(err)
			}
			tr, err := task.NewTrial(condVars(t, c.Cond))
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Vars.JSON(); got != c.Trial {
				t.Fatalf("trial dict\n got %s\nwant %s", got, c.Trial)
			}
			out, err := task.Replay(tr, policyActions(t, tr, c.Policy))
			if err != nil {
				t.Fatal(err)
			}
			if out.Performance != c.Performance || out.Reward != c.Reward || out.Steps != c.Steps || out.Ended != c.Ended {
				t.Errorf("%s %s seed %d cond %s policy %s: got performance %v reward %v steps %d ended %v; NeuroGym %v %v %d %v",
					c.Task, c.Kwargs, c.Seed, string(c.Cond), c.Policy, out.Performance, out.Reward, out.Steps, out.Ended,
					c.Performance, c.Reward, c.Steps, c.Ended)
			}
		})
	}
}

// TestHierarchicalReasoningBlocks compares 45 consecutive trials, across
// rule switches, with NeuroGym's (its first block length set to ours, see
// decision_steps.py).
func TestHierarchicalReasoningBlocks(t *testing.T) {
	f := readStepFixtures(t)
	if len(f.Blocks) == 0 {
		t.Fatal("no block cases")
	}
	for _, c := range f.Blocks {
		task, err := Make("HierarchicalReasoning-v0", c.Kwargs, data.IntSeed(c.Seed))
		if err != nil {
			t.Fatal(err)
		}
		task.Seed(data.IntSeed(c.Seed))
		switches := 0
		prev := ""
		for i, want := range c.Trials {
			tr, err := task.NewTrial(nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Vars.JSON(); got != want {
				t.Fatalf("%s seed %d trial %d:\n got %s\nwant %s", c.Kwargs, c.Seed, i, got, want)
			}
			rule, _ := tr.Vars.Get("rule")
			if prev != "" && rule.JSON() != prev {
				switches++
			}
			prev = rule.JSON()
		}
		if switches < 2 {
			t.Errorf("%s seed %d: %d rule switches in %d trials; the case should cover at least 2", c.Kwargs, c.Seed, switches, len(c.Trials))
		}
	}
}

// TestDecisionPerfectAgent replays the targets of many trials: NeuroGym's
// performance is 1 on every trial, except PostDecisionWager, whose step rule
// compares the action with ground_truth (0 or 1) instead of the target
// action ground_truth+1, so that following the target always scores 0
// there (checked against NeuroGym in TestDecisionSteps).
func TestDecisionPerfectAgent(t *testing.T) {
	for _, id := range decisionIDs {
		for _, kw := range []string{`{}`, `{"dt": 20}`} {
			task, err := Make(id, []byte(kw), data.IntSeed(3))
			if err != nil {
				t.Fatal(err)
			}
			want := 1.0
			if id == "PostDecisionWager-v0" {
				want = 0
			}
			for i := 0; i < 40; i++ {
				tr, err := task.NewTrial(nil)
				if err != nil {
					t.Fatal(err)
				}
				acts := make([]data.Action, tr.T)
				for k, g := range tr.Gt {
					acts[k] = data.DiscreteAction(g)
				}
				out, err := task.Replay(tr, acts)
				if err != nil {
					t.Fatal(err)
				}
				if out.Performance != want {
					t.Fatalf("%s %s trial %d (%s): performance %v following the target, want %v", id, kw, i, tr.Vars.JSON(), out.Performance, want)
				}
			}
		}
	}
}

// TestDecisionInfo checks the declared conditions exist in every trial and
// that the evidence's sign points to the target choice (for
// ProbabilisticReasoning, whose answer is drawn, only on average).
func TestDecisionInfo(t *testing.T) {
	for _, id := range decisionIDs {
		task, err := Make(id, nil, data.IntSeed(1))
		if err != nil {
			t.Fatal(err)
		}
		info := task.Info()
		if info.Summary == "" || len(info.Tags) == 0 || len(info.Conditions) == 0 {
			t.Errorf("%s: incomplete TaskInfo %+v", id, info)
		}
		agree, total := 0, 0
		for i := 0; i < 200; i++ {
			tr, err := task.NewTrial(nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range info.Conditions {
				if v, ok := tr.Vars.Get(c); !ok || !v.IsScalar() {
					t.Fatalf("%s: condition %q missing or not a scalar in %s", id, c, tr.Vars.JSON())
				}
			}
			if info.Evidence == nil {
				continue
			}
			ev := info.Evidence.Value(&tr.Vars)
			if ev == 0 {
				continue
			}
			d, _ := tr.Period("decision")
			total++
			if (ev > 0) == (tr.Gt[d.StartIdx] == info.Evidence.Positive) {
				agree++
			}
		}
		switch {
		case info.Evidence == nil:
			if id != "HierarchicalReasoning-v0" {
				t.Errorf("%s: no evidence variable", id)
			}
		case id == "ProbabilisticReasoning-v0":
			if float64(agree) < 0.8*float64(total) {
				t.Errorf("%s: evidence agrees with the answer on %d of %d trials", id, agree, total)
			}
		case agree != total || total == 0:
			t.Errorf("%s: evidence agrees with the answer on %d of %d trials", id, agree, total)
		}
	}
}

// TestDecisionContextEvidence checks ContextDecisionMaking's evidence on
// forced trials: it is the cued modality's coherence, signed towards the
// answer, whatever the other modality shows.
func TestDecisionContextEvidence(t *testing.T) {
	task, err := Make("ContextDecisionMaking-v0", nil, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ctx, gt, coh0, coh1 int
		want                float64
	}{{0, 2, 5, 50, 5}, {0, 1, 5, 50, -5}, {1, 2, 5, 50, 50}, {1, 1, 15, 50, -50}} {
		var cond data.Vars
		cond.SetInt("context", c.ctx)
		cond.SetInt("ground_truth", c.gt)
		cond.SetInt("coh_0", c.coh0)
		cond.SetInt("coh_1", c.coh1)
		tr, err := task.NewTrial(&cond)
		if err != nil {
			t.Fatal(err)
		}
		if got := task.Info().Evidence.Value(&tr.Vars); got != c.want {
			t.Errorf("%s: evidence %v, want %v", tr.Vars.JSON(), got, c.want)
		}
	}
}

// TestDecisionBadKwargs checks that bad keywords are errors naming the
// keyword and what is allowed.
func TestDecisionBadKwargs(t *testing.T) {
	for _, c := range []struct {
		id, kwargs string
		want       []string
	}{
		{"ContextDecisionMaking-v0", `{"sigmaa": 1}`, []string{`unknown keyword "sigmaa"`, `did you mean "sigma"`, "allowed: dt, rewards, timing, sigma"}},
		{"ContextDecisionMaking-v0", `{"sigma": "x"}`, []string{"sigma", "want a number"}},
		{"ContextDecisionMaking-v0", `{"sigma": -1}`, []string{"sigma", ">= 0"}},
		{"ContextDecisionMaking-v0", `{"rewards": {"fail": -1}}`, []string{`unknown reward "fail"`, "allowed: abort, correct"}},
		{"ContextDecisionMaking-v0", `{"timing": {"decision": 50}}`, []string{"timing.decision", "no step"}},
		{"ContextDecisionMaking-v0", `{"timing": {"go": 50}}`, []string{`unknown period "go"`, "fixation, stimulus, delay, decision"}},
		{"SingleContextDecisionMaking-v0", `{"context": 2}`, []string{"context", "[0, 1]"}},
		{"SingleContextDecisionMaking-v0", `{"context": 0.5}`, []string{"context", "integer"}},
		{"SingleContextDecisionMaking-v0", `{"dim_ring": 1}`, []string{"dim_ring", ">= 2"}},
		{"MultiSensoryIntegration-v0", `{"dim_ring": 2.5}`, []string{"dim_ring", "integer"}},
		{"MultiSensoryIntegration-v0", `{"cohs": [1]}`, []string{`unknown keyword "cohs"`}},
		{"PerceptualDecisionMakingDelayResponse-v0", `{"stim_scale": true}`, []string{"stim_scale", "want a number"}},
		{"PerceptualDecisionMakingDelayResponse-v0", `{"timing": {"delay": []}}`, []string{"timing.delay", "empty list"}},
		{"PulseDecisionMaking-v0", `{"p_pulse": [0.3]}`, []string{"p_pulse", "at least 2"}},
		{"PulseDecisionMaking-v0", `{"p_pulse": [0.3, 0.5, 0.7]}`, []string{"p_pulse", "want 2"}},
		{"PulseDecisionMaking-v0", `{"p_pulse": [0.3, 1.5]}`, []string{"p_pulse", "[0, 1]"}},
		{"PulseDecisionMaking-v0", `{"n_bin": 0}`, []string{"n_bin", "[1, 1000]"}},
		{"PulseDecisionMaking-v0", `{"n_bin": 2, "timing": {"cue5": 10}}`, []string{`unknown period "cue5"`, "cue1"}},
		{"PostDecisionWager-v0", `{"dim_ring": 3}`, []string{"dim_ring", "only 2"}},
		{"PostDecisionWager-v0", `{"rewards": {"sure": 0.5}}`, []string{`unknown reward "sure"`}},
		{"PostDecisionWager-v0", `{"rewards": {"correct": 0}}`, []string{"rewards", "correct = fail"}},
		{"ProbabilisticReasoning-v0", `{"shape_weight": []}`, []string{"shape_weight", "at least 1"}},
		{"ProbabilisticReasoning-v0", `{"shape_weight": [-100, 1]}`, []string{"shape_weight", "overflows"}},
		{"ProbabilisticReasoning-v0", `{"n_loc": 0}`, []string{"n_loc", "[1, 100]"}},
		{"HierarchicalReasoning-v0", `{"timing": {"delay": 800}}`, []string{"timing.delay", `["constant", x]`}},
		{"HierarchicalReasoning-v0", `{"timing": {"delay": [800]}}`, []string{"timing.delay", "at least 2 durations"}},
		{"HierarchicalReasoning-v0", `{"timing": {"rule_target": 0}}`, []string{"timing.rule_target", "no step"}},
		{"HierarchicalReasoning-v0", `{"dt": 0}`, []string{"dt", "> 0"}},
		{"HierarchicalReasoning-v0", `[1]`, []string{"kwargs", "JSON object"}},
	} {
		_, err := Make(c.id, []byte(c.kwargs), data.IntSeed(0))
		if err == nil {
			t.Errorf("%s %s: no error", c.id, c.kwargs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %s: error %q does not contain %q", c.id, c.kwargs, err, w)
			}
		}
	}
}

// TestDecisionBadCond checks that forced trial variables a task cannot use
// are errors naming the variable (NeuroGym would index out of range or use a
// meaningless value).
func TestDecisionBadCond(t *testing.T) {
	type kv struct {
		name string
		val  any
	}
	for _, c := range []struct {
		id   string
		cond []kv
		want string
	}{
		{"ContextDecisionMaking-v0", []kv{{"ground_truth", 0}}, "ground_truth = 0: want a choice, 1 or 2"},
		{"ContextDecisionMaking-v0", []kv{{"other_choice", 3}}, "other_choice = 3"},
		{"ContextDecisionMaking-v0", []kv{{"context", 2}}, "context = 2"},
		{"ContextDecisionMaking-v0", []kv{{"coh_0", "x"}}, "coh_0"},
		{"SingleContextDecisionMaking-v0", []kv{{"ground_truth", 2}}, "ground_truth = 2: want a direction in [0, 2)"},
		{"SingleContextDecisionMaking-v0", []kv{{"other_choice", -1}}, "other_choice = -1"},
		{"MultiSensoryIntegration-v0", []kv{{"ground_truth", 5}}, "ground_truth = 5"},
		{"PerceptualDecisionMakingDelayResponse-v0", []kv{{"ground_truth", 0}}, "ground_truth = 0"},
		{"PostDecisionWager-v0", []kv{{"ground_truth", 2}}, "ground_truth = 2"},
		{"PostDecisionWager-v0", []kv{{"wager", 1}}, "wager"},
		{"ProbabilisticReasoning-v0", []kv{{"locs", []int{0, 1, 2, 4}}}, "locs"},
		{"ProbabilisticReasoning-v0", []kv{{"locs", []int{0, 1}}}, "at least n_loc = 4"},
		{"ProbabilisticReasoning-v0", []kv{{"shapes", []int{0, 1, 2, 10}}}, "shapes"},
		{"ProbabilisticReasoning-v0", []kv{{"shapes", []int{0, -1, 2, 3}}}, "shapes"},
		{"HierarchicalReasoning-v0", []kv{{"rule", 2}}, "rule = 2: want 0 or 1"},
		{"HierarchicalReasoning-v0", []kv{{"stimulus", -1}}, "stimulus = -1"},
	} {
		task, err := Make(c.id, nil, data.IntSeed(0))
		if err != nil {
			t.Fatal(err)
		}
		var cond data.Vars
		for _, x := range c.cond {
			switch v := x.val.(type) {
			case int:
				cond.SetInt(x.name, v)
			case []int:
				cond.SetInts(x.name, v)
			case string:
				cond.SetString(x.name, v)
			}
		}
		_, err = task.NewTrial(&cond)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: error %v, want one containing %q", c.id, cond.JSON(), err, c.want)
		}
	}
}
