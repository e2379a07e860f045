package train

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trainedRun trains a short run once per test binary and writes it to a
// fresh directory.
func writeShortRun(t *testing.T) (string, *Result) {
	t.Helper()
	res := mustTrain(t, smallConfig(20), Options{})
	dir := filepath.Join(t.TempDir(), "run")
	if err := PrepareRunDir(dir, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteRun(dir, res); err != nil {
		t.Fatal(err)
	}
	return dir, res
}

func TestWriteRunAndLoadRun(t *testing.T) {
	dir, res := writeShortRun(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{ConfigFile, ModelFile, SummaryFile, LogFile, FigureFile}
	if len(names) != len(want) {
		t.Errorf("run directory holds %v, want exactly %v (no temporary files left)", names, want)
	}
	for _, w := range want {
		if _, err := os.Stat(filepath.Join(dir, w)); err != nil {
			t.Error(err)
		}
	}

	// config.json: the resolved config plus version and graph.
	var m map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["version"] == "" || m["graph"] != "fast" || m["n_neurons"] != float64(16) || m["seed"] != float64(0) {
		t.Errorf("config.json = %s", b)
	}

	// train_log.csv
	f, _ := os.Open(filepath.Join(dir, LogFile))
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 21 || strings.Join(recs[0], ",") != "iteration,loss,accuracy" || recs[1][0] != "1" || recs[20][0] != "20" {
		t.Errorf("train_log.csv: %d rows, header %v", len(recs), recs[0])
	}

	// summary.json
	var s Summary
	b, _ = os.ReadFile(filepath.Join(dir, SummaryFile))
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.NIteration != 20 || s.FinalTrainLoss != res.FinalLoss() || s.FinalTrainAccuracy != res.FinalAccuracy() || s.TrainSeconds <= 0 || s.SecondsPerIteration <= 0 {
		t.Errorf("summary.json = %s", b)
	}
	for _, key := range []string{"final_train_loss", "final_train_accuracy", "train_seconds", "seconds_per_iteration", "n_iteration"} {
		if !bytes.Contains(b, []byte(`"`+key+`"`)) {
			t.Errorf("summary.json lacks %q", key)
		}
	}

	// training.png
	f, _ = os.Open(filepath.Join(dir, FigureFile))
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("training.png: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 1500 || r.Dy() != 450 {
		t.Errorf("training.png is %dx%d, want 1500x450", r.Dx(), r.Dy())
	}

	// LoadRun gives back the configuration and the weights.
	cfg, w, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg != res.Config {
		t.Errorf("LoadRun config %+v, want %+v", cfg, res.Config)
	}
	if !equalWeights(w, res.Weights) {
		t.Error("LoadRun weights differ from the trained ones")
	}

	// A run's config.json is a valid -config file.
	again, err := LoadConfigFile(filepath.Join(dir, ConfigFile))
	if err != nil || again != res.Config {
		t.Errorf("config.json as -config: %+v, %v", again, err)
	}
}

func TestPrepareRunDir(t *testing.T) {
	base := t.TempDir()
	fresh := filepath.Join(base, "a", "b")
	if err := PrepareRunDir(fresh, false); err != nil {
		t.Fatalf("new nested dir: %v", err)
	}
	if err := PrepareRunDir(fresh, false); err != nil {
		t.Fatalf("existing empty dir: %v", err)
	}
	if err := os.WriteFile(filepath.Join(fresh, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := PrepareRunDir(fresh, false)
	if err == nil || !strings.Contains(err.Error(), "-force") || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty dir: err = %v, want a refusal mentioning -force", err)
	}
	if err := PrepareRunDir(fresh, true); err != nil {
		t.Errorf("non-empty dir with force: %v", err)
	}
	file := filepath.Join(fresh, "x")
	if err := PrepareRunDir(file, true); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("regular file: err = %v", err)
	}
	if err := PrepareRunDir(filepath.Join(file, "sub"), false); err == nil {
		t.Error("dir below a regular file: no error")
	}
	if err := PrepareRunDir("", false); err == nil {
		t.Error("empty path: no error")
	}
	if os.Geteuid() != 0 { // root ignores permissions
		ro := filepath.Join(base, "ro")
		os.Mkdir(ro, 0o555)
		if err := PrepareRunDir(ro, false); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("read-only dir: err = %v", err)
		}
	}
}

// TestWriteRunForceOverwrites: with force, a second run replaces the run
// files atomically.
func TestWriteRunForceOverwrites(t *testing.T) {
	dir, _ := writeShortRun(t)
	if err := PrepareRunDir(dir, false); err == nil {
		t.Fatal("a written run directory was accepted without force")
	}
	cfg := smallConfig(10)
	cfg.Seed = 5
	res := mustTrain(t, cfg, Options{})
	if err := PrepareRunDir(dir, true); err != nil {
		t.Fatal(err)
	}
	if err := WriteRun(dir, res); err != nil {
		t.Fatal(err)
	}
	got, _, err := LoadRun(dir)
	if err != nil || got.Seed != 5 {
		t.Errorf("after overwrite: seed %d, err %v", got.Seed, err)
	}
}

func TestWriteRunNothing(t *testing.T) {
	if err := WriteRun(t.TempDir(), &Result{}); err == nil {
		t.Error("WriteRun of an empty result: no error")
	}
}

func TestLoadRunErrors(t *testing.T) {
	good, _ := writeShortRun(t)
	copyRun := func(t *testing.T, edit func(dir string)) string {
		dir := t.TempDir()
		for _, n := range []string{ConfigFile, ModelFile} {
			b, err := os.ReadFile(filepath.Join(good, n))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, n), b, 0o644)
		}
		edit(dir)
		return dir
	}
	write := func(name, content string) func(string) {
		return func(dir string) { os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644) }
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		name   string
		dir    func(t *testing.T) string
		errHas string
	}{
		{"missing dir", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, "no such directory"},
		{"not a dir", func(t *testing.T) string { return file }, "not a directory"},
		{"empty dir", func(t *testing.T) string { return t.TempDir() }, "config.json not found"},
		{"corrupt config", func(t *testing.T) string { return copyRun(t, write(ConfigFile, `{"dt": 20,`)) }, "config.json is corrupt"},
		{"unknown key", func(t *testing.T) string { return copyRun(t, write(ConfigFile, `{"n_neuron": 5}`)) }, `unknown field "n_neuron"`},
		{"invalid config", func(t *testing.T) string { return copyRun(t, write(ConfigFile, `{"tau": 1}`)) }, "tau = 1"},
		{"missing model", func(t *testing.T) string {
			return copyRun(t, func(d string) { os.Remove(filepath.Join(d, ModelFile)) })
		}, "model.npz not found"},
		{"corrupt model", func(t *testing.T) string { return copyRun(t, write(ModelFile, "not a zip")) }, "model.npz"},
		{"model of another size", func(t *testing.T) string {
			return copyRun(t, write(ConfigFile, `{"n_neurons": 32}`)) // the npz holds 16 units
		}, "load run"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, w, err := LoadRun(c.dir(t))
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("err = %v, want one containing %q", err, c.errHas)
			}
			if w != nil {
				t.Error("weights returned with an error")
			}
		})
	}
}
