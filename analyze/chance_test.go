package analyze

import (
	"fmt"
	"math"
	"testing"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
)

// TestChancePerformance: a stimulus-blind agent is right 1/dim_ring of the
// time on PerceptualDecisionMaking.
func TestChancePerformance(t *testing.T) {
	for _, ring := range []int{2, 4} {
		task, err := tasks.Make("PerceptualDecisionMaking-v0", []byte(fmt.Sprintf(`{"dt": 100, "dim_ring": %d}`, ring)), data.IntSeed(0))
		if err != nil {
			t.Fatal(err)
		}
		m, se, err := ChancePerformance(task, 4000, 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 / float64(ring); math.Abs(m-want) > 4*se+1e-3 {
			t.Errorf("dim_ring %d: chance %.4f ± %.4f, want %.3f", ring, m, se, want)
		}
	}
	task, _ := tasks.Make("PerceptualDecisionMaking-v0", nil, data.IntSeed(0))
	if _, _, err := ChancePerformance(task, 1, 0); err == nil {
		t.Error("1 trial accepted")
	}
}
