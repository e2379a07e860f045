package tasks

import (
	"fmt"
	"math"
	"math/big"

	"github.com/taskrnn/taskrnn/data"
)

// motorTasks are the go/no-go, timing and reaching tasks.
func motorTasks() []entry {
	return []entry{
		{"AntiReach-v0", newAntiReach},
		{"GoNogo-v0", newGoNogo},
		{"MotorTiming-v0", newMotorTiming},
		{"OneTwoThreeGo-v0", newOneTwoThreeGo},
		{"Reaching1D-v0", newReaching1D},
		{"Reaching1DWithSelfDistraction-v0", newReaching1DWithSelfDistraction},
		{"ReachingDelayResponse-v0", newReachingDelayResponse},
		{"ReadySetGo-v0", newReadySetGo},
	}
}

// The rest of this file is what the motor tasks share.

// ringTheta returns np.arange(0, 2*pi, 2*pi/n), the preferred directions of
// a ring of n units (AntiReach, Reaching1D): element i is i*(2*pi/n), as
// NumPy fills an arange. For some n (61, 122, 197, ...) rounding makes NumPy
// return n+1 elements, and NeuroGym then fails adding them to n observation
// channels; ringTheta records an error on keyword name for those n.
func ringTheta(k *data.Kwargs, name string, n int) []float64 {
	if arangeRingLen(n) != n {
		k.Errorf(name, "%d: np.arange(0, 2*pi, 2*pi/%d) has %d elements, not %d, so NeuroGym cannot build the ring input; choose another size", n, n, arangeRingLen(n), n)
	}
	return linspaceRing(n)
}

// pyMod is NumPy's np.mod (Python's %) on floats: the remainder takes the
// sign of the divisor b.
func pyMod(a, b float64) float64 {
	m := math.Mod(a, b)
	if m != 0 && (b < 0) != (m < 0) {
		m += b
	} else if m == 0 {
		m = math.Copysign(0, b)
	}
	return m
}

// pow15 returns x**1.5 correctly rounded, computed as sqrt(x^3) with x^3
// exact in 192 bits. Python's ** calls the C library's pow, which glibc
// computes within 0.52 ulp; Go's math.Pow(x, 1.5) is exp(0.5*log(x))*x and
// differs from glibc in the last bits for about 40% of x in [0, 1], the
// correctly rounded value in about 0.1% (measured on 250000 values). x must
// be >= 0.
func pow15(x float64) float64 {
	b := new(big.Float).SetPrec(192).SetFloat64(x)
	c := new(big.Float).SetPrec(192).Mul(b, b)
	c.Mul(c, b)
	c.Sqrt(c)
	f, _ := c.Float64()
	return f
}

// timedResponse is the reward rule of NeuroGym's interval-production tasks
// (ReadySetGo, MotorTiming, OneTwoThreeGo): a go response produced tProd ms
// after the reference event, for a target interval target ms, is off by
// eps = |tProd - target|; beyond eps_threshold = prodMargin*target + 25 it
// earns rewards["fail"], within it max((1 - eps/eps_threshold)**1.5, 0.1)
// times rewards["correct"] and performance 1.
func timedResponse(e *data.Env, tProd, target, prodMargin float64) float64 {
	eps := math.Abs(tProd - target)
	thr := prodMargin*target + 25
	if eps > thr {
		return e.Reward("fail")
	}
	r := max(pow15(1-eps/thr), 0.1)
	e.SetPerformance(1)
	return r * e.Reward("correct")
}

// setTimedTarget sets NeuroGym's target of the interval-production tasks:
// gt = np.zeros(int(2*production/dt)); gt[int(production/dt)] = 1;
// set_groundtruth(gt, "production"). NeuroGym fails when production < dt/2
// (the index lies outside the array) or when the array's length differs from
// the production period's rows (rounding of the period's start); both are
// recorded as errors naming production and dt. scratch holds the target
// array between trials (no allocation per trial).
func setTimedTarget(e *data.Env, production float64, scratch *[]int) {
	dt := e.Dt()
	n := int(2 * production / dt)
	i := int(production / dt)
	if !(production > 0) || i >= n {
		e.Fail(fmt.Errorf("production = %v ms at dt = %v ms: the target index int(production/dt) = %d lies outside the int(2*production/dt) = %d rows of the target (NeuroGym fails here too); production must be at least dt/2",
			production, dt, i, n))
		return
	}
	s, t := e.PeriodRows("production")
	if t-s != n && n != 1 {
		e.Fail(fmt.Errorf("production = %v ms at dt = %v ms: the target has int(2*production/dt) = %d rows but the production period spans %d (its start, %v ms, and length, 2*production, are not whole numbers of steps, and rounding differs; NeuroGym fails here too): choose dt and the durations (and gain) so that they are",
			production, dt, n, t-s, e.StartT("production")))
		return
	}
	gt := (*scratch)[:0]
	for k := 0; k < n; k++ {
		gt = append(gt, 0)
	}
	gt[i] = 1
	*scratch = gt
	e.SetGtRows(gt, "production")
}

// finiteVars returns an error naming the first trial variable that holds NaN
// or an infinity (only a forced value can). NeuroGym would build a trial of
// NaNs or fail; the engine refuses such trials too, but this error comes
// first and names the value in Go's notation.
func finiteVars(v *data.Vars) error {
	for _, x := range v.All() {
		bad := math.IsNaN(x.Num) || math.IsInf(x.Num, 0)
		for _, y := range x.List {
			bad = bad || math.IsNaN(y) || math.IsInf(y, 0)
		}
		if bad {
			if x.IsScalar() {
				return fmt.Errorf("trial variable %s = %v: want a finite number", x.Name, x.Num)
			}
			return fmt.Errorf("trial variable %s = %v: want finite numbers", x.Name, x.List)
		}
	}
	return nil
}
