package tasks

import (
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// FuzzKwargs feeds arbitrary keyword JSON to every task: Make either
// refuses it with an error or returns a task that draws trials and steps
// through them without panicking, hanging or exhausting memory.
func FuzzKwargs(f *testing.F) {
	for _, s := range []string{`{}`, `{"dt": 20}`, `{"cohs": [1e70]}`, `{"timing": {"fixation": ["truncated_exponential", [100, 50300]]}}`,
		`{"dt": 120}`, `{"dim_ring": 61}`, `{"timing": {"stimulus": ["uniform", [0, 1e9]]}}`, `{"sigma": -1}`, `{"rewards": {"correct": 1e308}}`,
		`{"gain": 0.001}`, `{"vpairs": [[1, 1]]}`, `{"timing": {"delay": [0]}}`, `{"dt": 1e-300}`} {
		f.Add(uint8(0), []byte(s))
	}
	ids := IDs()
	f.Fuzz(func(t *testing.T, which uint8, kw []byte) {
		id := ids[int(which)%len(ids)]
		task, err := Make(id, kw, data.IntSeed(1))
		if err != nil {
			return
		}
		values := 0
		for k := 0; k < 3; k++ {
			tr, err := task.NewTrial(nil)
			if err != nil {
				return
			}
			if values += len(tr.Ob); values > 1<<24 {
				return // huge but legal timing: bounded by the caller (cmd/task, memory estimates)
			}
			if err := tr.Validate(); err != nil && id != "Reaching1D-v0" && id != "Reaching1DWithSelfDistraction-v0" {
				t.Fatalf("%s %s: invalid trial: %v", id, kw, err)
			}
			acts := make([]data.Action, tr.T)
			for i := range acts {
				if tr.ActKind == data.Box {
					acts[i] = data.Action{Vec: make([]float64, tr.ActDim)}
				}
			}
			if _, err := task.Replay(tr, acts); err != nil {
				t.Fatalf("%s %s: replay: %v", id, kw, err)
			}
		}
	})
}
