package analyze

import (
	"sort"

	"gonum.org/v1/gonum/mat"
)

// maxConditions is the most conditions whose mean trajectories are kept;
// tasks with more (continuous variables) get no mean lines.
const maxConditions = 64

// condKey is one condition of the PCA figures' mean trajectories: the
// values of the family and shade variables (see grouping).
type condKey struct{ fam, shade string }

// condMeans accumulates, for each condition, the sum of the hidden states
// at every step over the trials of that condition that have the step, so
// that the mean trajectories of all trials can be drawn when only some
// trials are kept. The conditions are read from rec, the per-trial record
// of every trial (filled before add is called for a trial).
type condMeans struct {
	h                int
	rec              *Trials
	famVar, shadeVar string
	first            map[condKey]int         // first trial of each condition
	sums             map[condKey][][]float64 // [step][unit]
	counts           map[condKey][]int       // [step]
	tooMany          bool
}

func newCondMeans(h int, rec *Trials) *condMeans {
	fam, shade := groupingVars(rec)
	return &condMeans{h: h, rec: rec, famVar: fam, shadeVar: shade,
		first: map[condKey]int{}, sums: map[condKey][][]float64{}, counts: map[condKey][]int{}}
}

// key returns trial n's condition.
func (c *condMeans) key(n int) condKey {
	return condKey{levelKey(c.rec, c.famVar, n), levelKey(c.rec, c.shadeVar, n)}
}

// add accumulates a's trials, which are trials first, first+1, ... of the
// test.
func (c *condMeans) add(a *Activity, first int) {
	for n := 0; n < a.N && !c.tooMany; n++ {
		k := c.key(first + n)
		if _, ok := c.first[k]; !ok {
			if len(c.first) == maxConditions {
				c.tooMany = true
				c.sums, c.counts = nil, nil
				return
			}
			c.first[k] = first + n
		}
		for t := len(c.sums[k]); t < a.Steps[n]; t++ {
			c.sums[k] = append(c.sums[k], make([]float64, c.h))
			c.counts[k] = append(c.counts[k], 0)
		}
		for t := 0; t < a.Steps[n]; t++ {
			s := c.sums[k][t]
			for u, v := range a.Hidden[(n*a.T+t)*a.H : (n*a.T+t+1)*a.H] {
				s[u] += float64(v)
			}
			c.counts[k][t]++
		}
	}
}

// conditions returns the conditions in drawing order: by shade (lightest
// first, g.shadeIdx), then by first trial.
func (c *condMeans) conditions(g grouping) []condKey {
	keys := make([]condKey, 0, len(c.first))
	for k := range c.first {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		si, sj := g.shadePos[keys[i].shade], g.shadePos[keys[j].shade]
		if si != sj {
			return si < sj
		}
		return c.first[keys[i]] < c.first[keys[j]]
	})
	return keys
}

// mean returns condition k's mean hidden state at every step that at
// least half of its trials reach (up to the median trial length), as a
// (steps, H) matrix. With trials of different lengths (random timing),
// the later steps would average fewer and fewer trials, and the last
// ones a single trial: the mean would jump there although no trial does.
func (c *condMeans) mean(k condKey) *mat.Dense {
	steps := len(c.sums[k])
	for steps > 1 && 2*c.counts[k][steps-1] < c.counts[k][0] {
		steps--
	}
	m := mat.NewDense(steps, c.h, nil)
	for t, s := range c.sums[k][:steps] {
		for u, v := range s {
			m.Set(t, u, v/float64(c.counts[k][t]))
		}
	}
	return m
}
