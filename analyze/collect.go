package analyze

import "github.com/taskrnn/taskrnn/data"

// collector gathers, chunk by chunk, what a report needs from a test too
// large to hold: the per-trial record of every trial, the full activity of
// the first kept trials (for the figures), the hidden states' covariance
// (for the PCA), each condition's mean hidden states, and (if spool is
// set) every trial's per-step activity on disk for activity.npz.
type collector struct {
	trials *Trials
	kept   *Activity
	cov    *covAccumulator
	means  *condMeans
	spool  *spool
}

// newCollector prepares for the n trials of p, keeping the first keep.
func newCollector(p *testPlan, keep int, sp *spool) (*collector, error) {
	I, H, O := p.cfg.NInput, p.cfg.NHidden, p.cfg.NOutput
	act := p.task.ActSpace().Kind
	kept, err := NewActivity(min(keep, p.n), p.T, I, H, O, act)
	if err != nil {
		return nil, err
	}
	kept.Dt = p.task.Dt()
	kept.Task = p.labels
	trials := newTrials(p.n, O, act, p.labels)
	return &collector{trials: trials, kept: kept, cov: newCovAccumulator(H), means: newCondMeans(H, trials), spool: sp}, nil
}

// add takes chunk a, whose first trial is trial first of the test.
func (c *collector) add(a *Activity, first int) error {
	if err := checkFinite("hidden", a.Hidden); err != nil {
		return err
	}
	c.trials.copyFrom(a, first)
	k := c.kept
	if first < k.N {
		m := min(a.N, k.N-first)
		T := a.T
		copy(k.Steps[first:first+m], a.Steps)
		copy(k.Vars[first:first+m], a.Vars)
		copy(k.TaskIndex[first:first+m], a.TaskIndex)
		copy(k.Periods[first:first+m], a.Periods)
		copy(k.Choice[first:first+m], a.Choice)
		copy(k.Correct[first:first+m], a.Correct)
		copy(k.Performance[first:first+m], a.Performance)
		copy(k.Inputs[first*T*a.I:(first+m)*T*a.I], a.Inputs)
		copy(k.Hidden[first*T*a.H:(first+m)*T*a.H], a.Hidden)
		copy(k.Outputs[first*T*a.O:(first+m)*T*a.O], a.Outputs)
		if a.ActKind == data.Box {
			copy(k.TargetVec[first*T*a.O:(first+m)*T*a.O], a.TargetVec)
		} else {
			copy(k.Target[first*T:(first+m)*T], a.Target)
		}
	}
	if err := c.cov.add(a.HiddenMatrix()); err != nil {
		return err
	}
	c.means.add(a, first)
	if c.spool != nil {
		return c.spool.add(a)
	}
	return nil
}

// report completes the analysis of everything added.
func (c *collector) report(seed int64) (*Report, error) {
	p, err := c.cov.pca()
	if err != nil {
		return nil, err
	}
	r, err := newReport(seed, c.kept, c.trials, p, c.means)
	if err != nil {
		return nil, err
	}
	r.spool = c.spool
	return r, nil
}
