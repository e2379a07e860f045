package analyze

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
)

// Accuracy is the choice accuracy of a test: overall and per coherence.
type Accuracy struct {
	// N is the number of trials and Correct the number answered correctly.
	N, Correct int
	// PerCoherence holds one entry per distinct coherence, in increasing
	// order of coherence.
	PerCoherence []CohAccuracy
	// NoResponse counts trials whose choice was 0 (still fixating at the
	// last step); they count as errors.
	NoResponse int
}

// CohAccuracy is the accuracy on the trials of one coherence.
type CohAccuracy struct {
	Coh        float64 // percent
	N, Correct int
}

// Percent returns 100 * Correct / N, or NaN when N is 0.
func (c CohAccuracy) Percent() float64 { return percent(c.Correct, c.N) }

// Percent returns the overall accuracy in percent, or NaN when N is 0.
func (a Accuracy) Percent() float64 { return percent(a.Correct, a.N) }

func percent(k, n int) float64 {
	if n == 0 {
		return nan()
	}
	return 100 * float64(k) / float64(n)
}

// Accuracy counts correct choices overall and per coherence from the
// Choice and Correct fields (call Decide first). It returns Validate's
// error, if any.
func (a *Activity) Accuracy() (Accuracy, error) {
	t, err := a.Trials()
	if err != nil {
		return Accuracy{}, err
	}
	return t.Accuracy()
}

// Accuracy counts correct choices overall and per coherence. It returns
// Validate's error, if any.
func (a *Trials) Accuracy() (Accuracy, error) {
	if err := a.Validate(); err != nil {
		return Accuracy{}, err
	}
	acc := Accuracy{N: a.N}
	byCoh := map[float64]*CohAccuracy{}
	for n := 0; n < a.N; n++ {
		c := byCoh[a.Coh[n]]
		if c == nil {
			c = &CohAccuracy{Coh: a.Coh[n]}
			byCoh[a.Coh[n]] = c
		}
		c.N++
		if a.Correct[n] {
			c.Correct++
			acc.Correct++
		}
		if a.Choice[n] == 0 {
			acc.NoResponse++
		}
	}
	for _, c := range byCoh {
		acc.PerCoherence = append(acc.PerCoherence, *c)
	}
	sort.Slice(acc.PerCoherence, func(i, j int) bool { return acc.PerCoherence[i].Coh < acc.PerCoherence[j].Coh })
	return acc, nil
}

// WriteTable writes a human-readable table of the accuracy per coherence
// and overall to w.
func (a Accuracy) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "coherence (%%)\ttrials\tcorrect\taccuracy (%%)\t\n")
	for _, c := range a.PerCoherence {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t\n", formatCoh(c.Coh), c.N, c.Correct, c.Percent())
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%.1f\t\n", a.N, a.Correct, a.Percent())
	if err := tw.Flush(); err != nil {
		return err
	}
	if a.NoResponse > 0 {
		_, err := fmt.Fprintf(w, "%d trial(s) still fixating at the last step (counted as errors)\n", a.NoResponse)
		return err
	}
	return nil
}

// formatCoh formats a coherence in percent with the fewest digits that
// round-trip, e.g. "6.4", "0", "51.2".
func formatCoh(c float64) string { return strconv.FormatFloat(c, 'f', -1, 64) }
