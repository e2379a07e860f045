package analyze

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/taskrnn/taskrnn/data/fileio"
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
	// The file holds zeros in trial 4's padded step, whatever a held there.
	pad := 4*a.T + 2
	clear(a.Hidden[pad*a.H : (pad+1)*a.H])
	clear(a.Inputs[pad*a.I : (pad+1)*a.I])
	clear(a.Outputs[pad*a.O : (pad+1)*a.O])
	a.Target[pad] = 0
	r, err := fileio.OpenNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	wantShape := map[string][]int{
		"inputs": {6, 3, 3}, "hidden": {6, 3, 2}, "outputs": {6, 3, 3},
		"target": {6, 3}, "steps": {6}, "ground_truth": {6}, "coh": {6},
		"choice": {6}, "correct": {6}, "dt": {}, "performance": {6}, "task_index": {6},
	}
	got := map[string]any{}
	for name, shape := range wantShape {
		arr, err := r.Read(name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if !slices.Equal(arr.Shape, shape) {
			t.Errorf("%s shape %v, want %v", name, arr.Shape, shape)
		}
		got[name] = arr.Data
	}
	hidden, inputs, outputs := got["hidden"].([]float32), got["inputs"].([]float32), got["outputs"].([]float32)
	coh, gt, choice := got["coh"].([]float64), got["ground_truth"].([]int64), got["choice"].([]int64)
	perf := got["performance"].([]float64)
	target, steps, correct := got["target"].([]int32), got["steps"].([]int32), got["correct"].([]bool)
	d := got["dt"].([]float64)[0]
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
