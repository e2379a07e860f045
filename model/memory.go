package model

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Memory estimates. Each function below estimates, in bytes, the heap that
// a structure of this package holds, so that a command can refuse a
// configuration before it allocates instead of dying of an out-of-memory
// error. The formulas count the buffers that scale with the sizes (see
// fused.go, reference.go, graph.go) plus a measured per-step cost of
// Gorgonia's nodes and tape; TestMemoryEstimates keeps them between the
// measured heap and twice it. They are float64 so that absurd sizes do not
// overflow.

// paramCount returns the number of weights and biases of cfg.
func paramCount(cfg Config) float64 {
	I, H, O := float64(cfg.NInput), float64(cfg.NHidden), float64(cfg.NOutput)
	return H*I + H*H + H + O*H + O
}

// WeightsBytes estimates one float32 copy of the weights.
func WeightsBytes(cfg Config) float64 { return 4 * paramCount(cfg) }

// TrainGraphBytes estimates the heap held by a TrainGraph of kind for
// seqLen steps of batch sequences while it runs (the weights themselves
// excluded, their gradients included).
func TrainGraphBytes(cfg Config, seqLen, batch int, kind GraphKind) float64 {
	I, H, O := float64(cfg.NInput), float64(cfg.NHidden), float64(cfg.NOutput)
	T, B := float64(seqLen), float64(batch)
	tbh := T * B * H
	if kind == Reference {
		// Every step has its own (B, H) intermediates and gradients and a
		// W_r gradient contribution of (H, H) that the tape keeps.
		return 4*(2*paramCount(cfg)+1.5*T*H*H+12*tbh+4*T*B*(I+O)) + 96e3*T + 1e6
	}
	// Fast: inputs, noise, pre-activations, hidden states, derivatives
	// and their gradients over the sequence (T, B, H); one-hot targets and
	// probabilities (float64) over (T, B, O); gradients and transposed
	// copies of the weights; about 7 kB of nodes per step.
	return 4*(3*paramCount(cfg)+8*tbh+4*T*B*(I+O)) + 8*2*T*B*O + 7e3*T + 1e6
}

// ForwardGraphBytes estimates the heap held by a ForwardGraph for steps
// steps of batch trials while it runs, including the hidden states and
// outputs that Run returns.
func ForwardGraphBytes(cfg Config, steps, batch int) float64 {
	I, H, O := float64(cfg.NInput), float64(cfg.NHidden), float64(cfg.NOutput)
	T, B := float64(steps), float64(batch)
	return 4*(paramCount(cfg)+4.2*T*B*H+3*T*B*(I+O)) + 7e3*T + 1e6
}

// MemoryPart is one item of a memory estimate: what is held, the
// configuration fields its size depends on, and its size in bytes.
type MemoryPart struct {
	What   string
	Fields []string
	Bytes  float64
}

// MemoryEstimate is the heap a training run of a configuration holds, by
// part (EstimateMemory).
type MemoryEstimate []MemoryPart

// Total returns the sum of the parts in bytes.
func (e MemoryEstimate) Total() float64 {
	t := 0.0
	for _, p := range e {
		t += p.Bytes
	}
	return t
}

// Largest returns the largest part.
func (e MemoryEstimate) Largest() MemoryPart {
	var big MemoryPart
	for _, p := range e {
		if p.Bytes > big.Bytes {
			big = p
		}
	}
	return big
}

// MemoryError reports a configuration that needs more memory than the
// machine has.
type MemoryError struct {
	What      string // "this run", "this analysis"
	Estimate  float64
	Available Available
	Largest   MemoryPart
	Values    string // the fields of Largest with their values, e.g. "n_neurons = 100000"
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("%s would need about %s of memory, more than the %s available; largest part: %s, %s, from %s",
		e.What, FormatBytes(e.Estimate), e.Available, e.Largest.What, FormatBytes(e.Largest.Bytes), e.Values)
}

// Check returns a *MemoryError for what (e.g. "this run") if the total
// exceeds AvailableMemory, naming the largest part with the values of its
// fields (values formats them); nil if it fits or the available memory
// cannot be read.
func (e MemoryEstimate) Check(what string, values func(fields []string) string) error {
	avail, err := AvailableMemory()
	if err != nil || e.Total() <= avail.Bytes {
		return nil
	}
	big := e.Largest()
	return &MemoryError{What: what, Estimate: e.Total(), Available: avail, Largest: big, Values: values(big.Fields)}
}

// Available is the memory a new allocation can use, and where the figure
// comes from.
type Available struct {
	Bytes  float64
	Source string // e.g. "MemAvailable in /proc/meminfo", "cgroup memory.max"
}

func (a Available) String() string { return fmt.Sprintf("%s (%s)", FormatBytes(a.Bytes), a.Source) }

// AvailableMemory returns the memory this process can still use: the
// smallest of the kernel's MemAvailable (/proc/meminfo), the room left
// under the process's cgroup limit (v2 memory.max, or v1
// memory.limit_in_bytes, minus current use) and Go's memory limit
// (GOMEMLIMIT). It returns an error where none of
// these can be read (systems without /proc).
func AvailableMemory() (Available, error) {
	return availableMemory(os.DirFS("/"), debug.SetMemoryLimit(-1))
}

// availableMemory reads the figures from root (the file system root) and
// goLimit (the Go memory limit in bytes).
func availableMemory(root fs.FS, goLimit int64) (Available, error) {
	best := Available{Bytes: math.Inf(1)}
	consider := func(b float64, src string) {
		if b < best.Bytes {
			best = Available{Bytes: math.Max(b, 0), Source: src}
		}
	}
	if b, err := fs.ReadFile(root, "proc/meminfo"); err == nil {
		if v, ok := meminfoField(b, "MemAvailable"); ok {
			consider(v, "MemAvailable in /proc/meminfo")
		} else if v, ok := meminfoField(b, "MemFree"); ok {
			consider(v, "MemFree in /proc/meminfo")
		}
	}
	for _, p := range cgroupPaths(root) {
		limit, err := readBytes(root, p.limit)
		if err != nil || limit >= 1<<60 { // "max" or a huge number: no limit
			continue
		}
		used, _ := readBytes(root, p.usage)
		consider(limit-used, "cgroup "+p.name+" limit "+FormatBytes(limit)+" minus "+FormatBytes(used)+" in use")
		break
	}
	if goLimit > 0 && goLimit < math.MaxInt64 {
		consider(float64(goLimit), "GOMEMLIMIT")
	}
	if math.IsInf(best.Bytes, 1) {
		return Available{}, errors.New("available memory unknown: no /proc/meminfo and no cgroup limit")
	}
	return best, nil
}

// meminfoField returns a /proc/meminfo field in bytes.
func meminfoField(b []byte, name string) (float64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != name {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, false
		}
		if len(f) > 1 && f[1] == "kB" {
			n *= 1024
		}
		return n, true
	}
	return 0, false
}

type cgroupFiles struct{ name, limit, usage string }

// cgroupPaths lists where the process's memory limit may be, most
// specific first: its own cgroup (from /proc/self/cgroup), then the root
// of the mounted hierarchy (what a container sees).
func cgroupPaths(root fs.FS) []cgroupFiles {
	var v1, v2 []string
	if b, err := fs.ReadFile(root, "proc/self/cgroup"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.SplitN(line, ":", 3)
			if len(f) != 3 || f[2] == "/" || strings.Contains(f[2], "..") {
				continue
			}
			switch {
			case f[0] == "0" && f[1] == "":
				v2 = append(v2, "sys/fs/cgroup"+f[2])
			case strings.Contains(","+f[1]+",", ",memory,"):
				v1 = append(v1, "sys/fs/cgroup/memory"+f[2])
			}
		}
	}
	v2 = append(v2, "sys/fs/cgroup")
	v1 = append(v1, "sys/fs/cgroup/memory")
	var out []cgroupFiles
	for _, d := range v2 {
		out = append(out, cgroupFiles{"memory.max", d + "/memory.max", d + "/memory.current"})
	}
	for _, d := range v1 {
		out = append(out, cgroupFiles{"memory.limit_in_bytes", d + "/memory.limit_in_bytes", d + "/memory.usage_in_bytes"})
	}
	return out
}

func readBytes(root fs.FS, name string) (float64, error) {
	b, err := fs.ReadFile(root, name)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return math.Inf(1), nil
	}
	return strconv.ParseFloat(s, 64)
}

// FormatBytes formats a byte count with a binary unit: "812 B", "3.4 MiB",
// "41.0 GiB".
func FormatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	if b >= 1e4 {
		return fmt.Sprintf("%.3g %s", b, units[i])
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}
