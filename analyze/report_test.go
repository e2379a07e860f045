package analyze

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/model"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/train/rundir"
)

func TestReportWriteFiles(t *testing.T) {
	a := syntheticActivity(t, 80, 7)
	r, err := Analyze(a, 42)
	if err != nil {
		t.Fatal(err)
	}
	if c := a.Vars[r.ExampleTrial].Float("coh"); c != 12.8 {
		t.Errorf("example trial %d has coherence %v, want the middle level 12.8", r.ExampleTrial, c)
	}
	dir := t.TempDir()
	files, err := r.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{MetricsFile, ActivityFile, TaskTrialFile, TrialOutputFile, PsychometricFile, PCA2DFile, PCA3DFile}
	if len(files) != len(want) {
		t.Fatalf("wrote %v, want %v", files, want)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != len(want)+1 { // + rundir.MetaDir
		t.Errorf("directory holds %d entries (temporary files left?), want %d and %s", len(ents), len(want), rundir.MetaDir)
	}
	b, err := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("metrics.json: %v\n%s", err, b)
	}
	acc, _ := a.Accuracy()
	if m["test_accuracy"].(float64) != acc.Percent() || m["n_trials"].(float64) != 80 || m["seed"].(float64) != 42 {
		t.Errorf("metrics %v: want accuracy %v, 80 trials, seed 42", m, acc.Percent())
	}
	per := m["by_condition"].(map[string]any)["coh"].(map[string]any)
	total := 0.0
	for _, c := range acc.ByCondition[0].Levels {
		e := per[c.Value].(map[string]any)
		if e["n"].(float64) != float64(c.N) || e["accuracy"].(float64) != c.Percent() {
			t.Errorf("by_condition.coh[%v] = %v, want n %d accuracy %v", c.Value, e, c.N, c.Percent())
		}
		total += e["n"].(float64)
	}
	if total != 80 {
		t.Errorf("per-coherence counts sum to %v, want 80", total)
	}
	// Coherences appear in increasing order in the file.
	if i, j := bytes.Index(b, []byte(`"6.4"`)), bytes.Index(b, []byte(`"51.2"`)); i < 0 || j < i {
		t.Errorf("by_condition.coh not in increasing order:\n%s", b)
	}
	if m["task"] != "PerceptualDecisionMaking-v0" {
		t.Errorf("task = %v", m["task"])
	}
	if evr := m["explained_variance_ratio"].([]any); len(evr) != NumPCs {
		t.Errorf("%d explained variance ratios, want %d", len(evr), NumPCs)
	}
	ps := m["psychometric"].(map[string]any)
	for _, k := range []string{"bias", "slope", "bias_se", "slope_se", "method", "points"} {
		if _, ok := ps[k]; !ok {
			t.Errorf("psychometric lacks %q", k)
		}
	}
	var sum bytes.Buffer
	if err := r.WriteSummary(&sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.String(), "psychometric") || !strings.Contains(sum.String(), "all") {
		t.Errorf("summary:\n%s", sum.String())
	}
}

func TestReportThreeChoices(t *testing.T) {
	mc, tc := tutorialConfigs(t, `{"dt": 20, "dim_ring": 3}`)
	mc.NHidden = 8
	w := model.InitWeights(mc, 2, tensor.Float32)
	a, err := Evaluate(tc, mc, w, 30, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyze(a, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Psychometric != nil || len(r.Notes) == 0 {
		t.Errorf("three choices: psychometric %v, notes %v; want none and a note", r.Psychometric, r.Notes)
	}
	dir := t.TempDir()
	files, err := r.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Base(f) == PsychometricFile {
			t.Error("psychometric.png written for three choices")
		}
	}
	if len(files) != 6 {
		t.Errorf("wrote %d files, want 6", len(files))
	}
}

func TestReportSingleCoherence(t *testing.T) {
	a := syntheticActivity(t, 20, 4)
	for n := range a.Vars {
		a.Vars[n].SetFloat("coh", 0)
	}
	r, err := Analyze(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Psychometric != nil || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "distinct") {
		t.Errorf("psychometric %v, notes %q; want none and a note about coherences", r.Psychometric, r.Notes)
	}
	if _, err := r.WriteFiles(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

func TestReportErrors(t *testing.T) {
	a := syntheticActivity(t, 10, 1)
	a.Hidden[3] = float32(nanF())
	if _, err := Analyze(a, 0); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("NaN hidden: err = %v", err)
	}
	b := syntheticActivity(t, 10, 1)
	r, err := Analyze(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := r.WriteFiles(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("output is a file: %v", err)
	}
}
