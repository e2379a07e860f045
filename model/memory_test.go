package model

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"gorgonia.org/tensor"
)

func heapInUse() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

// checkEstimate fails unless measured <= estimate <= 2*measured + 2 MB.
func checkEstimate(t *testing.T, what string, est, measured float64) {
	t.Helper()
	t.Logf("%s: estimate %s, measured %s (ratio %.2f)", what, FormatBytes(est), FormatBytes(measured), est/measured)
	if est < measured || est > 2*measured+2e6 {
		t.Errorf("%s: estimate %s is not within [measured, 2 x measured + 2 MB], measured %s: update the formula in memory.go",
			what, FormatBytes(est), FormatBytes(measured))
	}
}

// TestMemoryEstimates keeps the estimates honest: each is compared with the
// heap that the structure really holds after two runs.
func TestMemoryEstimates(t *testing.T) {
	type size struct{ H, T, B int }
	sizes := []size{{64, 60, 16}, {256, 60, 16}, {64, 240, 16}, {16, 500, 4}, {512, 20, 8}}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, kind := range []GraphKind{Fast, Reference} {
		for _, s := range sizes {
			if kind == Reference && s.T > 100 || kind == Reference && testing.Short() && s.H > 64 {
				continue // slow to build; the per-step cost is covered at T 60
			}
			cfg := tutorialConfig()
			cfg.NHidden = s.H
			w := InitWeights(cfg, 0, tensor.Float32)
			x := make([]float32, s.T*s.B*cfg.NInput)
			y := make([]int32, s.T*s.B)
			n := make([]float32, s.T*s.B*s.H)
			before := heapInUse()
			g, err := NewTrainGraph(cfg, w, s.T, s.B, CrossEntropy, kind)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := g.Run(x, Targets{Class: y}, n); err != nil {
					t.Fatal(err)
				}
			}
			measured := heapInUse() - before
			checkEstimate(t, "TrainGraph "+kindName(kind)+" "+sizeName(s.H, s.T, s.B), TrainGraphBytes(cfg, s.T, s.B, kind), measured)
			runtime.KeepAlive(g)
			g.Close()
		}
	}
	for _, s := range []size{{64, 60, 200}, {64, 60, 1000}, {256, 60, 300}} {
		cfg := tutorialConfig()
		cfg.NHidden = s.H
		w := InitWeights(cfg, 0, tensor.Float32)
		x := make([]float32, s.T*s.B*cfg.NInput)
		n := make([]float32, s.T*s.B*s.H)
		before := heapInUse()
		f, err := NewForwardGraph(cfg, w, s.T, s.B)
		if err != nil {
			t.Fatal(err)
		}
		// The peak is just before Run returns: graph buffers and the copies.
		hid, out, err := f.Run(x, n)
		if err != nil {
			t.Fatal(err)
		}
		measured := heapInUse() - before
		checkEstimate(t, "ForwardGraph "+sizeName(s.H, s.T, s.B), ForwardGraphBytes(cfg, s.T, s.B), measured)
		runtime.KeepAlive(hid)
		runtime.KeepAlive(out)
		f.Close()
	}
}

func kindName(k GraphKind) string {
	if k == Reference {
		return "reference"
	}
	return "fast"
}

func sizeName(h, t, b int) string { return fmt.Sprintf("H %d T %d B %d", h, t, b) }

func TestAvailableMemory(t *testing.T) {
	meminfo := "MemTotal:       24683620 kB\nMemFree:        18592244 kB\nMemAvailable:   23619924 kB\n"
	for _, c := range []struct {
		name    string
		fs      fstest.MapFS
		goLimit int64
		bytes   float64
		source  string
	}{
		{"meminfo", fstest.MapFS{"proc/meminfo": {Data: []byte(meminfo)}}, math.MaxInt64, 23619924 * 1024, "MemAvailable"},
		{"cgroup v1 without limit", fstest.MapFS{"proc/meminfo": {Data: []byte(meminfo)},
			"sys/fs/cgroup/memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712\n")}}, math.MaxInt64, 23619924 * 1024, "MemAvailable"},
		{"cgroup v1 limit", fstest.MapFS{"proc/meminfo": {Data: []byte(meminfo)},
			"proc/self/cgroup": {Data: []byte("4:memory:/job7\n0::/\n")},
			"sys/fs/cgroup/memory/job7/memory.limit_in_bytes": {Data: []byte("4294967296\n")},
			"sys/fs/cgroup/memory/job7/memory.usage_in_bytes": {Data: []byte("1073741824\n")}}, math.MaxInt64, 3 << 30, "memory.limit_in_bytes"},
		{"cgroup v2 limit", fstest.MapFS{"proc/meminfo": {Data: []byte(meminfo)},
			"proc/self/cgroup":                        {Data: []byte("0::/slurm/job9\n")},
			"sys/fs/cgroup/slurm/job9/memory.max":     {Data: []byte("2147483648\n")},
			"sys/fs/cgroup/slurm/job9/memory.current": {Data: []byte("0\n")}}, math.MaxInt64, 2 << 30, "memory.max"},
		{"cgroup v2 max", fstest.MapFS{"proc/meminfo": {Data: []byte(meminfo)},
			"sys/fs/cgroup/memory.max": {Data: []byte("max\n")}}, math.MaxInt64, 23619924 * 1024, "MemAvailable"},
		{"GOMEMLIMIT", fstest.MapFS{"proc/meminfo": {Data: []byte(meminfo)}}, 1 << 30, 1 << 30, "GOMEMLIMIT"},
	} {
		a, err := availableMemory(c.fs, c.goLimit)
		if err != nil || a.Bytes != c.bytes || !strings.Contains(a.Source, c.source) {
			t.Errorf("%s: %v (%v), want %s from %s", c.name, a, err, FormatBytes(c.bytes), c.source)
		}
	}
	if _, err := availableMemory(fstest.MapFS{}, math.MaxInt64); err == nil {
		t.Error("no information: no error")
	}
	if a, err := AvailableMemory(); err != nil || a.Bytes <= 0 {
		t.Errorf("this machine: %v, %v", a, err)
	}
}

func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		b    float64
		want string
	}{{812, "812 B"}, {3.4 * (1 << 20), "3.4 MiB"}, {41 << 30, "41.0 GiB"}, {1.6e13, "14.6 TiB"}, {1e30, "8.67e+11 EiB"}} {
		if got := FormatBytes(c.b); got != c.want {
			t.Errorf("FormatBytes(%g) = %q, want %q", c.b, got, c.want)
		}
	}
}
