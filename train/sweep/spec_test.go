package sweep

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/train"
)

func parse(t *testing.T, s string) *Spec {
	t.Helper()
	spec, err := ParseSpec(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ParseSpec(%s): %v", s, err)
	}
	return spec
}

func expand(t *testing.T, s string) *Plan {
	t.Helper()
	p, err := parse(t, s).Expand()
	if err != nil {
		t.Fatalf("Expand(%s): %v", s, err)
	}
	return p
}

func names(p *Plan) []string {
	var out []string
	for _, r := range p.Runs {
		out = append(out, r.Name)
	}
	return out
}

func TestExpandGridTimesSeeds(t *testing.T) {
	p := expand(t, `{"base": {"n_iteration": 20, "n_neurons": 16},
		"grid": {"learning_rate": [0.001, 0.01, 0.1], "activation_fun": ["relu", "softplus"]},
		"seeds": [0, 1, 2]}`)
	if want := []string{"activation_fun", "learning_rate"}; !reflect.DeepEqual(p.Keys, want) {
		t.Errorf("Keys = %v, want %v", p.Keys, want)
	}
	if len(p.Runs) != 18 {
		t.Fatalf("%d runs, want 3 x 2 x 3 = 18", len(p.Runs))
	}
	// Grid keys in sorted order, the last fastest, then seeds.
	if got, want := p.Runs[0].Name, "activation_fun=relu,learning_rate=0.001,seed=0"; got != want {
		t.Errorf("first run %q, want %q", got, want)
	}
	if got, want := p.Runs[4].Name, "activation_fun=relu,learning_rate=0.01,seed=1"; got != want {
		t.Errorf("run 4 %q, want %q", got, want)
	}
	seen := map[string]bool{}
	for _, r := range p.Runs {
		seen[r.Name] = true
		want := train.DefaultConfig()
		want.NIteration, want.NNeurons = 20, 16
		want.ActivationFun = r.Params[0].String()
		want.LearningRate = map[string]float64{"0.001": 0.001, "0.01": 0.01, "0.1": 0.1}[r.Params[1].String()]
		want.Seed = r.Seed
		if !reflect.DeepEqual(r.Config, want) {
			t.Errorf("%s: config %+v, want %+v", r.Name, r.Config, want)
		}
		if !strings.HasSuffix(r.Name, ",seed="+json.Number(itoa(r.Seed)).String()) {
			t.Errorf("%s does not end in its seed %d", r.Name, r.Seed)
		}
	}
	if len(seen) != 18 {
		t.Errorf("%d distinct names, want 18", len(seen))
	}
}

func itoa(v int64) string { b, _ := json.Marshal(v); return string(b) }

func TestExpandRunsAndDefaults(t *testing.T) {
	p := expand(t, `{"runs": [{"optimizer": "sgd", "learning_rate": 0.1}, {"optimizer": "Adam"}]}`)
	if want := []string{"learning_rate", "optimizer"}; !reflect.DeepEqual(p.Keys, want) {
		t.Errorf("Keys = %v, want %v", p.Keys, want)
	}
	// Without seeds, a run keeps its configuration's seed (the default 0);
	// a key one entry leaves out takes the default in its name.
	want := []string{"learning_rate=0.1,optimizer=SGD,seed=0", "learning_rate=0.01,optimizer=Adam,seed=0"}
	if got := names(p); !reflect.DeepEqual(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
	if p.Runs[0].Config.Optimizer != "SGD" || p.Runs[0].Config.LearningRate != 0.1 {
		t.Errorf("runs[0] config %+v", p.Runs[0].Config)
	}

	// Neither grid nor runs: a seed sweep of the base configuration.
	p = expand(t, `{"base": {"n_neurons": 8}, "seeds": [5, 3]}`)
	if got, want := names(p), []string{"seed=5", "seed=3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("seed sweep names %v, want %v", got, want)
	}
	// runs x grid.
	p = expand(t, `{"runs": [{"optimizer": "SGD"}, {"optimizer": "Adam"}], "grid": {"n_neurons": [8, 16]}, "seeds": [1]}`)
	if len(p.Runs) != 4 || p.Runs[1].Name != "n_neurons=16,optimizer=SGD,seed=1" {
		t.Errorf("runs x grid: %v", names(p))
	}
}

// Run names depend on the values only: not on the order of keys in the
// JSON, the spelling of numbers or the letter case of names that the
// configuration canonicalises.
func TestRunNamesStable(t *testing.T) {
	a := expand(t, `{"seeds": [0, 1], "grid": {"learning_rate": [0.01, 1e-3], "activation_fun": ["relu", "softplus"]}, "base": {"n_neurons": 16, "dt": 20}}`)
	b := expand(t, `{"base": {"dt": 20, "n_neurons": 16}, "grid": {"activation_fun": ["ReLU", "Softplus"], "learning_rate": [0.010, 0.001]}, "seeds": [0, 1]}`)
	if !reflect.DeepEqual(names(a), names(b)) {
		t.Errorf("names differ:\n%v\n%v", names(a), names(b))
	}
	for i := range a.Runs {
		if !reflect.DeepEqual(a.Runs[i].Config, b.Runs[i].Config) {
			t.Errorf("%s: configs differ", a.Runs[i].Name)
		}
	}
}

func TestRunName(t *testing.T) {
	for _, c := range []struct {
		params []Param
		seed   int64
		want   string
	}{
		{nil, 3, "seed=3"},
		{[]Param{{"learning_rate", json.Number("0.01")}, {"loss", "L2"}}, -1, "learning_rate=0.01,loss=L2,seed=-1"},
		{[]Param{{"task", "a/b c$"}}, 0, "task=a_b_c_,seed=0"},
		{[]Param{{"task_kwargs", map[string]any{"sigma": json.Number("1"), "timing": map[string]any{"stimulus": json.Number("500")}}}}, 0,
			`task_kwargs=__sigma__1__timing____stimulus__500__,seed=0`},
		{[]Param{{"flag", true}}, 0, "flag=true,seed=0"},
	} {
		if got := RunName(c.params, c.seed); got != c.want {
			t.Errorf("RunName(%v, %d) = %q, want %q", c.params, c.seed, got, c.want)
		}
	}
	long1 := RunName([]Param{{"k", strings.Repeat("x", 300) + "1"}}, 0)
	long2 := RunName([]Param{{"k", strings.Repeat("x", 300) + "2"}}, 0)
	if len(long1) != MaxNameLen || len(long2) != MaxNameLen || long1 == long2 {
		t.Errorf("long names: %d and %d bytes, equal %v; want %d bytes each, distinct", len(long1), len(long2), long1 == long2, MaxNameLen)
	}
}

func TestSpecErrors(t *testing.T) {
	for _, c := range []struct {
		name, spec string
		want       []string // substrings of the error
	}{
		{"unknown key", `{"gird": {"learning_rate": [0.1]}}`, []string{`unknown field "gird"`, "allowed keys: base, grid, runs, seeds, slurm"}},
		{"empty grid", `{"grid": {}}`, []string{"grid is empty"}},
		{"empty grid list", `{"grid": {"learning_rate": []}}`, []string{"grid.learning_rate is an empty list"}},
		{"grid not a list", `{"grid": {"learning_rate": 0.1}}`, []string{"grid.learning_rate = 0.1: want a list"}},
		{"empty runs", `{"runs": []}`, []string{"runs is an empty list"}},
		{"empty seeds", `{"seeds": []}`, []string{"seeds is an empty list"}},
		{"seeds not integers", `{"seeds": [0.5]}`, []string{"seeds = [0.5]: want a list of integers"}},
		{"repeated seed", `{"seeds": [1, 2, 1]}`, []string{"seeds: 1 appears twice"}},
		{"seed twice", `{"base": {"seed": 3}, "seeds": [1]}`, []string{"seed is set by seeds and in base"}},
		{"overlapping grid keys", `{"grid": {"task_kwargs": [{}], "task_kwargs.sigma": [1]}}`, []string{`grid keys "task_kwargs" and "task_kwargs.sigma" overlap`}},
		{"run sets grid key", `{"grid": {"n_neurons": [8]}, "runs": [{"n_neurons": 16}]}`, []string{`runs[0] sets "n_neurons", which grid sweeps`}},
		{"slurm unknown key", `{"slurm": {"partitoin": "cpu"}}`, []string{`unknown field "partitoin"`, "partition, time, mem"}},
		{"slurm bad time", `{"slurm": {"time": "1h"}}`, []string{`time = "1h"`, "hours:minutes:seconds"}},
		{"slurm bad mem", `{"slurm": {"mem": "2 GB"}}`, []string{`mem = "2 GB"`}},
		{"trailing data", `{} {}`, []string{"trailing data"}},
		{"several at once", `{"grid": {"a": [], "b": 1}, "seeds": []}`, []string{"grid.a is an empty list", "grid.b = 1", "seeds is an empty list"}},
	} {
		_, err := ParseSpec(strings.NewReader(c.spec))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
	}
}

// Configuration keys and values are checked by train's decoder and
// validator, and the error says where in the spec the bad one is.
func TestExpandErrors(t *testing.T) {
	for _, c := range []struct {
		name, spec string
		want       []string
	}{
		{"unknown key in base", `{"base": {"lr": 0.1}}`, []string{"base:", `unknown key "lr"`, "learning_rate"}},
		{"unknown grid key", `{"grid": {"lr": [0.1, 0.2]}}`, []string{"grid.lr[0] = 0.1", `unknown key "lr"`}},
		{"wrong type in runs", `{"runs": [{"n_neurons": 8}, {"n_neurons": "many"}]}`, []string{"runs[1]:", "n_neurons"}},
		{"invalid value", `{"grid": {"learning_rate": [0.1, -1]}, "seeds": [0, 1]}`, []string{"learning_rate = -1", "seeds[0] = 0", "seeds[1] = 1"}},
		{"invalid combination", `{"grid": {"tau": [10, 100], "dt": [20]}}`, []string{"tau = 10", "grid point 0 (dt=20, tau=10)"}},
		{"duplicate names", `{"runs": [{"activation_fun": "relu"}, {"activation_fun": "ReLU"}]}`,
			[]string{`duplicate run name "activation_fun=relu,seed=0"`, "runs[0] and runs[1]"}},
		{"duplicate after sanitising", `{"runs": [{"optimizer": "Adam", "loss": "L1"}, {"optimizer": "Adam", "loss": "L1"}]}`,
			[]string{"duplicate run name", "runs[0] and runs[1]"}},
	} {
		s, err := ParseSpec(strings.NewReader(c.spec))
		if err != nil {
			t.Errorf("%s: ParseSpec: %v", c.name, err)
			continue
		}
		_, err = s.Expand()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
	}
	// A bad key in base is said once, and a bad grid key still on its own.
	s0 := parse(t, `{"base": {"n_neuronz": 8}, "grid": {"learning_rate": [0.01, 0.02], "lr": [1]}}`)
	if _, err := s0.Expand(); err == nil || strings.Count(err.Error(), `"n_neuronz"`) != 1 || !strings.Contains(err.Error(), `grid.lr[0] = 1: JSON configuration: unknown key "lr"`) {
		t.Errorf("bad base key: %v", err)
	}
	// Many bad runs: the first ten and a count.
	s := parse(t, `{"grid": {"learning_rate": [-1, -2, -3, -4]}, "seeds": [0, 1, 2, 3]}`)
	_, err := s.Expand()
	if err == nil || !strings.Contains(err.Error(), "and 6 more errors") || strings.Count(err.Error(), "learning_rate = ") != 10 {
		t.Errorf("16 bad runs: %v", err)
	}
}

// The examples of RFC 7386, Appendix A (target, patch, result).
func TestMergePatchRFC7386(t *testing.T) {
	for _, c := range [][3]string{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	} {
		target, err1 := decodeJSON([]byte(c[0]))
		patch, err2 := decodeJSON([]byte(c[1]))
		want, err3 := decodeJSON([]byte(c[2]))
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		if got := mergePatch(target, patch); !reflect.DeepEqual(got, want) {
			t.Errorf("mergePatch(%s, %s) = %v, want %s", c[0], c[1], got, c[2])
		}
	}
	if got, want := pathPatch("task_kwargs.timing.stimulus", 500), map[string]any{"task_kwargs": map[string]any{"timing": map[string]any{"stimulus": 500}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("pathPatch = %v", got)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	s := parse(t, `{"seeds": [2, 1], "grid": {"learning_rate": [0.010, 1e-3]}, "base": {"n_neurons": 16}, "slurm": {"time": "10:00", "array_throttle": 4}}`)
	b, err := s.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	s2 := parse(t, string(b))
	p1, _ := s.Expand()
	p2, _ := s2.Expand()
	if !reflect.DeepEqual(names(p1), names(p2)) || !reflect.DeepEqual(s.Slurm, s2.Slurm) {
		t.Errorf("round trip changed the spec:\n%s", b)
	}
	keys := []string{}
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"base", "grid", "seeds", "slurm"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("marshalled keys %v, want %v", keys, want)
	}
}
