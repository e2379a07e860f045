package sweep

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/train"
)

const smallSpec = `{"base": {"n_iteration": 5, "n_neurons": 8, "batch_size": 2},
	"grid": {"learning_rate": [0.01, 0.1]}, "seeds": [0, 1]}`

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestOpenWritesSpecAndConfigs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	sw, err := Open(dir, parse(t, smallSpec))
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	if len(sw.Plan.Runs) != 4 {
		t.Fatalf("%d runs, want 4", len(sw.Plan.Runs))
	}
	stored, err := LoadSpec(filepath.Join(dir, SpecFile))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := stored.Expand(); len(p.Runs) != 4 {
		t.Errorf("stored spec expands to %d runs", len(p.Runs))
	}
	for _, r := range sw.Plan.Runs {
		cfg, err := train.LoadConfigFile(filepath.Join(sw.RunDir(r.Name), train.ConfigFile))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cfg, r.Config) {
			t.Errorf("%s: config.json holds %+v, want %+v", r.Name, cfg, r.Config)
		}
	}
	states, err := sw.States()
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range states {
		if st.Status != Pending {
			t.Errorf("%s: %s, want pending", sw.Plan.Runs[i].Name, st.Status)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	sw, err := Open(dir, parse(t, smallSpec))
	if err != nil {
		t.Fatal(err)
	}
	// A second sweep on the same directory while the first holds it.
	if _, err := Open(dir, parse(t, smallSpec)); err == nil || !strings.Contains(err.Error(), "in use by another sweep") || !strings.Contains(err.Error(), "pid") {
		t.Errorf("second sweep: %v", err)
	}
	sw.Close()
	before := snapshot(t, dir)

	// The same sweep with its JSON re-ordered and re-spelled, and another
	// slurm block, is the same sweep.
	same := `{"slurm": {"time": "5"}, "seeds": [0, 1], "grid": {"learning_rate": [0.010, 1e-1]}, "base": {"batch_size": 2, "n_neurons": 8, "n_iteration": 5}}`
	sw, err = Open(dir, parse(t, same))
	if err != nil {
		t.Fatalf("re-ordered spec refused: %v", err)
	}
	sw.Close()

	for _, c := range []struct {
		name, spec string
		want       string
	}{
		{"another grid", strings.Replace(smallSpec, "0.1]", "0.2]", 1), "2 runs not in it (e.g. learning_rate=0.2,seed=0"},
		{"another base", strings.Replace(smallSpec, `"n_iteration": 5`, `"n_iteration": 6`, 1), "4 runs with another configuration"},
		{"fewer seeds", strings.Replace(smallSpec, "[0, 1]", "[0]", 1), "2 of its runs missing"},
	} {
		if _, err := Open(dir, parse(t, c.spec)); err == nil || !strings.Contains(err.Error(), "holds a different sweep") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A run directory whose config.json someone changed.
	victim := filepath.Join(dir, RunsDir, "learning_rate=0.1,seed=1", train.ConfigFile)
	edited := strings.Replace(before[victim], `"n_neurons": 8`, `"n_neurons": 9`, 1)
	if edited == before[victim] {
		t.Fatal("test set-up: config.json has no n_neurons 8")
	}
	if err := os.WriteFile(victim, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), "1 run directory hold a config.json that differs") {
		t.Errorf("edited run config: %v", err)
	}
	if err := os.WriteFile(victim, []byte(before[victim]), 0o644); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, dir)
	for p, b := range before {
		if filepath.Base(p) != lockName && after[p] != b {
			t.Errorf("%s changed by a refused sweep", p)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d files before, %d after the refused sweeps", len(before), len(after))
	}

	// A directory that holds something else.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if _, err := Open(other, parse(t, smallSpec)); err == nil || !strings.Contains(err.Error(), "not a sweep directory") {
		t.Errorf("foreign directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "notes.txt")); string(b) != "mine" {
		t.Error("foreign directory changed")
	}
	// Inspect writes nothing, even for a new directory.
	fresh := filepath.Join(t.TempDir(), "new")
	if sw, err := Inspect(fresh, parse(t, smallSpec)); err != nil || len(sw.Plan.Runs) != 4 {
		t.Errorf("Inspect: %v", err)
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Error("Inspect created the directory")
	}
	if _, err := Inspect(fresh, nil); err == nil || !strings.Contains(err.Error(), "holds no sweep.json") {
		t.Errorf("Inspect without spec: %v", err)
	}
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	var b bytes.Buffer
	if err := jsonEncode(&b, v); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
