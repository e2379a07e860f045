package analyze

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
)

func TestWriteNPZRoundTrip(t *testing.T) {
	a := handActivity(t)
	for k := range a.Hidden {
		a.Hidden[k] = float32(k) / 7
	}
	for k := range a.Inputs {
		a.Inputs[k] = float32(k) * 0.5
	}
	a.Steps[4] = 2
	path := filepath.Join(t.TempDir(), "activity.npz")
	if err := WriteNPZ(path, a); err != nil {
		t.Fatal(err)
	}
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	wantShape := map[string][]int{
		"inputs.npy": {6, 3, 3}, "hidden.npy": {6, 3, 2}, "outputs.npy": {6, 3, 3},
		"target.npy": {6, 3}, "steps.npy": {6}, "ground_truth.npy": {6}, "coh.npy": {6},
		"choice.npy": {6}, "correct.npy": {6}, "dt.npy": nil,
	}
	for name, shape := range wantShape {
		h := r.Header(name)
		if h == nil {
			t.Errorf("%s missing; keys %v", name, r.Keys())
			continue
		}
		if !slices.Equal(h.Descr.Shape, shape) && !(len(shape) == 0 && len(h.Descr.Shape) == 0) {
			t.Errorf("%s shape %v, want %v", name, h.Descr.Shape, shape)
		}
	}
	var hidden, inputs, outputs []float32
	var coh, perf []float64
	var gt, choice []int64
	var target, steps []int32
	var correct []bool
	for name, ptr := range map[string]any{
		"hidden.npy": &hidden, "inputs.npy": &inputs, "outputs.npy": &outputs, "coh.npy": &coh, "performance.npy": &perf,
		"ground_truth.npy": &gt, "choice.npy": &choice, "target.npy": &target,
		"steps.npy": &steps, "correct.npy": &correct,
	} {
		if err := r.Read(name, ptr); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	}
	var d float64
	if err := r.Read("dt.npy", &d); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hidden, a.Hidden) || !slices.Equal(inputs, a.Inputs) || !slices.Equal(outputs, a.Outputs) {
		t.Error("float arrays differ after round trip")
	}
	if !slices.Equal(target, a.Target) || !slices.Equal(correct, a.Correct) || d != a.Dt || len(perf) != a.N {
		t.Error("target, correct, performance or dt differ after round trip")
	}
	for n := range a.N {
		if gt[n] != int64(a.Vars[n].Int("ground_truth")) || coh[n] != a.Vars[n].Float("coh") || choice[n] != int64(a.Choice[n]) || steps[n] != int32(a.Steps[n]) {
			t.Errorf("trial %d: gt %d coh %v choice %d steps %d, want %s %d %d", n, gt[n], coh[n], choice[n], steps[n], a.Vars[n].JSON(), a.Choice[n], a.Steps[n])
		}
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only activity.npz", len(ents))
	}
}

func TestWriteNPZErrors(t *testing.T) {
	a := handActivity(t)
	a.Vars = a.Vars[:2]
	if err := WriteNPZ(filepath.Join(t.TempDir(), "x.npz"), a); err == nil {
		t.Error("bad activity: no error")
	}
	b := handActivity(t)
	if err := WriteNPZ(filepath.Join(t.TempDir(), "no", "such", "dir", "x.npz"), b); err == nil {
		t.Error("missing directory: no error")
	}
}
