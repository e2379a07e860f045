package train

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/train/rundir"
)

// trainedRun trains a short run once per test binary and writes it to a
// fresh directory.
func writeShortRun(t *testing.T) (string, *Result) {
	t.Helper()
	res := mustTrain(t, smallConfig(20), Options{})
	dir := filepath.Join(t.TempDir(), "run")
	d, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := WriteRun(d, res); err != nil {
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
		if e.Name() != rundir.MetaDir {
			names = append(names, e.Name())
		}
	}
	want := []string{ConfigFile, ModelFile, SummaryFile, LogFile, FigureFile, rundir.CheckpointFile}
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
	if s.NIteration != 20 || s.FinalTrainLoss != res.FinalLoss() || s.FinalTrainAccuracy == nil || *s.FinalTrainAccuracy != res.FinalAccuracy() || s.TrainSeconds <= 0 || s.SecondsPerIteration <= 0 {
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
	if !reflect.DeepEqual(cfg, res.Config) {
		t.Errorf("LoadRun config %+v, want %+v", cfg, res.Config)
	}
	if !equalWeights(w, res.Weights) {
		t.Error("LoadRun weights differ from the trained ones")
	}

	// A run's config.json is a valid -config file.
	again, err := LoadConfigFile(filepath.Join(dir, ConfigFile))
	if err != nil || !reflect.DeepEqual(again, res.Config) {
		t.Errorf("config.json as -config: %+v, %v", again, err)
	}
}

// TestWriteRunForceOverwrites: a second run written into the directory
// replaces the run files and removes the files it is told to.
func TestWriteRunForceOverwrites(t *testing.T) {
	dir, _ := writeShortRun(t)
	if err := os.WriteFile(filepath.Join(dir, "metrics.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := smallConfig(10)
	cfg.Seed = 5
	res := mustTrain(t, cfg, Options{})
	d, err := rundir.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := WriteRun(d, res, "metrics.json"); err != nil {
		t.Fatal(err)
	}
	got, _, err := LoadRun(dir)
	if err != nil || got.Seed != 5 {
		t.Errorf("after overwrite: seed %d, err %v", got.Seed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "metrics.json")); err == nil {
		t.Error("metrics.json of the replaced run is still there")
	}
}

func TestWriteRunNothing(t *testing.T) {
	d, err := rundir.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := WriteRun(d, &Result{}); err == nil {
		t.Error("WriteRun of an empty result: no error")
	}
}
