package analyze

import "testing"

// TestCondMeansMedianLength: a condition's mean trajectory averages every
// trial at each step and ends at the last step that at least half of its
// trials reach, not where the longest single trial ends.
func TestCondMeansMedianLength(t *testing.T) {
	c := &condMeans{h: 1, sums: map[condKey][][]float64{}, counts: map[condKey][]int{}}
	k := condKey{"a", ""}
	// trials of 2, 3, 3 and 6 steps; hidden state = the step index + trial
	for i, steps := range []int{2, 3, 3, 6} {
		for t := range steps {
			if t == len(c.sums[k]) {
				c.sums[k] = append(c.sums[k], []float64{0})
				c.counts[k] = append(c.counts[k], 0)
			}
			c.sums[k][t][0] += float64(t + i)
			c.counts[k][t]++
		}
	}
	m := c.mean(k)
	if r, _ := m.Dims(); r != 3 {
		t.Fatalf("mean of %d steps, want 3 (steps 0-2 reached by at least 2 of the 4 trials)", r)
	}
	for step, want := range []float64{1.5, 2.5, 4} { // step 2: trials 1-3, values 3, 4, 5
		if got := m.At(step, 0); got != want {
			t.Errorf("step %d: mean %v, want %v", step, got, want)
		}
	}
}
