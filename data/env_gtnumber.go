package data

import (
	"fmt"
	"math"
)

// SetGtNumber sets the target of every row of period ("" = all) to the number
// x as NeuroGym's set_groundtruth(x, period) stores it in the int64 target
// array of a Discrete action space: NumPy's float-to-integer cast truncates
// toward zero, and nothing checks that the result is an action of the space.
// Reaching1D relies on this: its targets are angles in radians truncated to
// integers (np.pi becomes 3), not actions, so that trials of such a task fail
// Trial.Validate. It records an error (returned by NewTrial) if x is not
// finite or too large for an int64, where NumPy would store garbage. It
// panics on a Box action space (a task's programming error).
func (e *Env) SetGtNumber(x float64, period string) {
	s, t := e.gtRows(period)
	if e.cur.ActKind != Discrete {
		panic(fmt.Sprintf("data: %s: SetGtNumber on a Box action space", e.spec.ID))
	}
	if math.IsNaN(x) || math.Abs(x) >= 1<<63 {
		e.Fail(fmt.Errorf("target %v: not a finite number that fits the int64 target array", x))
		return
	}
	v := int(math.Trunc(x))
	for r := s; r < t; r++ {
		e.cur.Gt[r] = v
	}
}
