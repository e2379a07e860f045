package fixedpoint

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/data"
)

// Trajectories are hidden-state trajectories of a network (for example the
// hidden states of test trials), fixed-point-finder's state_traj with its
// valid_bxt mask.
type Trajectories struct {
	// NBatch, NTime and NStates are the number of trials, the (padded)
	// number of steps and the hidden size H.
	NBatch, NTime, NStates int
	// States holds the hidden states (NBatch, NTime, NStates), row-major.
	States []float32
	// Valid marks the steps to sample from (NBatch, NTime), row-major; nil
	// means every step. (For an analyze.Activity, step t of trial n is
	// valid if t < Steps[n].)
	Valid []bool
}

// check returns an error naming what is inconsistent.
func (tr Trajectories) check() error {
	if tr.NBatch < 1 || tr.NTime < 1 || tr.NStates < 1 {
		return fmt.Errorf("fixed points: trajectories of shape (%d, %d, %d), want every size >= 1", tr.NBatch, tr.NTime, tr.NStates)
	}
	if len(tr.States) != tr.NBatch*tr.NTime*tr.NStates {
		return fmt.Errorf("fixed points: trajectories hold %d values, want %d x %d x %d = %d",
			len(tr.States), tr.NBatch, tr.NTime, tr.NStates, tr.NBatch*tr.NTime*tr.NStates)
	}
	if tr.Valid != nil && len(tr.Valid) != tr.NBatch*tr.NTime {
		return fmt.Errorf("fixed points: valid mask has %d entries, want %d x %d = %d", len(tr.Valid), tr.NBatch, tr.NTime, tr.NBatch*tr.NTime)
	}
	return nil
}

// SampleStates draws n initial states from the valid steps of tr, with
// replacement, and adds independent Gaussian noise of standard deviation
// noiseScale to every coordinate, from a stream seeded with seed. With
// seed = data.IntSeed(r) it is fixed-point-finder's sample_states
// (FixedPointFinderBase.sample_states) with random_seed = r, value for
// value: the valid (trial, step) pairs are listed in row-major order, n
// indices are drawn with numpy.random.RandomState(r).randint, then the
// (n, H) noise with its randn (see data.RandomState for the rare last-bit
// difference in normal draws); a key seed is RandomState(key) in the same
// code.
//
// It returns an (n, H) matrix, or an error if tr is inconsistent, has no
// valid step or a non-finite sampled value, n < 1, or noiseScale is negative
// or not finite.
func SampleStates(tr Trajectories, n int, noiseScale float64, seed data.Seed) (*mat.Dense, error) {
	if err := tr.check(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("fixed points: n_inits = %d, want >= 1", n)
	}
	if !(noiseScale >= 0) || math.IsInf(noiseScale, 0) {
		return nil, fmt.Errorf("fixed points: noise_scale = %v, want a finite value >= 0", noiseScale)
	}
	var valid []int // flat (trial, step) indices, row-major, as np.nonzero lists them
	for i := 0; i < tr.NBatch*tr.NTime; i++ {
		if tr.Valid == nil || tr.Valid[i] {
			valid = append(valid, i)
		}
	}
	if len(valid) == 0 {
		return nil, fmt.Errorf("fixed points: the valid mask marks no step of the %d trajectories", tr.NBatch)
	}
	rs := seed.NewRandomState()
	H := tr.NStates
	out := mat.NewDense(n, H, nil)
	for i := 0; i < n; i++ {
		k := valid[rs.RandInt(len(valid))]
		row := out.RawRowView(i)
		for j, v := range tr.States[k*H : (k+1)*H] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("fixed points: trajectory value %v at trial %d, step %d, unit %d, want finite values", v, k/tr.NTime, k%tr.NTime, j)
			}
			row[j] = float64(v)
		}
	}
	if noiseScale > 0 { // fixed-point-finder draws no noise for noise_scale 0
		raw := out.RawMatrix().Data
		for i := range raw {
			raw[i] += noiseScale * rs.Normal()
		}
	}
	return out, nil
}
