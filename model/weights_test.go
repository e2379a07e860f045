package model

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"gorgonia.org/tensor"
)

// TestInitWeightsMatchesNumpy pins InitWeights(seed 0) to values computed with
// numpy.random.RandomState(np.array([0, 0, 2, 0], dtype=np.uint32)).uniform
// (data.StreamSeed(0, data.Weights, 0)), drawing
// (H,I), (H,H), (H), (O,H), (O) in turn with bounds 1/sqrt(fan_in).
func TestInitWeightsMatchesNumpy(t *testing.T) {
	w := InitWeights(tutorialConfig(), 0, tensor.Float32)
	at := func(d *tensor.Dense, i int) float32 { return d.Data().([]float32)[i] }
	checks := []struct {
		name      string
		got, want float32
	}{
		{"input2rec.weight[0,0]", at(w.InputRec, 0), -0.20921927690505981},
		{"input2rec.weight[0,2]", at(w.InputRec, 2), -0.1761660873889923},
		{"input2rec.weight[63,2]", at(w.InputRec, 63*3+2), -0.5094844698905945},
		{"rec2rec.weight[5,7]", at(w.RecRec, 5*64+7), -0.055299919098615646},
		{"rec2rec.bias[63]", at(w.RecBias, 63), -0.056343868374824524},
		{"rec2output.weight[2,63]", at(w.RecOut, 2*64+63), 0.006762733217328787},
		{"rec2output.bias[0]", at(w.OutBias, 0), -0.11655911058187485},
		{"rec2output.bias[2]", at(w.OutBias, 2), -0.06689595431089401},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v (numpy)", c.name, c.got, c.want)
		}
	}
	w64 := InitWeights(tutorialConfig(), 0, tensor.Float64)
	for i, t64 := range w64.Tensors() {
		bound := 1 / math.Sqrt(float64(fanIns(tutorialConfig())[i]))
		for _, v := range t64.Data().([]float64) {
			if math.Abs(v) > bound {
				t.Fatalf("%s value %v outside ±%v", StateDictNames[i], v, bound)
			}
		}
	}
	if w2 := InitWeights(tutorialConfig(), 1, tensor.Float32); at(w2.RecRec, 0) == at(w.RecRec, 0) {
		t.Errorf("seeds 0 and 1 gave the same first recurrent weight")
	}
}

func TestSaveLoadNPZ(t *testing.T) {
	cfg := tutorialConfig()
	dir := t.TempDir()
	path := filepath.Join(dir, "model.npz")
	w := InitWeights(cfg, 7, tensor.Float32)
	if err := w.SaveNPZ(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWeightsNPZ(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range w.Tensors() {
		g := got.Tensors()[i]
		if !g.Shape().Eq(want.Shape()) {
			t.Fatalf("%s shape %v, want %v", StateDictNames[i], g.Shape(), want.Shape())
		}
		for j, v := range want.Data().([]float32) {
			if g.Data().([]float32)[j] != v {
				t.Fatalf("%s[%d] = %v, want %v", StateDictNames[i], j, g.Data().([]float32)[j], v)
			}
		}
	}
	// the archive holds exactly the state_dict names with PyTorch's shapes, float32
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i, name := range StateDictNames {
		h := r.Header(name)
		if h == nil {
			t.Fatalf("no %s in archive (keys %v)", name, r.Keys())
		}
		if strings.Trim(h.Descr.Type, "'") != "<f4" || !tensor.Shape(h.Descr.Shape).Eq(shapes(cfg)[i]) {
			t.Errorf("%s: dtype %s shape %v", name, h.Descr.Type, h.Descr.Shape)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after SaveNPZ, want 1 (no temporary left)", len(entries))
	}
	// wrong config: the error names the array and the shapes
	bad := cfg
	bad.NHidden = 32
	if _, err := LoadWeightsNPZ(path, bad); err == nil || !strings.Contains(err.Error(), "input2rec.weight") || !strings.Contains(err.Error(), "[32 3]") {
		t.Errorf("load with wrong NHidden: error %v, want one naming input2rec.weight and shape [32 3]", err)
	}
}

func TestLoadNPZErrors(t *testing.T) {
	cfg := smallConfig(ReLU)
	dir := t.TempDir()
	good := InitWeights(cfg, 1, tensor.Float32)
	write := func(name string, mutate func(m map[string]any)) string {
		m := map[string]any{}
		for i, tt := range good.Tensors() {
			v := append([]float32(nil), tt.Data().([]float32)...)
			if s := tt.Shape(); len(s) == 2 {
				rows := make([][]float32, s[0])
				for r := range rows {
					rows[r] = v[r*s[1] : (r+1)*s[1]]
				}
				m[StateDictNames[i]] = rows
			} else {
				m[StateDictNames[i]] = v
			}
		}
		mutate(m)
		p := filepath.Join(dir, name)
		if err := npz.Write(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		file, want string
		mutate     func(m map[string]any)
	}{
		{"missing.npz", `"rec2rec.bias" is missing`, func(m map[string]any) { delete(m, "rec2rec.bias") }},
		{"shape.npz", `"rec2output.bias" has shape [4]`, func(m map[string]any) { m["rec2output.bias"] = []float32{1, 2, 3, 4} }},
		{"nan.npz", `"rec2rec.weight" holds a non-finite`, func(m map[string]any) { m["rec2rec.weight"].([][]float32)[1][2] = float32(math.NaN()) }},
		{"inf.npz", `"rec2output.bias" holds a non-finite`, func(m map[string]any) { m["rec2output.bias"].([]float32)[0] = float32(math.Inf(1)) }},
		{"dtype.npz", `"rec2rec.bias" has dtype`, func(m map[string]any) { m["rec2rec.bias"] = []int32{1, 2, 3, 4} }},
	}
	for _, c := range cases {
		_, err := LoadWeightsNPZ(write(c.file, c.mutate), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.file, err, c.want)
		}
	}
	if _, err := LoadWeightsNPZ(filepath.Join(dir, "absent.npz"), cfg); err == nil {
		t.Errorf("absent file: no error")
	}
	// float64 arrays (numpy's default) are accepted
	p := write("f64.npz", func(m map[string]any) { m["rec2output.bias"] = []float64{0.5, 0.25, 0.125} })
	w, err := LoadWeightsNPZ(p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.OutBias.Data().([]float32); got[1] != 0.25 {
		t.Errorf("float64 array loaded as %v", got)
	}
}

func TestConfigValidate(t *testing.T) {
	good := tutorialConfig()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field  string
		mutate func(c *Config)
	}{
		{"NInput", func(c *Config) { c.NInput = 0 }},
		{"NHidden", func(c *Config) { c.NHidden = -1 }},
		{"NOutput", func(c *Config) { c.NOutput = 0 }},
		{"Dt", func(c *Config) { c.Dt = 0 }},
		{"Tau", func(c *Config) { c.Tau = 10 }},
		{"NetworkNoise", func(c *Config) { c.NetworkNoise = -0.1 }},
		{"NetworkNoise", func(c *Config) { c.NetworkNoise = math.NaN() }},
		{"Activation", func(c *Config) { c.Activation = "tanh" }},
	}
	for _, c := range cases {
		cfg := good
		c.mutate(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %v, want one naming %s", c.field, err, c.field)
		}
	}
	if a := good.Alpha(); a != 0.2 {
		t.Errorf("Alpha = %v, want 0.2", a)
	}
}

func TestNoiseDeterministic(t *testing.T) {
	a, b := make([]float32, 10000), make([]float32, 10000)
	NewNoise(3).Fill(a)
	NewNoise(3).Fill(b)
	var sum, sq float64
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, value %d differs", i)
		}
		sum += float64(a[i])
		sq += float64(a[i]) * float64(a[i])
	}
	if m, v := sum/1e4, sq/1e4; math.Abs(m) > 0.05 || math.Abs(v-1) > 0.05 {
		t.Errorf("mean %v variance %v, want about 0 and 1", m, v)
	}
	NewNoise(4).Fill(b)
	if a[0] == b[0] && a[1] == b[1] {
		t.Errorf("seeds 3 and 4 start alike")
	}
}
