package tasks

import (
	"fmt"
	"math"

	"github.com/taskrnn/taskrnn/data"
)

// The yang19 collection (neurogym/envs/collections/yang19.py at NeuroGym
// commit ee0a140c) is NeuroGym's version of the 20 tasks of Yang et al.
// (2019), "Task representations in neural networks trained to perform many
// cognitive tasks", Nature Neuroscience 22:297-306
// (https://www.nature.com/articles/s41593-018-0310-2). Every task has a
// fixation input, two modalities of dim_ring ring inputs (33 inputs with the
// default dim_ring = 16) and dim_ring + 1 actions (fixate, or one of
// dim_ring directions); stimuli are Gaussian bumps on the ring. Three
// NeuroGym classes make them:
//
//   - _Reach (yang19_reach.go): go, rtgo, dlygo, anti, rtanti, dlyanti;
//   - _DMFamily (yang19_dm.go): dm1, dm2, ctxdm1, ctxdm2, multidm, dlydm1,
//     dlydm2, ctxdlydm1, ctxdlydm2, multidlydm;
//   - _DelayMatch1DResponse (yang19_delaymatch.go): dms, dnms, dmc, dnmc.
//
// _Reach and _DelayMatch1DResponse tasks show their stimulus in one
// modality, alternating between the two from trial to trial
// (yang19_modality.go). yang19.multitask-v0 (yang19_multitask.go) schedules
// the 20 tasks with rule inputs, as Yang et al. trained them.

// yang19MaxDimRing bounds dim_ring (NeuroGym has no bound; a huge ring
// would only exhaust memory).
const yang19MaxDimRing = 100000

// arangeRingLen returns len(np.arange(0, 2*pi, 2*pi/n)): NumPy's
// ceil((stop - start)/step), which floating-point rounding makes n + 1 for
// some n (61, 122, 197, ...).
func arangeRingLen(n int) int {
	return int(math.Ceil(2 * math.Pi / (2 * math.Pi / float64(n))))
}

// checkArangeRing reports, for a task whose ring NeuroGym builds with
// np.arange (_Reach), a dim_ring for which that ring has the wrong length:
// NeuroGym then fails on its first trial (the stimulus does not fit the
// observation).
func checkArangeRing(k *data.Kwargs, n int) {
	if n >= 1 && arangeRingLen(n) != n {
		k.Errorf("dim_ring", "%d: NeuroGym's ring np.arange(0, 2*pi, 2*pi/%d) has %d points, not %d (floating-point rounding), and the task fails; choose another dim_ring", n, n, arangeRingLen(n), n)
	}
}

// gaussianBump sets dst[k] to NeuroGym's _gaussianbump(loc, theta,
// strength)[k] = 0.8 * exp(-d_k^2/2) * strength, d_k the distance on the
// circle between loc and theta[k] in units of pi/8 (radians in, a bump of
// peak 0.8*strength out), with NumPy's float64 arithmetic in NumPy's order
// and NumPy's exp (numpyExp).
func gaussianBump(dst []float64, loc float64, theta []float64, strength float64) {
	for k, th := range theta {
		d := math.Abs(loc - th)
		d = math.Min(d, 2*math.Pi-d) // _get_dist: periodic boundary
		d /= math.Pi / 8
		dst[k] = float64(float64(0.8*numpyExp(-float64(d*d)/2)) * strength)
	}
}

// yang19Info is the part of a yang19 task's description its class shares.
func yang19Info(summary string, conditions ...string) data.TaskInfo {
	return data.TaskInfo{
		Summary:    summary,
		Paper:      "Yang et al. (2019), Task representations in neural networks trained to perform many cognitive tasks",
		Link:       "https://www.nature.com/articles/s41593-018-0310-2",
		Conditions: conditions,
	}
}

// yang19DimRing declares dim_ring (default 16) with at least lo units.
func yang19DimRing(k *data.Kwargs, lo int) int {
	return k.Int("dim_ring", 16, data.AtLeast(float64(lo)), func(v float64) string {
		if v > yang19MaxDimRing {
			return fmt.Sprintf("must be at most %d", yang19MaxDimRing)
		}
		return ""
	})
}

// noTruncExp refuses TruncExp timing objects: NeuroGym's yang19 functions
// pass one timing dictionary to both modalities of a task (and the schedule
// to every task), so a TruncExp object there would be one stream shared by
// several environments, which this port does not model (NeuroGym's
// sample_time has no "TruncExp" form either).
func noTruncExp(k *data.Kwargs, t data.Timing) {
	for _, p := range t {
		if p.Spec.Kind == data.TimingTruncExp {
			k.Errorf("timing."+p.Period, "TruncExp objects are not allowed in the yang19 tasks (use [\"truncated_exponential\", [mean, min, max]])")
		}
	}
}
