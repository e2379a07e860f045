package fixedpoint

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// BenchmarkFind is the search on the default trained network (64 ReLU
// units, seed 0) under the zero-evidence input: 1024 initial states sampled
// from its test trajectories (the fixture's) plus noise 0.5, with the
// default options, on all cores. It reports the process CPU time beside the
// wall time (the machine may be shared).
func BenchmarkFind(b *testing.B) {
	dyn := tutorialDynamics(b)
	tr := fpfTrajectories(b)
	opt := DefaultOptions()
	var fp *FixedPoints
	cpu0 := processCPU()
	for b.Loop() {
		var err error
		if fp, err = Find(dyn, []float64{1, 0.5, 0.5}, tr, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(fp.Points)), "points")
}

// BenchmarkAnalysis is the whole analysis of BenchmarkFind's problem: the
// search, the summary, fixed_points.npz and the eigenvalue figure, from 256
// initial states (a run's default, analyze.DefaultFixedPointInits) and
// from 1024 (fixed-point-finder's example).
func BenchmarkAnalysis(b *testing.B) {
	for _, n := range []int{256, 1024} {
		b.Run(fmt.Sprintf("n_inits=%d", n), func(b *testing.B) {
			dyn := tutorialDynamics(b)
			tr := fpfTrajectories(b)
			opt := DefaultOptions()
			opt.NInits = n
			dir := b.TempDir()
			cpu0 := processCPU()
			for b.Loop() {
				fp, err := Find(dyn, []float64{1, 0.5, 0.5}, tr, opt)
				if err != nil {
					b.Fatal(err)
				}
				_ = fp.Summary()
				if err := fileio.WriteFile(filepath.Join(dir, "fixed_points.npz"), func(w io.Writer) error { return fp.WriteNPZ(w, nil) }); err != nil {
					b.Fatal(err)
				}
				if i, why := fp.Showcase(); i >= 0 {
					err := fileio.WriteFile(filepath.Join(dir, "eigenvalues.png"), func(w io.Writer) error { return WriteEigenvalues(w, &fp.Points[i], why) })
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
