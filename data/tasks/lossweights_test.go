package tasks

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// periodRows is testdata/period_rows.json (made by period_rows.py with the
// real NeuroGym): per case, each trial's steps and periods.
type periodRows struct {
	Task   string          `json:"task"`
	Kwargs json.RawMessage `json:"kwargs"`
	Seed   uint32          `json:"seed"`
	Trials []struct {
		Steps   int     `json:"steps"`
		Periods [][]any `json:"periods"` // [name, start_ind, end_ind]
	} `json:"trials"`
}

// TestLossWeightsMatchNeuroGymPeriods: with per-period loss weights, every
// step of the stream batches (trials back to back) and of the
// trial-aligned batches weighs what NeuroGym's period boundaries
// (start_ind, end_ind) of the same seeded trials say, and the inputs and
// targets are those of the generator without weights.
func TestLossWeightsMatchNeuroGymPeriods(t *testing.T) {
	b, err := os.ReadFile("testdata/period_rows.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []periodRows
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		newTask := func(int, data.Seed) (data.Task, error) { return Make(c.Task, c.Kwargs, data.IntSeed(c.Seed)) }
		// weights 0.25, 0.5, ... by period, the second period left to the default 7
		w := data.PeriodWeights{Default: 7, Weights: map[string]float64{}}
		for i, p := range c.Trials[0].Periods {
			if i != 1 {
				w.Weights[p[0].(string)] = float64(i+1) / 4
			}
		}
		want := func(tr int, row int) float32 {
			v := w.Default
			for _, p := range c.Trials[tr].Periods {
				x, ok := w.Weights[p[0].(string)]
				if ok && int(p[1].(float64)) <= row && row < int(p[2].(float64)) {
					v = x
				}
			}
			return float32(v)
		}
		total, longest := 0, 0
		for _, tr := range c.Trials {
			total += tr.Steps
			longest = max(longest, tr.Steps)
		}

		plain, err := data.NewDataset(newTask, 1, total, 0)
		if err != nil {
			t.Fatal(err)
		}
		stream, err := data.NewWeightedDataset(newTask, 1, total, 0, w, false)
		if err != nil {
			t.Fatal(err)
		}
		var pb, sb data.Batch
		plain.Next(&pb)
		stream.Next(&sb)
		if !slices.Equal(pb.Inputs, sb.Inputs) || !slices.Equal(pb.Targets, sb.Targets) || pb.Mask != nil {
			t.Fatalf("%s: weights changed the trials", c.Task)
		}
		row := 0
		for i, tr := range c.Trials {
			for s := range tr.Steps {
				if got := sb.Mask[row]; got != want(i, s) {
					t.Fatalf("%s seed %d: stream row %d (trial %d step %d) weighs %v, NeuroGym's periods give %v", c.Task, c.Seed, row, i, s, got, want(i, s))
				}
				row++
			}
		}

		aligned, err := data.NewWeightedDataset(newTask, 1, longest+3, 0, w, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, tr := range c.Trials {
			var ab data.Batch
			if err := aligned.Next(&ab); err != nil {
				t.Fatal(err)
			}
			if int(ab.Steps[0]) != tr.Steps {
				t.Fatalf("%s: aligned trial %d has %d steps, NeuroGym %d", c.Task, i, ab.Steps[0], tr.Steps)
			}
			for s := range longest + 3 {
				wv := float32(0)
				if s < tr.Steps {
					wv = want(i, s)
				}
				if ab.Mask[s] != wv {
					t.Fatalf("%s: aligned trial %d step %d weighs %v, want %v", c.Task, i, s, ab.Mask[s], wv)
				}
			}
		}
	}
}
