package tasks

import "github.com/taskrnn/taskrnn/data"

// memoryTasks are the working-memory and comparison tasks.
func memoryTasks() []entry {
	return []entry{
		{"DelayComparison-v0", newDelayComparison},
		{"DelayMatchCategory-v0", newDelayMatchCategory},
		{"DelayMatchSample-v0", newDelayMatchSample},
		{"DelayMatchSampleDistractor1D-v0", newDelayMatchSampleDistractor1D},
		{"DelayPairedAssociation-v0", newDelayPairedAssociation},
		{"DualDelayMatchSample-v0", newDualDelayMatchSample},
		{"IntervalDiscrimination-v0", newIntervalDiscrimination},
	}
}

// forcedIn reports whether trial variable name (an int, or a float forced
// in its place, as Python allows) equals one of allowed.
func forcedIn(v *data.Vars, name string, allowed ...float64) bool {
	x := v.Float(name)
	for _, a := range allowed {
		if x == a {
			return true
		}
	}
	return false
}

// fixateThenChooseIn is the step rule of the memory tasks whose answer
// period is called answer (NeuroGym's _step of DelayComparison,
// DelayMatchCategory, DelayMatchSample, IntervalDiscrimination): in
// fixation an action other than 0 costs rewards["abort"] and the trial goes
// on (their abort is False); in answer an action other than 0 ends the trial
// with rewards["correct"] and performance 1 if it is the target, else
// rewards["fail"]. Other periods are free.
func fixateThenChooseIn(e *data.Env, a data.Action, answer string) (float64, bool) {
	switch {
	case e.InPeriod("fixation"):
		if a.Index != 0 {
			return e.Reward("abort"), false
		}
	case e.InPeriod(answer):
		if a.Index != 0 {
			if a.Index == e.GtNow() {
				e.SetPerformance(1)
				return e.Reward("correct"), true
			}
			return e.Reward("fail"), true
		}
	}
	return 0, false
}
