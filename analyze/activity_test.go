package analyze

import (
	"bytes"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
)

// pdmLabels returns the labels of PerceptualDecisionMaking-v0 with its
// defaults (conditions coh and ground_truth, signed-coherence evidence).
func pdmLabels(t testing.TB) TaskLabels {
	t.Helper()
	task, err := tasks.Make("PerceptualDecisionMaking-v0", nil, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	return LabelsOf(task)
}

// setTrial sets trial n's PerceptualDecisionMaking variables.
func setTrial(a *Activity, n, g int, coh float64) {
	a.Vars[n].Reset()
	a.Vars[n].SetInt("ground_truth", g)
	a.Vars[n].SetFloat("coh", coh)
}

// handActivity builds 6 two-choice trials of 3 steps (decision at the last
// step) whose last-step outputs make the choices known by hand.
//
//	trial  gt  coh   last-step logits     choice  correct
//	0      0   0     [0, 2, 1]            1       yes
//	1      1   0     [0, 2, 1]            1       no
//	2      0   6.4   [3, 1, 2]            0       no (still fixating)
//	3      1   6.4   [0, 1, 5]            2       yes
//	4      1   51.2  [0, -1, 4]           2       yes
//	5      0   51.2  [1, 1, 1]            0       no (tie -> lowest index)
func handActivity(t *testing.T) *Activity {
	t.Helper()
	a, err := NewActivity(6, 3, 3, 2, 3, data.Discrete)
	if err != nil {
		t.Fatal(err)
	}
	a.Dt = 100
	a.Task = pdmLabels(t)
	gts := []int{0, 1, 0, 1, 1, 0}
	cohs := []float64{0, 0, 6.4, 6.4, 51.2, 51.2}
	logits := [][3]float32{{0, 2, 1}, {0, 2, 1}, {3, 1, 2}, {0, 1, 5}, {0, -1, 4}, {1, 1, 1}}
	for n := range 6 {
		setTrial(a, n, gts[n], cohs[n])
		a.Target[n*3+2] = int32(gts[n] + 1)
		copy(a.Outputs[(n*3+2)*3:], logits[n][:])
		// Earlier steps favour fixation strongly; they must not matter.
		a.Outputs[(n*3+0)*3] = 9
		a.Outputs[(n*3+1)*3] = 9
	}
	if err := a.Decide(); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDecideAndAccuracyHandChecked(t *testing.T) {
	a := handActivity(t)
	wantChoice := []int{1, 1, 0, 2, 2, 0}
	wantCorrect := []bool{true, false, false, true, true, false}
	for n := range wantChoice {
		if a.Choice[n] != wantChoice[n] || a.Correct[n] != wantCorrect[n] {
			t.Errorf("trial %d: choice %d correct %v, want %d %v", n, a.Choice[n], a.Correct[n], wantChoice[n], wantCorrect[n])
		}
	}
	acc, err := a.Accuracy()
	if err != nil {
		t.Fatal(err)
	}
	if acc.N != 6 || acc.Correct != 3 || acc.NoResponse != 2 || acc.Percent() != 50 {
		t.Errorf("overall = %+v (%.1f%%), want N 6, Correct 3, NoResponse 2, 50%%", acc, acc.Percent())
	}
	// A trial whose answer is to keep fixating (a no-go) and that does is
	// correct and not a missed response.
	// Trial 2 keeps fixating (choice 0); make fixating its answer.
	a.Target[2*3+2] = 0
	if err := a.Decide(); err != nil {
		t.Fatal(err)
	}
	if acc2, err := a.Accuracy(); err != nil || acc2.Correct != 4 || acc2.NoResponse != 1 {
		t.Errorf("with a correct fixation: %+v, %v; want Correct 4, NoResponse 1", acc2, err)
	}
	if len(acc.ByCondition) != 2 || acc.ByCondition[0].Var != "coh" || acc.ByCondition[1].Var != "ground_truth" {
		t.Fatalf("conditions = %+v, want coh then ground_truth", acc.ByCondition)
	}
	want := []Level{{"0.0", 0, 2, 1, 0, 0}, {"6.4", 6.4, 2, 1, 0, 0}, {"51.2", 51.2, 2, 1, 0, 0}}
	if got := acc.ByCondition[0].Levels; len(got) != len(want) {
		t.Fatalf("per coherence = %+v, want %+v", got, want)
	}
	for i, w := range want {
		if got := acc.ByCondition[0].Levels[i]; got != w {
			t.Errorf("per coherence[%d] = %+v, want %+v", i, got, w)
		}
	}
	gt := acc.ByCondition[1].Levels
	if len(gt) != 2 || gt[0].N != 3 || gt[0].Correct != 1 || gt[1].N != 3 || gt[1].Correct != 2 {
		t.Errorf("per ground truth = %+v", gt)
	}
	var buf bytes.Buffer
	if err := acc.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"6.4", "51.2", "50.0", "all", "still fixating"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, buf.String())
		}
	}
}

func TestDecideUsesEachTrialsLastStep(t *testing.T) {
	a, err := NewActivity(2, 4, 3, 1, 3, data.Discrete)
	if err != nil {
		t.Fatal(err)
	}
	a.Dt = 20
	a.Steps = []int{2, 4}
	// Trial 0 ends at step 1 and chooses 1 there; its padding says 2.
	a.Target[1], a.Target[3] = 1, 0
	copy(a.Outputs[1*3:], []float32{0, 5, 0})
	copy(a.Outputs[3*3:], []float32{0, 0, 9})
	// Trial 1 ends at step 3 and chooses 2.
	a.Target[4+3] = 2
	copy(a.Outputs[(4+3)*3:], []float32{0, 0, 1})
	if err := a.Decide(); err != nil {
		t.Fatal(err)
	}
	if a.Choice[0] != 1 || !a.Correct[0] || a.Choice[1] != 2 || !a.Correct[1] {
		t.Errorf("choices %v correct %v, want [1 2] [true true]", a.Choice, a.Correct)
	}
	if s, e, ok := a.DecisionSteps(1); !ok || s != 3 || e != 4 {
		t.Errorf("DecisionSteps(1) = %d, %d, %v, want 3, 4, true", s, e, ok)
	}
}

func TestValidateErrors(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(a *Activity)
		want  string
	}{
		{"dt", func(a *Activity) { a.Dt = 0 }, "Dt"},
		{"hidden length", func(a *Activity) { a.Hidden = a.Hidden[1:] }, "len(Activity.Hidden)"},
		{"steps", func(a *Activity) { a.Steps[2] = 4 }, "Steps[2]"},
		{"vars", func(a *Activity) { a.Vars = a.Vars[:2] }, "len(Activity.Vars)"},
		{"performance", func(a *Activity) { a.Performance = nil }, "len(Activity.Performance)"},
		{"box targets", func(a *Activity) { a.ActKind = data.Box }, "len(Activity.Target)"},
		{"target", func(a *Activity) { a.Target[5] = 3 }, "Target[5]"},
		{"N", func(a *Activity) { a.N = 0 }, "Activity.N"},
	}
	for _, c := range cases {
		a := handActivity(t)
		c.spoil(a)
		err := a.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want error mentioning %q", c.name, err, c.want)
		}
		if _, err := a.Accuracy(); err == nil {
			t.Errorf("%s: Accuracy accepted a bad Activity", c.name)
		}
	}
	if _, err := NewActivity(1, 0, 3, 2, 3, data.Discrete); err == nil || !strings.Contains(err.Error(), "steps") {
		t.Errorf("NewActivity with 0 steps: err = %v", err)
	}
}

func TestProbabilitiesSumToOne(t *testing.T) {
	a := handActivity(t)
	a.Outputs[0] = 1000 // huge logit must not overflow
	p := a.Probabilities(0)
	for s := range 3 {
		sum := p[s*3] + p[s*3+1] + p[s*3+2]
		if sum < 1-1e-12 || sum > 1+1e-12 {
			t.Errorf("step %d: probabilities sum to %v", s, sum)
		}
	}
	if p[0] != 1 {
		t.Errorf("p[0] = %v, want 1", p[0])
	}
}

// TestLabelsOfSchedule: yang19.multitask-v0's space has no names (as in
// NeuroGym); its inputs take the first scheduled task's name for each
// (yang19.go names the first ring, yang19.dm1 the second), then one rule
// input per task.
func TestLabelsOfSchedule(t *testing.T) {
	task, err := tasks.Make("yang19.multitask-v0", nil, data.IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	l := LabelsOf(task)
	if len(l.ObNames) != 53 {
		t.Fatalf("%d input names, want 53", len(l.ObNames))
	}
	for i, want := range map[int]string{0: "fixation", 1: "stimulus[0]", 16: "stimulus[15]", 17: "stimulus_mod2[0]", 32: "stimulus_mod2[15]", 33: "rule yang19.go-v0", 52: "rule yang19.dnmc-v0"} {
		if l.ObNames[i] != want {
			t.Errorf("input %d named %q, want %q", i, l.ObNames[i], want)
		}
	}
}
