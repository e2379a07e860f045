package sweep

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkLocalJobs measures the local backend's throughput with one and
// with two workers on the same sweep of 6 small runs (training, saving and
// the full analysis of each, in its own worker process), interleaved in
// every iteration so that both see the same machine load. It reports runs
// per second for -j 1 and -j 2 and their ratio, which is at most 2 on two
// free cores:
//
//	go test ./train/sweep -run '^$' -bench LocalJobs -benchtime 3x
func BenchmarkLocalJobs(b *testing.B) {
	spec, err := ParseSpec(strings.NewReader(`{"base": {"n_iteration": 50, "n_neurons": 16, "batch_size": 4}, "seeds": [0, 1, 2, 3, 4, 5]}`))
	if err != nil {
		b.Fatal(err)
	}
	var secs [3]float64
	runs := 0
	for b.Loop() {
		for _, j := range []int{1, 2} {
			sw, err := Open(filepath.Join(b.TempDir(), "sweep"), spec)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := testLocal(j).Run(context.Background(), sw, sw.Plan.Runs, io.Discard); err != nil {
				b.Fatal(err)
			}
			secs[j] += time.Since(start).Seconds()
			for _, r := range sw.Plan.Runs {
				if st, _ := RunState(sw.RunDir(r.Name)); st.Status != Complete {
					b.Fatalf("%s: %s %s", r.Name, st.Status, st.Error)
				}
			}
			sw.Close()
		}
		runs += len(spec.Seeds)
	}
	b.ReportMetric(float64(runs)/secs[1], "runs/s-j1")
	b.ReportMetric(float64(runs)/secs[2], "runs/s-j2")
	b.ReportMetric(secs[1]/secs[2], "speedup")
}
