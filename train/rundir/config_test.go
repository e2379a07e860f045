package rundir

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
)

func fptr(v float64) *float64 { return &v }

func TestDefaultConfigIsTutorial(t *testing.T) {
	want := Config{Task: TaskList{"PerceptualDecisionMaking-v0"}, Dt: 20, StimLen: fptr(1000), StimNoise: fptr(0.3), SeqLen: 60, NNeurons: 64,
		NetworkNoise: 0.1, Tau: 100, ActivationFun: "relu", BatchSize: 16, NIteration: 1000,
		LearningRate: 0.01, Optimizer: "Adam", Loss: "CrossEntropy", Seed: 0, Graph: "fast",
		ExcFraction: 0.8, InputConnectivity: 1, RecConnectivity: 1, OutputConnectivity: 1,
		Autapses: true, TrainInput: true, TrainRec: true, TrainOutput: true}
	if got := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultConfig() = %+v, want %+v", got, want)
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default config invalid: %v", err)
	}
}

func TestConfigJSONKeysAreFlagNames(t *testing.T) {
	c := DefaultConfig()
	c.Task = TaskList{TutorialTask, TutorialTask}                    // a schedule has every key
	c.LossWeights, c.TrialAligned = LossWeights{"decision": 1}, true // and so do these optional keys
	c.InputMask, c.RecMask, c.OutputMask = "in.npy", "rec.npy", "out.npy"
	c = c.Canonical()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	keys := ConfigKeys()
	if len(keys) != len(m) {
		t.Fatalf("%d flags, %d JSON keys", len(keys), len(m))
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("flag %q is not a JSON key of Config", k)
		}
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	c := DefaultConfig()
	c.NNeurons, c.StimNoise, c.Optimizer, c.Seed = 32, fptr(0.125), "SGD", -7
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip: got %+v, want %+v", got, c)
	}
}

func TestDecodeConfig(t *testing.T) {
	for _, c := range []struct {
		name, js string
		want     func(*Config) // applied to DefaultConfig
		errHas   string
	}{
		{"empty object keeps defaults", `{}`, func(*Config) {}, ""},
		{"partial", `{"n_neurons": 8, "optimizer": "rmsprop"}`, func(c *Config) { c.NNeurons, c.Optimizer = 8, "RMSprop" }, ""},
		{"version key of a run dir is ignored", `{"seed": 3, "version": "x"}`, func(c *Config) { c.Seed = 3 }, ""},
		// Issue 8: a run's config.json repeats the run, graph included.
		{"graph key", `{"graph": "reference"}`, func(c *Config) { c.Graph = "reference" }, ""},
		{"unknown key", `{"n_neuron": 8}`, nil, `unknown key "n_neuron" (did you mean "n_neurons"?`},
		// Issue 8: keys were matched case-insensitively.
		{"upper-case key", `{"N_NEURONS": 8}`, nil, `unknown key "N_NEURONS" (did you mean "n_neurons"? keys are exact`},
		{"two spellings", `{"Seed": 5, "SEED": 7}`, nil, `unknown key "Seed" (did you mean "seed"?`},
		{"duplicate key", `{"seed": 5, "seed": 7}`, nil, `key "seed" appears twice`},
		{"far miss lists the keys", `{"colour": 1}`, nil, `unknown key "colour"; allowed keys: L1_firing_rate, L1_in, L1_out, L1_rec, L2_firing_rate, L2_in, L2_out, L2_rec, activation_fun, autapses, batch_size,`},
		{"null", `{"seed": null}`, nil, `key "seed" is null`},
		{"wrong type", `{"n_neurons": "8"}`, nil, `key "n_neurons": got string, want an integer`},
		{"fraction for an integer", `{"n_neurons": 8.5}`, nil, `key "n_neurons": got number 8.5, want an integer`},
		{"trailing data", `{} {}`, nil, "trailing"},
		{"not an object", `[1]`, nil, "want a JSON object"},
		{"not JSON", `dt=20`, nil, "not JSON"},
		{"truncated", `{"dt": 20,`, nil, "not JSON"},
		{"too long", `{"dt": 20` + strings.Repeat(" ", MaxConfigBytes) + `}`, nil, "longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeConfig(strings.NewReader(c.js))
			if c.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), c.errHas) {
					t.Fatalf("err = %v, want one containing %q", err, c.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			c.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{`{}`, `{"n_neurons": 8, "optimizer": "rmsprop", "graph": "reference"}`, `{"Seed":5,"SEED":7}`,
		`{"dt": 20, "stim_len": 1000, "stim_noise": 0.3, "seq_len": 60, "n_neurons": 64, "network_noise": 0.1, "tau": 100, "activation_fun": "relu", "batch_size": 16, "n_iteration": 1000, "learning_rate": 0.01, "optimizer": "Adam", "loss": "CrossEntropy", "seed": 0, "graph": "fast", "version": "0.1.0"}`,
		`{"seed": null}`, `{"n_neurons": 1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeConfig(bytes.NewReader(b))
		if err != nil {
			return
		}
		// A decoded configuration is canonical, validates or explains why,
		// and survives a round trip through JSON unchanged.
		if !reflect.DeepEqual(c, c.Canonical()) {
			t.Fatalf("not canonical: %+v", c)
		}
		verr := c.Validate()
		out, err := json.Marshal(c)
		if err != nil {
			if verr == nil {
				t.Fatalf("valid config %+v does not marshal: %v", c, err)
			}
			return
		}
		again, err := DecodeConfig(bytes.NewReader(out))
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip of %s: %+v, %v", out, again, err)
		}
	})
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		mod    func(*Config)
		errHas []string // all must appear
	}{
		{"zero dt", func(c *Config) { c.Dt = 0 }, []string{"dt = 0", "positive"}},
		{"negative stim_len", func(c *Config) { c.StimLen = fptr(-1) }, []string{"stim_len"}},
		{"stim_len below dt", func(c *Config) { c.StimLen = fptr(10) }, []string{"stim_len = 10", "dt"}},
		{"negative stim_noise", func(c *Config) { c.StimNoise = fptr(-0.1) }, []string{"stim_noise"}},
		{"unknown task", func(c *Config) { c.Task = TaskList{"PerceptualDecisionMakng-v0"} }, []string{`no task with id "PerceptualDecisionMakng-v0"`, "did you mean: PerceptualDecisionMaking-v0"}},
		{"dt in task_kwargs", func(c *Config) { c.TaskKwargs = Kwargs(`{"dt": 10}`) }, []string{`"dt" is the dt key of the configuration`}},
		{"stim_len and timing.stimulus", func(c *Config) { c.TaskKwargs = Kwargs(`{"timing": {"stimulus": 500}}`) }, []string{"stim_len and task_kwargs timing.stimulus"}},
		{"stim_noise and sigma", func(c *Config) { c.TaskKwargs = Kwargs(`{"sigma": 1}`) }, []string{"stim_noise and task_kwargs sigma"}},
		{"bad task keyword", func(c *Config) { c.TaskKwargs = Kwargs(`{"dim_rng": 3}`) }, []string{`unknown keyword "dim_rng"`}},
		{"schedule of one task", func(c *Config) { c.Schedule = "random" }, []string{"schedule and env_input apply to a list"}},
		{"unknown schedule", func(c *Config) { c.Task = TaskList{TutorialTask, TutorialTask}; c.Schedule = "blocks" }, []string{`schedule = "blocks"`}},
		{"zero seq_len", func(c *Config) { c.SeqLen = 0 }, []string{"seq_len = 0", "positive integer"}},
		{"negative n_neurons", func(c *Config) { c.NNeurons = -3 }, []string{"n_neurons = -3"}},
		{"negative network_noise", func(c *Config) { c.NetworkNoise = -1 }, []string{"network_noise"}},
		{"tau below dt", func(c *Config) { c.Tau = 10 }, []string{"tau = 10", "dt"}},
		{"zero tau", func(c *Config) { c.Tau = 0 }, []string{"tau = 0"}},
		{"unknown activation", func(c *Config) { c.ActivationFun = "tanh" }, []string{`activation_fun = "tanh"`, "relu, sigmoid, softplus"}},
		{"zero batch", func(c *Config) { c.BatchSize = 0 }, []string{"batch_size"}},
		{"zero iterations", func(c *Config) { c.NIteration = 0 }, []string{"n_iteration"}},
		{"negative lr", func(c *Config) { c.LearningRate = -0.1 }, []string{"learning_rate"}},
		{"unknown optimizer", func(c *Config) { c.Optimizer = "Adagrad" }, []string{`optimizer = "Adagrad"`, "Adam, RMSprop, SGD"}},
		{"unknown loss", func(c *Config) { c.Loss = "MSE" }, []string{`loss = "MSE"`, "CrossEntropy, L1, L2"}},
		{"unknown graph", func(c *Config) { c.Graph = "" }, []string{`graph = ""`, "fast, reference"}},
		{"several at once", func(c *Config) { c.SeqLen, c.Loss = -1, "x" }, []string{"seq_len", "loss"}},
		{"unknown task with another error", func(c *Config) { c.Task, c.Loss, c.NNeurons = TaskList{"Foo-v0"}, "", 0 }, []string{"n_neurons = 0", `no task with id "Foo-v0"`}},
		{"unknown task, loss from the task", func(c *Config) { c.Task, c.Loss = TaskList{"Foo-v0"}, "" }, []string{`no task with id "Foo-v0"`}},
		{"trial_aligned seq_len too short", func(c *Config) { c.TrialAligned, c.SeqLen = true, 10 }, []string{"seq_len = 10", "trial_aligned needs seq_len"}},
		{"task without actions as targets", func(c *Config) { c.Task, c.StimLen, c.StimNoise, c.Loss = TaskList{"Reaching1D-v0"}, nil, nil, "" }, []string{"task Reaching1D-v0 cannot be trained with a supervised loss", "Gt["}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			c.mod(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range c.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
	for _, js := range []string{`{"task": []}`, `{"task": 3}`} {
		if _, err := DecodeConfig(strings.NewReader(js)); err == nil || !strings.Contains(err.Error(), "task") {
			t.Errorf("%s: error %v, want one about the task", js, err)
		}
	}
	// Names are case-insensitive.
	cfg := DefaultConfig()
	cfg.ActivationFun, cfg.Optimizer, cfg.Loss = "ReLU", "adam", "crossentropy"
	if err := cfg.Validate(); err != nil {
		t.Errorf("case-insensitive names rejected: %v", err)
	}
	if c := cfg.Canonical(); c.ActivationFun != "relu" || c.Optimizer != "Adam" || c.Loss != "CrossEntropy" {
		t.Errorf("Canonical() = %+v", c)
	}
}

// parseArgs runs ConfigFlags on args.
func parseArgs(args ...string) (Config, error) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	resolve := ConfigFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return resolve()
}

func TestConfigFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.json")
	if err := os.WriteFile(file, []byte(`{"n_neurons": 32, "learning_rate": 0.005, "seed": 4}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// A run's config.json (issue 8: its graph key was ignored, so repeating
	// a reference-graph run trained the fast graph).
	runCfg := DefaultConfig()
	runCfg.Graph, runCfg.Seed = "reference", 12
	var rb bytes.Buffer
	if err := ConfigJSON(runCfg)(&rb); err != nil {
		t.Fatal(err)
	}
	runFile := filepath.Join(dir, "config.json")
	if err := os.WriteFile(runFile, rb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"n_neurons": 32, "lr": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		want   func(*Config)
		errHas string
	}{
		{"no flags gives defaults", nil, func(*Config) {}, ""},
		{"flags", []string{"-n_neurons", "16", "-optimizer", "sgd", "-seed", "9"}, func(c *Config) { c.NNeurons, c.Optimizer, c.Seed = 16, "SGD", 9 }, ""},
		{"file", []string{"-config", file}, func(c *Config) { c.NNeurons, c.LearningRate, c.Seed = 32, 0.005, 4 }, ""},
		{"flag overrides file", []string{"-config", file, "-seed", "5"}, func(c *Config) { c.NNeurons, c.LearningRate, c.Seed = 32, 0.005, 5 }, ""},
		{"flag set to default still overrides file", []string{"-n_neurons", "64", "-config", file}, func(c *Config) { c.LearningRate, c.Seed = 0.005, 4 }, ""},
		{"missing file", []string{"-config", filepath.Join(dir, "nope.json")}, nil, "nope.json"},
		{"unknown key in file", []string{"-config", bad}, nil, `unknown key "lr"`},
		{"graph flag", []string{"-graph", "reference"}, func(c *Config) { c.Graph = "reference" }, ""},
		{"a run's config.json repeats the run", []string{"-config", runFile}, func(c *Config) { c.Graph, c.Seed = "reference", 12 }, ""},
		{"flags override a run's config.json", []string{"-config", runFile, "-graph", "fast"}, func(c *Config) { c.Seed = 12 }, ""},
		{"bad graph", []string{"-graph", "slow"}, nil, `graph = "slow": allowed: fast, reference`},
		{"invalid value", []string{"-tau", "5"}, nil, "tau = 5"},
		{"NaN rejected", []string{"-stim_noise", "NaN"}, nil, "stim_noise"},
		// Another task does not inherit the tutorial's stim_len/stim_noise
		// (they would name keywords it lacks) or its cross-entropy loss.
		{"another task", []string{"-task", "ReachingDelayResponse-v0"}, func(c *Config) {
			c.Task, c.StimLen, c.StimNoise, c.Loss = TaskList{"ReachingDelayResponse-v0"}, nil, nil, "L2"
		}, ""},
		{"another task, shorthand given", []string{"-task", "ContextDecisionMaking-v0", "-stim_noise", "0.5"}, func(c *Config) {
			c.Task, c.StimLen, c.StimNoise = TaskList{"ContextDecisionMaking-v0"}, nil, fptr(0.5)
		}, ""},
		{"shorthand the task lacks", []string{"-task", "ReachingDelayResponse-v0", "-stim_noise", "0.5"}, nil, "has no sigma keyword"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseArgs(c.args...)
			if c.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), c.errHas) {
					t.Fatalf("err = %v, want one containing %q", err, c.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			c.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// TestCheckWeights: a run's model.npz must carry the constraints its
// config.json asks for (LoadRun refuses a mismatch with this error).
func TestCheckWeights(t *testing.T) {
	base := DefaultConfig()
	mc := base.Model()
	dale := base
	dale.Dale, dale.Autapses = true, false
	cons, err := dale.Constraints(mc)
	if err != nil {
		t.Fatal(err)
	}
	wDale, err := model.InitConstrainedWeights(mc, cons, 0, tensor.Float32)
	if err != nil {
		t.Fatal(err)
	}
	wPlain := model.InitWeights(mc, 0, tensor.Float32)
	if err := dale.CheckWeights(wDale); err != nil {
		t.Errorf("matching constraints: %v", err)
	}
	if err := base.CheckWeights(wPlain); err != nil {
		t.Errorf("unconstrained: %v", err)
	}
	other := dale
	other.ExcFraction = 0.5
	autapses := dale
	autapses.Autapses = true
	autapses.RecConnectivity = 0.5
	for _, c := range []struct {
		name  string
		cfg   Config
		w     *model.Weights
		wants string
	}{
		{"dale, no signs", dale, wPlain, "dale = true in the configuration, but the weights have no Dale signs"},
		{"signs, no dale", base, wDale, "dale = false in the configuration, but the weights have Dale signs"},
		{"other exc_fraction", other, wDale, "exc_fraction = 0.5 makes units 0..31 excitatory"},
		{"mask missing", func() Config { c := base; c.RecConnectivity = 0.5; return c }(), wPlain, "asks for a rec connectivity mask"},
	} {
		if err := c.cfg.CheckWeights(c.w); err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.wants)
		}
	}
	// an autapse left in the mask
	bad := wDale.Clone()
	bad.RecMask[0] = 1
	if err := dale.CheckWeights(bad); err == nil || !strings.Contains(err.Error(), "autapses = false, but rec2rec.mask[0, 0] = 1") {
		t.Errorf("autapse: error %v", err)
	}
}

// TestConfigMaskPaths: mask files named in a -config file are relative to
// that file, on the command line to the working directory, and the
// resolved configuration (a run's config.json) holds absolute paths, so
// that it names the same files from anywhere.
func TestConfigMaskPaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.json")
	if err := os.WriteFile(file, []byte(`{"rec_mask": "m.npy", "input_mask": "/abs/in.npy"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseArgs("-config", file)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "m.npy"); cfg.RecMask != want || cfg.InputMask != "/abs/in.npy" {
		t.Errorf("from the file: rec_mask %q, input_mask %q; want %q, /abs/in.npy", cfg.RecMask, cfg.InputMask, want)
	}
	cfg, err = parseArgs("-config", file, "-rec_mask", "sub/r.npy")
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Join(wd, "sub", "r.npy"); cfg.RecMask != want {
		t.Errorf("from a flag: rec_mask %q, want %q", cfg.RecMask, want)
	}
}
