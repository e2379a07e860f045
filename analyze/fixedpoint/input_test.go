package fixedpoint

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
)

// noiseFree makes task id with the keywords kw and, if the task has one,
// sigma 0 (as the analysis makes its copy).
func noiseFree(t *testing.T, id, kw string) data.Task {
	t.Helper()
	d, err := tasks.Describe(id)
	if err != nil {
		t.Fatal(err)
	}
	if d.HasKwarg("sigma") {
		if kw == "" {
			kw = `{"sigma": 0}`
		} else {
			kw = strings.TrimSuffix(kw, "}") + `, "sigma": 0}`
		}
	}
	task, err := tasks.Make(id, []byte(kw), data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// TestTaskInputPerceptualDecisionMaking: the default input of the tutorial's
// task is exactly fixation 1 and both stimulus channels 0.5 (issue 10), a
// forced condition gives its closed-form stimulus, and a period its input.
func TestTaskInputPerceptualDecisionMaking(t *testing.T) {
	task := noiseFree(t, "PerceptualDecisionMaking-v0", `{"dt": 20, "timing": {"stimulus": 1000}}`)
	in, err := TaskInput(task, InputChoice{}, data.IntSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in.Values, []float64{1, 0.5, 0.5}) {
		t.Errorf("default input %v, want exactly [1 0.5 0.5]", in.Values)
	}
	if !slices.Equal(in.Channels, []string{"fixation", "stimulus[0]", "stimulus[1]"}) || in.Source != "zero evidence" ||
		in.Period != "stimulus" || string(in.Condition) != `{"coh": 0}` || in.NTrials != DefaultInputTrials || in.Task != "PerceptualDecisionMaking-v0" {
		t.Errorf("default input described as %+v", in)
	}
	if s := in.String(); !strings.Contains(s, "[fixation 1, stimulus[0] 0.5, stimulus[1] 0.5]") || !strings.Contains(s, `zero evidence {"coh": 0}`) {
		t.Errorf("String() = %s", s)
	}

	// coherence 51.2 towards choice 1: cos(θ_k - θ_1)·0.256 + 0.5, in float32
	in, err = TaskInput(task, InputChoice{Condition: []byte(`{"coh": 51.2, "ground_truth": 1}`), NTrials: 3}, data.IntSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, float64(float32(0.5 - 0.256)), float64(float32(0.5 + 0.256))}
	for i := range want {
		if math.Abs(in.Values[i]-want[i]) > 1e-7 {
			t.Errorf("input under coh 51.2 towards 1: %v, want %v", in.Values, want)
			break
		}
	}
	if in.Source != "condition" || in.NTrials != 3 || string(in.Condition) != `{"coh": 51.2, "ground_truth": 1}` {
		t.Errorf("condition input described as %+v", in)
	}
	// the decision period: the go cue (fixation off), no stimulus
	in, err = TaskInput(task, InputChoice{Period: "decision"}, data.IntSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in.Values, []float64{0, 0, 0}) {
		t.Errorf("decision-period input %v, want zeros", in.Values)
	}
	// with the task's own noise the mean is near, not at, the noise-free one
	noisy, err := tasks.Make("PerceptualDecisionMaking-v0", []byte(`{"dt": 20}`), data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	in, err = TaskInput(noisy, InputChoice{}, data.IntSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	if in.Values[0] != 1 || in.Values[1] == 0.5 || math.Abs(in.Values[1]-0.5) > 0.01 || math.Abs(in.Values[2]-0.5) > 0.01 {
		t.Errorf("noisy default input %v, want near [1 0.5 0.5]", in.Values)
	}
}

// TestTaskInputVector: an explicit vector, as an array or by channel names.
func TestTaskInputVector(t *testing.T) {
	task := noiseFree(t, "PerceptualDecisionMaking-v0", "")
	for _, v := range []string{`[1, 0.6, 0.4]`, `{"stimulus": [0.6, 0.4], "fixation": 1}`} {
		in, err := TaskInput(task, InputChoice{Vector: []byte(v)}, data.IntSeed(0))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(in.Values, []float64{1, 0.6, 0.4}) || in.Source != "vector" || len(in.Channels) != 3 {
			t.Errorf("vector %s: %+v", v, in)
		}
	}
	in, err := TaskInput(task, InputChoice{Vector: []byte(`{"fixation": 0, "stimulus": 0.5}`)}, data.IntSeed(0))
	if err != nil || !slices.Equal(in.Values, []float64{0, 0.5, 0.5}) {
		t.Errorf("a number for a channel of two: %v, %v", in, err)
	}
}

// TestTaskInputErrors: every bad choice is an error naming what is wrong
// and what is allowed.
func TestTaskInputErrors(t *testing.T) {
	task := noiseFree(t, "PerceptualDecisionMaking-v0", "")
	for _, c := range []struct {
		name string
		c    InputChoice
		want string
	}{
		{"vector size", InputChoice{Vector: []byte(`[1, 0.5]`)}, "input vector has 2 values, the task's observation has 3 (fixation, stimulus[0], stimulus[1])"},
		{"vector not numbers", InputChoice{Vector: []byte(`[1, "a", 0]`)}, "want a JSON array of 3 numbers"},
		{"vector not JSON", InputChoice{Vector: []byte(`1,2,3`)}, "want a JSON array of 3 numbers or an object"},
		{"unknown channel", InputChoice{Vector: []byte(`{"fixation": 1, "stim": 0.5}`)}, `no observation channel "stim" (the task's: fixation, stimulus)`},
		{"missing channel", InputChoice{Vector: []byte(`{"fixation": 1}`)}, "no value for stimulus[0], stimulus[1]"},
		{"channel size", InputChoice{Vector: []byte(`{"fixation": 1, "stimulus": [1, 2, 3]}`)}, "channel stimulus has 2 elements, given 3 values"},
		{"vector and condition", InputChoice{Vector: []byte(`[1, 0.5, 0.5]`), Condition: []byte(`{"coh": 0}`)}, "either a vector or a condition"},
		{"vector and period", InputChoice{Vector: []byte(`[1, 0.5, 0.5]`), Period: "delay"}, "either a vector or a condition"},
		{"condition not an object", InputChoice{Condition: []byte(`[0]`)}, "input condition: trial variables: want a JSON object"},
		{"condition refused", InputChoice{Condition: []byte(`{"ground_truth": 7}`)}, `input condition {"ground_truth": 7}: PerceptualDecisionMaking-v0: new trial: trial variable ground_truth = 7: want a choice in [0, 2)`},
		{"condition kind", InputChoice{Condition: []byte(`{"coh": "high"}`)}, "forced value \"high\" is a str"},
		{"task of a single task", InputChoice{Condition: []byte(`{"task": "GoNogo-v0"}`)}, `task = "GoNogo-v0": want one of the tasks trained (PerceptualDecisionMaking-v0)`},
		{"unknown period", InputChoice{Period: "stim"}, `input period "stim": no step of it in 64 trials of PerceptualDecisionMaking-v0 (their periods: fixation, stimulus, delay, decision)`},
		{"empty period", InputChoice{Period: "delay"}, `input period "delay": no step of it`},
		{"n_trials", InputChoice{NTrials: -1}, "input n_trials = -1, want >= 1"},
	} {
		_, err := TaskInput(task, c.c, data.IntSeed(0))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestTaskInputOtherTasks: the default for a yang19 task without evidence
// (the mean over conditions of the stimulus period: fixation on, the
// modality not shown at 0, the one shown positive), a Box task (the first
// period after fixation is its stimulus), a context task (both modalities
// at zero coherence in the first context), and schedules (the chosen task's
// input with its rule input).
func TestTaskInputOtherTasks(t *testing.T) {
	in, err := TaskInput(noiseFree(t, "yang19.dm1-v0", ""), InputChoice{}, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	if in.Source != "mean over conditions" || in.Period != "stimulus" || len(in.Values) != 33 || in.Channels[17] != "stimulus_mod2[0]" {
		t.Errorf("yang19.dm1-v0: %+v", in)
	}
	mod1 := 0.0
	for i, v := range in.Values {
		switch {
		case i == 0 && v != 1, i >= 17 && v != 0, i >= 1 && i < 17 && v <= 0:
			t.Fatalf("yang19.dm1-v0: input %d (%s) = %v", i, in.Channels[i], v)
		case i >= 1 && i < 17:
			mod1 += v
		}
	}

	box := noiseFree(t, "ReachingDelayResponse-v0", "")
	in, err = TaskInput(box, InputChoice{Condition: []byte(`{"ground_truth": 0.25}`)}, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in.Values, []float64{0, 0.25}) || in.Period != "stimulus" || !slices.Equal(in.Channels, []string{"go", "stimulus"}) {
		t.Errorf("ReachingDelayResponse-v0 at 0.25: %+v", in)
	}
	in, err = TaskInput(box, InputChoice{Period: "delay"}, data.IntSeed(0))
	if err != nil || !slices.Equal(in.Values, []float64{0, -0.5}) || in.Source != "mean over conditions" {
		t.Errorf("ReachingDelayResponse-v0 delay: %+v, %v", in, err)
	}

	in, err = TaskInput(noiseFree(t, "ContextDecisionMaking-v0", ""), InputChoice{}, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	if in.Source != "zero evidence" || !slices.Equal(in.Values, []float64{1, 0.5, 0.5, 0.5, 0.5, 1, 0}) {
		t.Errorf("ContextDecisionMaking-v0: %v (%v)", in.Values, in.Channels)
	}

	multi := noiseFree(t, "yang19.multitask-v0", "")
	in, err = TaskInput(multi, InputChoice{Condition: []byte(`{"task": "yang19.dm1-v0"}`)}, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Values) != 53 || in.Task != "yang19.dm1-v0" || in.Channels[33] != "rule yang19.go-v0" {
		t.Fatalf("multitask, dm1: %d values, task %s, channel 33 %q", len(in.Values), in.Task, in.Channels[33])
	}
	for i := 33; i < 53; i++ {
		want := 0.0
		if in.Channels[i] == "rule yang19.dm1-v0" {
			want = 1
		}
		if in.Values[i] != want {
			t.Errorf("multitask, dm1: %s = %v, want %v", in.Channels[i], in.Values[i], want)
		}
	}
	sum := 0.0
	for _, v := range in.Values[1:17] {
		sum += v
	}
	if math.Abs(sum-mod1) > 0.3*mod1 {
		t.Errorf("multitask, dm1: modality 1 sums to %v, dm1 alone %v", sum, mod1)
	}
	if _, err := TaskInput(multi, InputChoice{Condition: []byte(`{"task": 20}`)}, data.IntSeed(0)); err == nil || !strings.Contains(err.Error(), "want one of the tasks trained (yang19.go-v0,") {
		t.Errorf("multitask, task 20: error %v", err)
	}

	e1, e2 := noiseFree(t, "PerceptualDecisionMaking-v0", "").(*data.Env), noiseFree(t, "PerceptualDecisionMakingDelayResponse-v0", "").(*data.Env)
	sched, err := data.NewSchedule("two", []*data.Env{e1, e2}, data.RandomSchedule, true, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	in, err = TaskInput(sched, InputChoice{}, data.IntSeed(0))
	if err != nil || !slices.Equal(in.Values, []float64{1, 0.5, 0.5, 1, 0}) || in.Channels[4] != "rule PerceptualDecisionMakingDelayResponse-v0" {
		t.Errorf("schedule, first task: %+v, %v", in, err)
	}
	in, err = TaskInput(sched, InputChoice{Condition: []byte(`{"task": 1, "coh": 0}`)}, data.IntSeed(0))
	if err != nil || !slices.Equal(in.Values, []float64{1, 0.5, 0.5, 0, 1}) || in.Source != "condition" || string(in.Condition) != `{"coh": 0}` {
		t.Errorf("schedule, second task: %+v, %v", in, err)
	}
}
