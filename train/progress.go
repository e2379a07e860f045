package train

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// NewProgress returns an Options.Progress callback for a run of n
// iterations that reports to f, and a function to call once training has
// stopped. If f is a terminal it draws a progress bar with the recent loss
// and accuracy; otherwise it writes one plain line every n/10 iterations
// (and at the last one).
func NewProgress(f *os.File, n int) (report func(Iteration), finish func()) {
	return newProgress(f, term.IsTerminal(int(f.Fd())), n)
}

func newProgress(w io.Writer, terminal bool, n int) (report func(Iteration), finish func()) {
	// Shown figures are trailing means over the last few iterations: one
	// batch of 16 gives a jumpy accuracy.
	const window = 20
	var lossRing, accRing [window]float64
	var filled int
	push := func(it Iteration) (loss, acc float64) {
		lossRing[filled%window], accRing[filled%window] = it.Loss, it.Accuracy
		filled++
		m := min(filled, window)
		for i := range m {
			loss += lossRing[i]
			acc += accRing[i]
		}
		return loss / float64(m), acc / float64(m)
	}

	if !terminal {
		every := max(n/10, 1)
		return func(it Iteration) {
			loss, acc := push(it)
			if it.Index%every == 0 || it.Index == it.N {
				fmt.Fprintf(w, "iteration %*d/%d  loss %.4f  accuracy %5.1f%% (mean of last %d)\n",
					len(fmt.Sprint(it.N)), it.Index, it.N, loss, acc, min(filled, window))
			}
		}, func() {}
	}
	bar := progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("training"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("it"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
	)
	return func(it Iteration) {
			loss, acc := push(it)
			if it.Index%10 == 0 || it.Index == 1 || it.Index == it.N {
				bar.Describe(fmt.Sprintf("loss %.4f acc %5.1f%%", loss, acc))
			}
			bar.Add(1)
		}, func() {
			bar.Exit()
			fmt.Fprintln(w)
		}
}
