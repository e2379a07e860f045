package tasks

import (
	"slices"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// TestEvidenceZero: for every task that declares a zero-evidence condition
// (data.Evidence.Zero), the condition parses, every trial drawn under it
// has evidence 0, and without stimulus noise (sigma 0) the input during
// the stimulus is the same on every trial whatever else is drawn (the
// stimulus does not reveal the answer). The tasks with evidence but no
// such condition are the ones whose rules document why.
func TestEvidenceZero(t *testing.T) {
	var without []string
	for _, id := range IDs() {
		d, err := Describe(id)
		if err != nil {
			t.Fatal(err)
		}
		ev := d.Info.Evidence
		if ev == nil {
			continue
		}
		if ev.Zero == "" {
			without = append(without, id)
			continue
		}
		cond, err := data.ParseVars([]byte(ev.Zero))
		if err != nil {
			t.Fatalf("%s: Zero %s: %v", id, ev.Zero, err)
		}
		kw := []byte(`{}`)
		if d.HasKwarg("sigma") {
			kw = []byte(`{"sigma": 0}`)
		}
		task, err := Make(id, kw, data.IntSeed(3))
		if err != nil {
			t.Fatal(err)
		}
		var first []float32
		for i := 0; i < 40; i++ {
			tr, err := task.NewTrial(cond)
			if err != nil {
				t.Fatalf("%s: trial under %s: %v", id, ev.Zero, err)
			}
			if x := ev.Value(&tr.Vars); x != 0 {
				t.Errorf("%s: evidence %v under %s (trial %s)", id, x, ev.Zero, tr.Vars.JSON())
			}
			p, ok := tr.Period("stimulus")
			if !ok || p.Steps() == 0 {
				t.Fatalf("%s: no stimulus period to check", id)
			}
			// the first stimulus row (periods may differ in length)
			row := tr.Row(p.StartIdx)
			if first == nil {
				first = append([]float32(nil), row...)
			} else if !slices.Equal(row, first) {
				t.Errorf("%s: stimulus input %v on trial %s, %v on the first", id, row, tr.Vars.JSON(), first)
				break
			}
		}
	}
	want := []string{"DelayComparison-v0", "IntervalDiscrimination-v0", "ProbabilisticReasoning-v0", "PulseDecisionMaking-v0"}
	if !slices.Equal(without, want) {
		t.Errorf("tasks with evidence but no zero-evidence condition: %v, want %v (each documents why)", without, want)
	}
}
