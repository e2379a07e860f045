package data

import "fmt"

// StepInfo describes one step of the stepping API.
type StepInfo struct {
	// Gt is the correct action at the step just taken.
	Gt int
	// NewTrial reports that the trial ended at this step (a choice in the
	// decision period, an abort when Abort is set, or the last row); the
	// observation returned with it is row 0 of the next trial.
	NewTrial bool
	// Performance is, when NewTrial is set, 1 if the trial ended with a correct
	// choice and 0 otherwise.
	Performance float64
	// Trial is the trial the step belonged to.
	Trial *Trial
}

// Reset starts a new trial and returns its first observation row (length
// ObsDim, shared with the trial's Ob: do not modify). Unlike NeuroGym's
// reset, it takes no step.
func (e *PerceptualDecisionMaking) Reset() []float32 {
	return e.NewTrial().Row(0)
}

// CurrentTrial returns the trial being stepped through (nil before the first
// NewTrial, Reset or Step).
func (e *PerceptualDecisionMaking) CurrentTrial() *Trial { return e.trial }

func (e *PerceptualDecisionMaking) inPeriod(name string) bool {
	p, ok := e.trial.Period(name)
	return ok && p.Start <= e.t && e.t < p.End
}

// Step takes action (0 = fixate, k = choose ring location k-1) at the current
// row and returns the observation of the next row (row 0 of a new trial when
// the trial ended), the reward and StepInfo, following NeuroGym's
// PerceptualDecisionMaking._step and TrialEnv.step (spec section 1):
//
//   - in fixation with action != 0: reward Rewards.Abort on every such step;
//     the trial ends only if Abort is set;
//   - else in decision with action != 0: the trial ends with reward
//     Rewards.Correct and performance 1 if action is the correct one, else
//     Rewards.Fail;
//   - anything else: reward 0;
//   - after the last row the trial times out (no extra reward, performance 0).
//
// If no trial has been started, Step starts one first. The returned row is
// shared with the trial's Ob: do not modify. Step panics if action is not in
// [0, ActDim()).
func (e *PerceptualDecisionMaking) Step(action int) (ob []float32, reward float64, info StepInfo) {
	if action < 0 || action >= e.cfg.ActDim() {
		panic(fmt.Sprintf("data: Step(%d): action out of range [0, %d)", action, e.cfg.ActDim()))
	}
	if e.trial == nil {
		e.NewTrial()
	}
	tr := e.trial
	gt := tr.Gt[e.tInd]
	newTrial := false
	switch {
	case e.inPeriod("fixation"):
		if action != 0 {
			newTrial = e.cfg.Abort
			reward += e.cfg.Rewards.Abort
		}
	case e.inPeriod("decision"):
		if action != 0 {
			newTrial = true
			if action == gt {
				reward += e.cfg.Rewards.Correct
				e.performance = 1
			} else {
				reward += e.cfg.Rewards.Fail
			}
		}
	}
	info = StepInfo{Gt: gt, Trial: tr}
	e.t += e.cfg.Dt
	e.tInd++
	tmax := float64(tr.T) * e.cfg.Dt // NeuroGym: int(_tmax/dt)*dt
	// the tInd guard only matters when float dt accumulates rounding error
	if (e.t+e.cfg.Dt > tmax || e.tInd >= tr.T) && !newTrial {
		newTrial = true
	}
	if newTrial {
		info.NewTrial = true
		info.Performance = e.performance
		e.NewTrial()
	}
	return e.trial.Row(e.tInd), reward, info
}
