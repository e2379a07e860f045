package tasks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// fixture is the layout of the golden and oracle files (made by the real
// NeuroGym with shared/neurogym/trials.py), with the parts compared byte for
// byte kept raw.
type fixture struct {
	Task     string          `json:"task"`
	Tasks    []string        `json:"tasks"`
	Kwargs   json.RawMessage `json:"kwargs"`
	Seed     uint32          `json:"seed"`
	Dt       json.RawMessage `json:"dt"`
	ObSpace  json.RawMessage `json:"observation_space"`
	ActSpace json.RawMessage `json:"action_space"`
	Trials   []struct {
		TaskIndex *int            `json:"task_index"`
		Trial     json.RawMessage `json:"trial"`
		Ob        json.RawMessage `json:"ob"`
		Gt        json.RawMessage `json:"gt"`
	} `json:"trials"`
}

func readFixture(t *testing.T, path string) fixture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// fixtureID maps a fixture's task to a registry id: trials.py names the
// yang19 schedule "yang19 ScheduleEnvs(...)".
func fixtureID(f fixture) string {
	if f.Tasks != nil {
		return "yang19.multitask-v0"
	}
	return f.Task
}

// checkParity regenerates the fixture's trials with Make and compares the
// spaces, dt and, trial by trial, the trial dict, ob and gt as JSON text
// (Python's formatting on both sides, so equal text means equal values).
func checkParity(t *testing.T, path string) {
	want := readFixture(t, path)
	id := fixtureID(want)
	task, err := Make(id, want.Kwargs, data.IntSeed(want.Seed))
	if err != nil {
		t.Fatalf("Make(%s, %s): %v", id, want.Kwargs, err)
	}
	s, err := data.GenerateTrials(task, want.Kwargs, want.Seed, len(want.Trials))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got fixture
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("our JSON does not parse: %v", err)
	}
	eq := func(what string, g, w []byte) {
		t.Helper()
		if !bytes.Equal(g, w) {
			t.Errorf("%s:\n got %s\nwant %s", what, clip(g), clip(w))
		}
	}
	eq("dt", got.Dt, want.Dt)
	eq("observation_space", got.ObSpace, want.ObSpace)
	eq("action_space", got.ActSpace, want.ActSpace)
	for i, w := range want.Trials {
		g := got.Trials[i]
		if (w.TaskIndex == nil) != (g.TaskIndex == nil) || w.TaskIndex != nil && *w.TaskIndex != *g.TaskIndex {
			t.Fatalf("trial %d: task_index %v, want %v", i, g.TaskIndex, w.TaskIndex)
		}
		eq("trial "+itoa(i)+" dict", g.Trial, w.Trial)
		eq("trial "+itoa(i)+" ob", g.Ob, w.Ob)
		eq("trial "+itoa(i)+" gt", g.Gt, w.Gt)
		if t.Failed() {
			t.FailNow()
		}
	}
}

func clip(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "..."
	}
	return string(b)
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestGoldenParity checks every file of testdata/golden (NeuroGym's golden
// trials, default keywords, seed 0) and testdata/oracle (other seeds and
// keywords, made by testdata/make_oracle.py with the real NeuroGym).
func TestGoldenParity(t *testing.T) {
	for _, dir := range []string{"golden", "oracle"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			t.Run(dir+"/"+strings.TrimSuffix(filepath.Base(path), ".json"), func(t *testing.T) {
				checkParity(t, path)
			})
		}
	}
}

// TestRegistryComplete: the registry has NeuroGym's 24 supervised native
// tasks at commit ee0a140c, the 20 yang19 tasks and their schedule, and
// every one has a golden file.
func TestRegistryComplete(t *testing.T) {
	native := []string{"AntiReach", "ContextDecisionMaking", "SingleContextDecisionMaking", "DelayComparison",
		"DelayMatchCategory", "DelayMatchSample", "DelayMatchSampleDistractor1D", "DelayPairedAssociation",
		"DualDelayMatchSample", "GoNogo", "HierarchicalReasoning", "IntervalDiscrimination", "MotorTiming",
		"MultiSensoryIntegration", "OneTwoThreeGo", "PerceptualDecisionMaking", "PerceptualDecisionMakingDelayResponse",
		"PostDecisionWager", "ProbabilisticReasoning", "PulseDecisionMaking", "Reaching1D",
		"Reaching1DWithSelfDistraction", "ReachingDelayResponse", "ReadySetGo"}
	yang := []string{"go", "rtgo", "dlygo", "anti", "rtanti", "dlyanti", "dm1", "dm2", "ctxdm1", "ctxdm2", "multidm",
		"dlydm1", "dlydm2", "ctxdlydm1", "ctxdlydm2", "multidlydm", "dms", "dnms", "dmc", "dnmc"}
	var want []string
	for _, n := range native {
		want = append(want, n+"-v0")
		if _, err := os.Stat(filepath.Join("testdata", "golden", n+"_seed0.json")); err != nil {
			t.Errorf("no golden file for %s", n)
		}
	}
	for _, n := range yang {
		want = append(want, "yang19."+n+"-v0")
		if _, err := os.Stat(filepath.Join("testdata", "golden", "yang19."+n+"_seed0.json")); err != nil {
			t.Errorf("no golden file for yang19.%s", n)
		}
	}
	want = append(want, "yang19.multitask-v0")
	got := IDs()
	for _, id := range want {
		if _, err := lookup(id); err != nil {
			t.Errorf("missing task %s", id)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d tasks registered, want %d", len(got), len(want))
	}
	d, err := Describe("yang19.multitask-v0")
	if err != nil || d.ObSpace.Dim != 53 || d.ActSpace.Dim != 17 {
		t.Errorf("yang19.multitask-v0: %d inputs, %d actions, %v; want 53 and 17", d.ObSpace.Dim, d.ActSpace.Dim, err)
	}
}
