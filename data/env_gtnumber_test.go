package data

import (
	"math"
	"strings"
	"testing"
)

// gtNumberRules sets the target to x in period "b" as SetGtNumber does.
type gtNumberRules struct{ x float64 }

func (r gtNumberRules) NewTrial(e *Env, v *Vars, cond *Vars) error {
	e.AddPeriods("a", "b")
	e.SetGtNumber(math.Pi, "a")
	e.SetGtNumber(r.x, "b")
	return nil
}

func (gtNumberRules) Step(e *Env, a Action) (float64, bool) { return 0, false }

func TestSetGtNumber(t *testing.T) {
	spec := EnvSpec{ID: "T", Dt: 100, ObSpace: BoxSpace(1), ActSpace: DiscreteSpace(3),
		Timing: Timing{{Period: "a", Spec: Constant(200)}, {Period: "b", Spec: Constant(200)}}}
	// NumPy: np.zeros(4, dtype=np.int64)[...] = x truncates toward zero
	for _, c := range []struct {
		x    float64
		want int
	}{{4.49, 4}, {6.28, 6}, {-0.7, 0}, {-1.5, -1}, {2, 2}} {
		e, err := NewEnv(spec, gtNumberRules{c.x}, IntSeed(0))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := e.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.Gt; len(got) != 4 || got[0] != 3 || got[1] != 3 || got[2] != c.want || got[3] != c.want {
			t.Errorf("x = %v: gt %v, want [3 3 %d %d]", c.x, got, c.want, c.want)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), 1e19} {
		e, _ := NewEnv(spec, gtNumberRules{x}, IntSeed(0))
		if _, err := e.NewTrial(nil); err == nil || !strings.Contains(err.Error(), "int64") {
			t.Errorf("x = %v: error %v", x, err)
		}
	}
}
