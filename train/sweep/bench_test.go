package sweep

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkLocalJobs measures the local backend's throughput with one and
// with two workers on the same sweep of 6 runs (training, saving and the
// full analysis of each, in its own worker process), interleaved in every
// iteration so that both see the same machine load, for two kinds of run:
// "small" (50 iterations of 16 units: the analysis and process start-up
// dominate) and "tutorial" (the default configuration, 1000 iterations of
// 64 units: what a sweep of the tutorial runs). It reports runs per second
// for -j 1 and -j 2 and their ratio, which is at most 2 on two free cores,
// and the CPU seconds the workers used per run with -j 1 and -j 2: equal
// values mean that two workers do not slow each other down, so that
// throughput grows with the cores that are free:
//
//	go test ./train/sweep -run '^$' -bench LocalJobs -benchtime 3x
func BenchmarkLocalJobs(b *testing.B) {
	for _, c := range []struct{ name, base string }{
		{"small", `{"n_iteration": 50, "n_neurons": 16, "batch_size": 4}`},
		{"tutorial", `{}`},
	} {
		b.Run(c.name, func(b *testing.B) { benchmarkLocalJobs(b, c.base) })
	}
}

func benchmarkLocalJobs(b *testing.B, base string) {
	spec, err := ParseSpec(strings.NewReader(`{"base": ` + base + `, "seeds": [0, 1, 2, 3, 4, 5]}`))
	if err != nil {
		b.Fatal(err)
	}
	var secs, cpu [3]float64
	runs := 0
	for b.Loop() {
		for _, j := range []int{1, 2} {
			sw, err := Open(filepath.Join(b.TempDir(), "sweep"), spec)
			if err != nil {
				b.Fatal(err)
			}
			start, cpu0 := time.Now(), childCPUSeconds()
			if err := testLocal(j).Run(context.Background(), sw, sw.Plan.Runs, io.Discard); err != nil {
				b.Fatal(err)
			}
			secs[j] += time.Since(start).Seconds()
			cpu[j] += childCPUSeconds() - cpu0
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
	b.ReportMetric(cpu[1]/float64(runs), "cpu-s/run-j1")
	b.ReportMetric(cpu[2]/float64(runs), "cpu-s/run-j2")
}

// BenchmarkBackendOverhead measures what each backend adds to every run:
// the same sweep of 8 small runs, two at a time, locally (-j 2) and through
// the Slurm cluster (2 CPUs, one per task), interleaved. The overhead per
// run is (sweep wall time - sum of the workers' own wall times / 2) / 8:
// for the local backend process start-up and scheduling in the pool; for
// Slurm also sbatch, the scheduler's start of every task, the job script
// and squeue polling (every 200 ms here). Skipped without a Slurm cluster:
//
//	go test ./train/sweep -run '^$' -bench BackendOverhead -benchtime 3x
func BenchmarkBackendOverhead(b *testing.B) {
	if _, err := exec.LookPath("sbatch"); err != nil {
		b.Skip("no Slurm: run `bash .ci/slurm-up.sh` as root")
	}
	b.Setenv(testWorkerEnv, "1") // sbatch passes the environment on to the tasks
	spec, err := ParseSpec(strings.NewReader(`{"base": {"n_iteration": 50, "n_neurons": 16, "batch_size": 4}, "seeds": [0, 1, 2, 3, 4, 5, 6, 7]}`))
	if err != nil {
		b.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	backends := []struct {
		name string
		b    Backend
	}{
		{"local", testLocal(2)},
		{"slurm", Slurm{Executable: exe, Poll: 200 * time.Millisecond, Options: SlurmOptions{Mem: "1G"}}},
	}
	overhead := make([]float64, len(backends))
	for b.Loop() {
		for i, be := range backends {
			sw, err := Open(filepath.Join(b.TempDir(), "sweep"), spec)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := be.b.Run(context.Background(), sw, sw.Plan.Runs, io.Discard); err != nil {
				b.Fatal(err)
			}
			wall := time.Since(start).Seconds()
			work := 0.0
			for _, r := range sw.Plan.Runs {
				st, _ := RunState(sw.RunDir(r.Name))
				if st.Status != Complete {
					b.Fatalf("%s %s: %s %s", be.name, r.Name, st.Status, st.Error)
				}
				work += st.Worker.WallSeconds
			}
			overhead[i] += (wall - work/2) / float64(len(sw.Plan.Runs))
			sw.Close()
		}
	}
	n := float64(b.N)
	b.ReportMetric(overhead[0]/n, "local-s/run")
	b.ReportMetric(overhead[1]/n, "slurm-s/run")
	b.ReportMetric((overhead[1]-overhead[0])/n, "slurm-extra-s/run")
}
