package model

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data/fileio"
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
	// PyTorch's load_state_dict (strict) takes the file as it is.
	py := "/usr/bin/python3"
	script := `
import sys, numpy as np, torch
I, H, O = (int(v) for v in sys.argv[2:5])
net = torch.nn.Module()
net.input2rec = torch.nn.Linear(I, H, bias=False)
net.rec2rec = torch.nn.Linear(H, H)
net.rec2output = torch.nn.Linear(H, O)
w = np.load(sys.argv[1], allow_pickle=False)
assert all(v.dtype == np.float32 for v in w.values()), [v.dtype for v in w.values()]
net.load_state_dict({k: torch.from_numpy(v) for k, v in w.items()}, strict=True)
print(float(net.rec2rec.weight[5, 7]))
`
	if testing.Short() || exec.Command(py, "-c", "import torch").Run() != nil {
		t.Log("-short, or no torch for /usr/bin/python3: skipping the load_state_dict check")
	} else {
		out, err := exec.Command(py, "-c", script, path, fmt.Sprint(cfg.NInput), fmt.Sprint(cfg.NHidden), fmt.Sprint(cfg.NOutput)).CombinedOutput()
		if err != nil {
			t.Fatalf("load_state_dict: %v\n%s", err, out)
		}
		got, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if want := w.RecRec.Data().([]float32)[5*cfg.NHidden+7]; float32(got) != want {
			t.Errorf("PyTorch read rec2rec.weight[5, 7] = %s, want %v", out, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after SaveNPZ, want 1 (no temporary left)", len(entries))
	}
	// wrong config: the error names the array and the shapes
	bad := cfg
	bad.NHidden = 32
	if _, err := LoadWeightsNPZ(path, bad); err == nil || !strings.Contains(err.Error(), `array "input2rec.weight" has shape (64, 3), want (32, 3)`) {
		t.Errorf("load with wrong NHidden: error %v, want one naming input2rec.weight and shape (32, 3)", err)
	}
}

// writeStateDict writes the arrays of m (name -> data, shape) as numpy.savez would.
type arr struct {
	data  any
	shape []int
}

func stateDict(w *Weights) map[string]arr {
	m := map[string]arr{}
	for i, tt := range w.Tensors() {
		m[StateDictNames[i]] = arr{append([]float32(nil), tt.Data().([]float32)...), []int(tt.Shape().Clone())}
	}
	return m
}

func writeStateDict(t testing.TB, path string, m map[string]arr) {
	t.Helper()
	var names []string
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	err := fileio.WriteFile(path, func(w io.Writer) error {
		z := fileio.NewNPZWriter(w)
		for _, k := range names {
			if err := z.Add(k, m[k].data, m[k].shape...); err != nil {
				return err
			}
		}
		return z.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadNPZErrors(t *testing.T) {
	cfg := smallConfig(ReLU) // I 3, O 3
	H := cfg.NHidden
	dir := t.TempDir()
	good := InitWeights(cfg, 1, tensor.Float32)
	write := func(name string, mutate func(m map[string]arr)) string {
		m := stateDict(good)
		mutate(m)
		p := filepath.Join(dir, name)
		writeStateDict(t, p, m)
		return p
	}
	cases := []struct {
		file, want string
		mutate     func(m map[string]arr)
	}{
		{"missing.npz", `missing array(s) ["rec2rec.bias"]`, func(m map[string]arr) { delete(m, "rec2rec.bias") }},
		{"unexpected.npz", `unexpected array(s) ["extra"]`, func(m map[string]arr) { m["extra"] = arr{[]float32{1}, nil} }},
		{"shape.npz", `"rec2output.bias" has shape (4,), want (3,)`, func(m map[string]arr) { m["rec2output.bias"] = arr{[]float32{1, 2, 3, 4}, []int{4}} }},
		// Issue 8: PyTorch's load_state_dict refuses these; so must we.
		{"bias_1xH.npz", fmt.Sprintf(`"rec2rec.bias" has shape (1, %d), want (%d,)`, H, H), func(m map[string]arr) { a := m["rec2rec.bias"]; m["rec2rec.bias"] = arr{a.data, []int{1, H}} }},
		{"bias_Hx1.npz", fmt.Sprintf(`"rec2rec.bias" has shape (%d, 1), want (%d,)`, H, H), func(m map[string]arr) { a := m["rec2rec.bias"]; m["rec2rec.bias"] = arr{a.data, []int{H, 1}} }},
		{"flat.npz", fmt.Sprintf(`"rec2rec.weight" has shape (%d,), want (%d, %d)`, H*H, H, H), func(m map[string]arr) { a := m["rec2rec.weight"]; m["rec2rec.weight"] = arr{a.data, []int{H * H}} }},
		{"transposed.npz", fmt.Sprintf(`"input2rec.weight" has shape (3, %d), want (%d, 3)`, H, H), func(m map[string]arr) { a := m["input2rec.weight"]; m["input2rec.weight"] = arr{a.data, []int{3, H}} }},
		{"nan.npz", `"rec2rec.weight" holds a non-finite`, func(m map[string]arr) { m["rec2rec.weight"].data.([]float32)[10] = float32(math.NaN()) }},
		{"inf.npz", `"rec2output.bias" holds a non-finite`, func(m map[string]arr) { m["rec2output.bias"].data.([]float32)[0] = float32(math.Inf(1)) }},
		{"big.npz", `"rec2output.bias" holds a non-finite float32 value 1e+300`, func(m map[string]arr) { m["rec2output.bias"] = arr{[]float64{0, 1e300, 0}, []int{3}} }},
		{"dtype.npz", `"rec2rec.bias" has dtype int32`, func(m map[string]arr) { m["rec2rec.bias"] = arr{make([]int32, H), []int{H}} }},
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
	p := write("f64.npz", func(m map[string]arr) { m["rec2output.bias"] = arr{[]float64{0.5, 0.25, 0.125}, []int{3}} })
	w, err := LoadWeightsNPZ(p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.OutBias.Data().([]float32); got[1] != 0.25 {
		t.Errorf("float64 array loaded as %v", got)
	}
}

// TestLoadNPZCorruptMember is the issue 8 repro: the rec2rec.weight.npy
// member replaced by 14 bytes made cmd/analyze panic inside the npy reader.
func TestLoadNPZCorruptMember(t *testing.T) {
	cfg := smallConfig(ReLU)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, tt := range InitWeights(cfg, 1, tensor.Float32).Tensors() {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: StateDictNames[i] + ".npy", Method: zip.Store})
		if StateDictNames[i] == "rec2rec.weight" {
			w.Write([]byte("\x93NUMPY\x01\x00\x04\x00abcd"))
			continue
		}
		fileio.WriteNPY(w, tt.Data(), tt.Shape()...)
	}
	zw.Close()
	_, err := ReadWeightsNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()), cfg)
	if err == nil || !strings.Contains(err.Error(), `npz member "rec2rec.weight.npy"`) {
		t.Errorf("error %v, want one naming the member rec2rec.weight.npy", err)
	}
}

func FuzzReadWeightsNPZ(f *testing.F) {
	cfg := smallConfig(ReLU)
	var buf bytes.Buffer
	if err := InitWeights(cfg, 1, tensor.Float32).WriteNPZ(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ReadWeightsNPZ(bytes.NewReader(b), int64(len(b)), cfg)
		if err != nil {
			return
		}
		if err := w.check(cfg); err != nil {
			t.Fatalf("loaded weights that do not fit the configuration: %v", err)
		}
	})
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
