package rundir

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
)

// smallRun returns the config.json and model.npz of a small network.
func smallRun(t testing.TB) (Config, []byte, []byte) {
	cfg := DefaultConfig()
	cfg.NNeurons = 6
	var c, m bytes.Buffer
	if err := ConfigJSON(cfg)(&c); err != nil {
		t.Fatal(err)
	}
	if err := model.InitWeights(cfg.Model(), 1, tensor.Float32).WriteNPZ(&m); err != nil {
		t.Fatal(err)
	}
	return cfg, c.Bytes(), m.Bytes()
}

func TestLoadRun(t *testing.T) {
	cfg, c, m := smallRun(t)
	dir := t.TempDir()
	d := mustOpen(t, dir)
	if err := d.Commit([]File{{ConfigFile, func(w io.Writer) error { _, err := w.Write(c); return err }},
		{ModelFile, func(w io.Writer) error { _, err := w.Write(m); return err }}}, nil); err != nil {
		t.Fatal(err)
	}
	got, w, err := LoadRun(dir)
	if err != nil || !reflect.DeepEqual(got, cfg) || w.RecRec.Shape()[0] != 6 {
		t.Fatalf("LoadRun = %+v, %v", got, err)
	}
	// A run's config.json is a valid -config file, graph included.
	again, err := LoadConfigFile(filepath.Join(dir, ConfigFile))
	if err != nil || !reflect.DeepEqual(again, cfg) {
		t.Errorf("config.json as -config: %+v, %v", again, err)
	}
}

func TestLoadRunErrors(t *testing.T) {
	_, c, m := smallRun(t)
	run := func(files map[string][]byte) func(t *testing.T) string {
		return func(t *testing.T) string {
			dir := t.TempDir()
			for n, b := range files {
				os.WriteFile(filepath.Join(dir, n), b, 0o644)
			}
			return dir
		}
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
		{"corrupt config", run(map[string][]byte{ConfigFile: []byte(`{"dt": 20,`), ModelFile: m}), "config.json is corrupt"},
		{"unknown key", run(map[string][]byte{ConfigFile: []byte(`{"n_neuron": 5}`), ModelFile: m}), `unknown key "n_neuron" (did you mean "n_neurons"?`},
		{"invalid config", run(map[string][]byte{ConfigFile: []byte(`{"tau": 1}`), ModelFile: m}), "tau = 1"},
		{"missing model", run(map[string][]byte{ConfigFile: c}), "model.npz not found"},
		{"corrupt model", run(map[string][]byte{ConfigFile: c, ModelFile: []byte("not a zip")}), "model.npz: load weights: not a readable .npz"},
		{"model of another size", run(map[string][]byte{ConfigFile: []byte(`{"n_neurons": 32}`), ModelFile: m}), `array "input2rec.weight" has shape (6, 3), want (32, 3)`},
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

// FuzzLoadRun feeds LoadRun run directories whose config.json and
// model.npz are arbitrary bytes: it must return an error or a
// configuration whose network the weights fit, never panic.
func FuzzLoadRun(f *testing.F) {
	_, c, m := smallRun(f)
	f.Add(c, m)
	f.Add([]byte(`{"n_neurons": 6, "graph": "reference"}`), m)
	f.Add([]byte(`{"n_neurons": 6, "N_NEURONS": 6}`), m[:len(m)/2])
	f.Fuzz(func(t *testing.T, cfgJSON, npz []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ConfigFile), cfgJSON, 0o644)
		os.WriteFile(filepath.Join(dir, ModelFile), npz, 0o644)
		cfg, w, err := LoadRun(dir)
		if err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("LoadRun returned an invalid config: %v", err)
		}
		mc := cfg.Model()
		if s := w.RecRec.Shape(); s[0] != mc.NHidden || s[1] != mc.NHidden {
			t.Fatalf("W_r shape %v for %d units", s, mc.NHidden)
		}
	})
}

// TestLoadRunInProgress: a run directory locked by a command that has not
// saved yet is reported as such, not as "not a run directory".
func TestLoadRunInProgress(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	d := mustOpen(t, dir)
	defer d.Close()
	if _, _, err := LoadRun(dir); err == nil || !strings.Contains(err.Error(), "has not saved it yet") {
		t.Errorf("LoadRun: %v, want an error saying the run is being written", err)
	}
	if _, err := ReadResumable(dir); err == nil || !strings.Contains(err.Error(), "has not saved it yet") {
		t.Errorf("ReadResumable: %v, want an error saying the run is being written", err)
	}
}
