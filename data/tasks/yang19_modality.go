package tasks

import "github.com/taskrnn/taskrnn/data"

// modalityTask is a yang19 class whose stimulus NeuroGym's
// _MultiModalityStimulus wrapper moves to one of two modalities (_Reach and
// _DelayMatch1DResponse): its _new_trial with the stimulus channel at the
// observation columns stim, and its _step.
type modalityTask interface {
	newTrial(e *data.Env, v, cond *data.Vars, stim []int) error
	Step(e *data.Env, a data.Action) (reward float64, newTrial bool)
}

// twoModalities is how NeuroGym's yang19 collection shows a modalityTask:
//
//	ScheduleEnvs([_MultiModalityStimulus(Task(**kwargs), modality=m, n_modality=2) for m in [0, 1]],
//	             RandomSchedule(2), env_input=False)
//
// (the _reach and _dlymatch functions of neurogym/envs/collections/yang19.py):
// two copies of the task, the first with its stimulus channel on the
// observation columns 1..dim_ring (stimulus modality 1), the second on
// dim_ring+1..2*dim_ring (modality 2), both with the fixation input on
// column 0, taking turns trial by trial. The observation space is the first
// copy's: {'fixation': 0, 'stimulus': [1, ..., dim_ring]} in 1+2*dim_ring
// inputs.
//
// RandomSchedule(2) never draws (its only choice is the other copy), so the
// copies alternate, modality 1 first after seeding. env.seed(s) seeds both
// copies with s, and the modality does not change what a trial draws, so
// the k-th trial of the second copy is the k-th trial of the first drawn
// again from the same stream state, with the stimulus on the other columns.
// twoModalities therefore needs one stream, the Env's: for a first-copy
// trial it saves the stream's state before (pre) and after (post) drawing;
// the next trial is a second-copy trial if the stream is still at post, and
// is then drawn from pre, which leaves the stream at post again. A trial of
// these tasks always draws (the choice of the ground truth), so a stream
// that was reseeded is never at post: the next trial is then a first-copy
// trial, as after seeding a new ScheduleEnvs. (NeuroGym keeps the turn
// across env.seed; data.Schedule restarts it, and so does this.) If a
// second-copy trial fails (a bad forced trial variable), the stream is put
// back at post and the next trial is that second-copy trial again.
//
// The trial dict does not say which copy made the trial (NeuroGym's does
// not either); the Trial's observation does.
type twoModalities struct {
	task      modalityTask
	stim      [2][]int // stimulus columns of each copy
	next      int      // copy of the next trial
	pre, post data.RandomState
}

func newTwoModalities(task modalityTask, dimRing int) *twoModalities {
	m := &twoModalities{task: task}
	for c := range m.stim {
		for k := 0; k < dimRing; k++ {
			m.stim[c] = append(m.stim[c], 1+c*dimRing+k)
		}
	}
	return m
}

// twoModalitySpace is the observation space of a twoModalities task:
// NeuroGym's _MultiModalityStimulus space of the first copy.
func twoModalitySpace(dimRing int) data.Space {
	idx := make([]int, dimRing)
	for k := range idx {
		idx[k] = 1 + k
	}
	return data.BoxSpace(1+2*dimRing, data.Ch("fixation", 0), data.ChList("stimulus", idx...))
}

// NewTrial draws the next trial from the copy whose turn it is.
func (m *twoModalities) NewTrial(e *data.Env, v, cond *data.Vars) error {
	rng := e.Rng()
	if m.next == 1 && *rng == m.post {
		*rng = m.pre
		if err := m.task.newTrial(e, v, cond, m.stim[1]); err != nil {
			*rng = m.post
			return err
		}
		m.next = 0
		return nil
	}
	m.pre = *rng
	if err := m.task.newTrial(e, v, cond, m.stim[0]); err != nil {
		m.next = 0
		return err
	}
	m.post = *rng
	m.next = 1
	return nil
}

// Step is the task's _step (both copies step alike).
func (m *twoModalities) Step(e *data.Env, a data.Action) (float64, bool) {
	return m.task.Step(e, a)
}

// addObCols adds v[k] to column cols[k] of every row of period, as
// NeuroGym's add_ob(array, period, where) with where an array of column
// indices (the channel _MultiModalityStimulus moved): in float64, the sum
// rounded to float32.
func addObCols(e *data.Env, v []float64, period string, cols []int) {
	ob := e.ViewOb(period)
	for t := 0; t < ob.Rows; t++ {
		for k, c := range cols {
			p := ob.At(t, c)
			*p = float32(float64(*p) + v[k])
		}
	}
}

// addRandnCols adds mu + sigma*N(0, 1) to columns cols of every row of
// period, drawing from the task's stream row by row, columns in order, as
// NeuroGym's add_randn(mu, sigma, period, where) with where an array of
// column indices.
func addRandnCols(e *data.Env, mu, sigma float64, period string, cols []int) {
	ob := e.ViewOb(period)
	rng := e.Rng()
	if contiguous(cols) {
		for t := 0; t < ob.Rows; t++ {
			rng.AddNormals(ob.Data[t*ob.Dim+cols[0]:][:len(cols)], mu, sigma)
		}
		return
	}
	for t := 0; t < ob.Rows; t++ {
		for _, c := range cols {
			p := ob.At(t, c)
			*p = float32(float64(*p) + (mu + float64(rng.Normal()*sigma)))
		}
	}
}

// contiguous reports whether idx is a non-empty run of consecutive indices.
func contiguous(idx []int) bool {
	for i := 1; i < len(idx); i++ {
		if idx[i] != idx[i-1]+1 {
			return false
		}
	}
	return len(idx) > 0
}
