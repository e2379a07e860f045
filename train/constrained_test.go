package train

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
)

// constrainedConfig is the tutorial with Dale's law (80% excitatory),
// sparse masks on all three matrices, no autapses, every regulariser and
// gradient clipping by global norm (0.5: active from the first iteration,
// whose gradient norm is 1.75; clipping acts in iterations 1-5 and 7),
// for n iterations.
func constrainedConfig(n int) Config {
	cfg := DefaultConfig()
	cfg.NIteration = n
	cfg.Dale = true
	cfg.InputConnectivity, cfg.RecConnectivity, cfg.OutputConnectivity = 0.8, 0.5, 0.8
	cfg.Autapses = false
	cfg.L1In, cfg.L2In, cfg.L1Rec, cfg.L2Rec = 0.01, 0.02, 0.05, 0.1
	cfg.L1Out, cfg.L2Out, cfg.L1FiringRate, cfg.L2FiringRate = 0.01, 0.02, 0.01, 0.05
	cfg.ClipGradNorm = 0.5
	return cfg
}

// torchConstrained holds, for the first 10 iterations of constrainedConfig
// (seed 0), PyTorch's loss and its parts (task_loss, L1_in, L2_in, L1_rec,
// L2_rec, L1_out, L2_out, L1_firing_rate, L2_firing_rate) from
// testdata/torch_constrained.py (torch 1.13, float32, one thread), fed
// the Go run's initial weights, masks, signs, batches and network noise.
var torchConstrained = [10][10]float64{
	{1.1972904205322266, 1.1829768419265747, 0.0027367707807570696, 0.002181835239753127, 0.001534231356345117, 0.00047692033695057034, 0.0004160702519584447, 7.140943489503115e-05, 0.002172528998926282, 0.004723842721432447},
	{1.0202350616455078, 1.0061243772506714, 0.0027139177545905113, 0.00214306334964931, 0.001486034132540226, 0.00046800426207482815, 0.0004165381542406976, 7.272486254805699e-05, 0.002139341551810503, 0.00467115081846714},
	{0.8496922850608826, 0.8348978757858276, 0.0026956875808537006, 0.002112224232405424, 0.001460375147871673, 0.0004623032291419804, 0.00041637520189397037, 7.432265556417406e-05, 0.0022474993020296097, 0.005325631704181433},
	{0.703843355178833, 0.6876872777938843, 0.0026796397287398577, 0.002086530439555645, 0.0014522075653076172, 0.0004588941519614309, 0.0004218631947878748, 7.790416566422209e-05, 0.00244856346398592, 0.006530489306896925},
	{0.5544126629829407, 0.5345040559768677, 0.002669120905920863, 0.0020683736074715853, 0.0014540081610903144, 0.0004571504832711071, 0.00042966246837750077, 8.320453343912959e-05, 0.0029305045027285814, 0.009816525503993034},
	{0.47472259402275085, 0.44572046399116516, 0.002661287784576416, 0.0020559055265039206, 0.0014655831037089229, 0.000459079077700153, 0.00044072981108911335, 8.996757242130116e-05, 0.0038890454452484846, 0.017940526828169823},
	{0.4758107364177704, 0.44396212697029114, 0.002658673794940114, 0.002051714574918151, 0.001459857216104865, 0.0004596940416377038, 0.00045267149107530713, 9.783032146515325e-05, 0.004081942606717348, 0.020586227998137474},
	{0.43136313557624817, 0.4035194218158722, 0.002654038369655609, 0.0020464991685003042, 0.0014473050832748413, 0.0004583863483276218, 0.0004658323305193335, 0.00010563067917246372, 0.003685684408992529, 0.01698034442961216},
	{0.393086701631546, 0.36811360716819763, 0.0026469591539353132, 0.002038943348452449, 0.0014412238961085677, 0.0004582290130201727, 0.00048275652807205915, 0.00011405743134673685, 0.0034053558483719826, 0.014385554008185863},
	{0.38861843943595886, 0.36602485179901123, 0.0026392403524369, 0.0020299453753978014, 0.0014395909383893013, 0.00045945410965941846, 0.0005018625524826348, 0.0001232285430887714, 0.003151882207021117, 0.012248339131474495},
}

// TestConstrainedMatchesPyTorch pins Dale's law, the masks, every
// regulariser and gradient clipping, through the whole training pipeline,
// to a PyTorch implementation of the same (testdata/torch_constrained.py):
// 10 iterations of the loss and of each of its parts agree to 1e-5
// relative (measured: 1.5e-6 fast graph, 1.4e-6 reference; float32 rounding).
func TestConstrainedMatchesPyTorch(t *testing.T) {
	for _, graph := range []string{"fast", "reference"} {
		t.Run(graph, func(t *testing.T) {
			cfg := constrainedConfig(len(torchConstrained))
			cfg.Graph = graph
			checkTorchConstrained(t, mustTrain(t, cfg, Options{}))
		})
	}
}

func checkTorchConstrained(t *testing.T, res *Result) {
	if want := []string{"task_loss", "L1_in", "L2_in", "L1_rec", "L2_rec", "L1_out", "L2_out", "L1_firing_rate", "L2_firing_rate"}; strings.Join(res.TermNames, ",") != strings.Join(want, ",") {
		t.Fatalf("loss terms %q, want %q", res.TermNames, want)
	}
	var worst float64
	for k, want := range torchConstrained {
		got := append([]float64{res.Loss[k]}, res.Terms[k]...)
		for i := range want {
			rel := math.Abs(got[i]-want[i]) / math.Abs(want[i])
			worst = max(worst, rel)
			if rel > 1e-5 {
				name := "loss"
				if i > 0 {
					name = res.TermNames[i-1]
				}
				t.Errorf("iteration %d: %s %.9g, PyTorch %.9g (rel diff %.1e)", k+1, name, got[i], want[i], rel)
			}
		}
	}
	t.Logf("largest relative difference from PyTorch: %.2g", worst)
}

// TestConstraintsHoldAfterTraining: after training with Dale's law, masks
// and frozen matrices, every effective recurrent column has its unit's
// sign, outputs read excitatory units
// only, masked weights are exactly zero, the frozen matrices are their
// initial values bit for bit, and train_log.csv has the loss terms.
func TestConstraintsHoldAfterTraining(t *testing.T) {
	cfg := constrainedConfig(40)
	cfg.SeqLen, cfg.BatchSize, cfg.LearningRate = 20, 8, 0.05 // large steps: weights cross zero
	cfg.TrainInput = false
	tr, err := NewTrainer(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	init := tr.w.Clone()
	res, err := tr.Run(context.Background())
	tr.Close()
	if err != nil {
		t.Fatal(err)
	}
	w := res.Weights
	H := cfg.NNeurons
	ne := model.NExcitatory(H, cfg.ExcFraction)
	wx, wr, wo := w.Effective()
	for i := range H {
		for j := range H {
			v := wr[i*H+j]
			if (j < ne && v < 0) || (j >= ne && v > 0) {
				t.Errorf("effective W_r[%d,%d] = %v: wrong sign for unit %d", i, j, v, j)
			}
			if (w.RecMask[i*H+j] == 0 || i == j) && v != 0 {
				t.Errorf("masked W_r[%d,%d] = %v, want 0", i, j, v)
			}
		}
	}
	for k, v := range wx {
		if w.InputMask[k] == 0 && v != 0 {
			t.Errorf("effective W_x[%d] = %v (mask %v)", k, v, w.InputMask[k])
		}
	}
	for k, v := range wo {
		if (k%H >= ne || w.OutputMask[k] == 0) && v != 0 {
			t.Errorf("effective W_o[%d] = %v (mask %v)", k, v, w.OutputMask[k])
		}
	}
	for _, m := range []struct {
		name    string
		mask    []float64
		trained []float32
	}{{"rec2rec.weight", w.RecMask, w.RecRec.Data().([]float32)}, {"rec2output.weight", w.OutputMask, w.RecOut.Data().([]float32)}} {
		var moved int
		for k, v := range m.trained {
			if m.mask[k] == 0 && v != 0 {
				t.Errorf("stored %s[%d] = %v under a zero mask", m.name, k, v)
			}
			if v != 0 {
				moved++
			}
		}
		if moved == 0 {
			t.Errorf("%s is all zero", m.name)
		}
	}
	if a, b := init.InputRec.Data().([]float32), w.InputRec.Data().([]float32); !equal32(a, b) {
		t.Error("frozen input2rec.weight changed in training")
	}
	if a, b := init.RecRec.Data().([]float32), w.RecRec.Data().([]float32); equal32(a, b) {
		t.Error("rec2rec.weight did not change in training")
	}
	var log strings.Builder
	if err := res.writeLog(&log); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(log.String(), "\n")
	if lines[0] != "iteration,loss,accuracy,task_loss,L1_in,L2_in,L1_rec,L2_rec,L1_out,L2_out,L1_firing_rate,L2_firing_rate" {
		t.Errorf("log header %q", lines[0])
	}
	if n := strings.Count(lines[1], ","); n != 11 {
		t.Errorf("log line %q has %d commas, want 11", lines[1], n)
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestClipGradNorm: the global norm is clipped to max_norm/(total+1e-6)
// of itself, as torch.nn.utils.clip_grad_norm_, and gradients below the
// limit are left alone.
func TestClipGradNorm(t *testing.T) {
	g1 := []float32{3, 0, 0}
	g2 := []float32{0, 4}
	ls := []gorgonia.ValueGrad{newVG(g1), newVG(g2)}
	total := ClipGradNorm(ls, 1)
	if total != 5 {
		t.Errorf("total norm %v, want 5", total)
	}
	coef := float32(1 / (5 + 1e-6))
	if got := grad32(ls[0]); got[0] != 3*coef {
		t.Errorf("clipped gradient %v, want %v", got[0], 3*coef)
	}
	if got := grad32(ls[1]); got[1] != 4*coef {
		t.Errorf("clipped gradient %v, want %v", got[1], 4*coef)
	}
	ls = []gorgonia.ValueGrad{newVG([]float32{0.3, 0.4})}
	ClipGradNorm(ls, 1)
	if got := grad32(ls[0]); got[0] != 0.3 || got[1] != 0.4 {
		t.Errorf("gradient below the limit changed to %v", got)
	}
}

// TestConstraintConfigErrors: bad keys for the constraints give errors
// that name the key and what is allowed, before or while the trainer is
// built.
func TestConstraintConfigErrors(t *testing.T) {
	dir := t.TempDir()
	writeMask := func(name string, v []float32, shape ...int) string {
		p := filepath.Join(dir, name)
		if err := fileio.WriteFile(p, func(w io.Writer) error { return fileio.WriteNPY(w, v, shape...) }); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ones := make([]float32, 64*64)
	for i := range ones {
		ones[i] = 1
	}
	twos := append([]float32(nil), ones...)
	twos[5] = 2
	for _, c := range []struct {
		name  string
		edit  func(*Config)
		wants string
	}{
		{"exc_fraction 1.2", func(c *Config) { c.Dale, c.ExcFraction = true, 1.2 }, "exc_fraction = 1.2: must be in (0, 1)"},
		{"exc_fraction 0", func(c *Config) { c.ExcFraction = 0 }, "exc_fraction = 0: must be in (0, 1)"},
		{"negative regulariser", func(c *Config) { c.L2Rec = -0.1 }, "L2_rec = -0.1: must be a finite number >= 0"},
		{"negative clip", func(c *Config) { c.ClipGradNorm = -1 }, "clip_grad_norm = -1"},
		{"connectivity 0", func(c *Config) { c.RecConnectivity = 0 }, "rec_connectivity = 0: must be a connection probability in (0, 1]"},
		{"mask and probability", func(c *Config) { c.RecConnectivity, c.RecMask = 0.5, "m.npy" }, "give a probability or a mask file"},
		{"missing mask", func(c *Config) { c.RecMask = filepath.Join(dir, "none.npy") }, "rec_mask: mask file: open"},
		{"mask shape", func(c *Config) { c.RecMask = writeMask("shape.npy", ones[:64*3], 64, 3) }, "shape (64, 3), want (64, 64)"},
		{"mask values", func(c *Config) { c.RecMask = writeMask("twos.npy", twos, 64, 64) }, "holds 2 at flat index 5, want only 0 and 1"},
	} {
		cfg := DefaultConfig()
		c.edit(&cfg)
		_, err := NewTrainer(cfg, Options{})
		if err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.wants)
		}
	}
	// a good mask file is used as it is
	cfg := DefaultConfig()
	cfg.RecMask = writeMask("ok.npy", ones, 64, 64)
	tr, err := NewTrainer(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.w.RecMask == nil {
		t.Error("rec_mask file not used")
	}
	tr.Close()
}

// TestDumpForTorchConstrained writes what testdata/torch_constrained.py
// needs into the directory named by TASKRNN_TORCH_DUMP_CONSTRAINED
// (skipped when unset): as TestDumpForTorch, for constrainedConfig(10),
// plus params.json (alpha, noise scale, regulariser weights, clip_grad_norm)
// and Go's losses and terms (loss.txt: loss then the terms, per line).
func TestDumpForTorchConstrained(t *testing.T) {
	dir := os.Getenv("TASKRNN_TORCH_DUMP_CONSTRAINED")
	if dir == "" {
		t.Skip("set TASKRNN_TORCH_DUMP_CONSTRAINED=dir to write the PyTorch cross-check inputs")
	}
	const n = 10
	cfg := constrainedConfig(n)
	tr, err := NewTrainer(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.w.SaveNPZ(filepath.Join(dir, "init.npz")); err != nil { // with the masks and signs
		t.Fatal(err)
	}
	dumpStreams(t, dir, cfg, tr, n)
	mc := cfg.Model()
	params := map[string]any{"alpha": mc.Alpha(), "noise_scale": mc.NoiseScale(), "clip_grad_norm": cfg.ClipGradNorm, "learning_rate": cfg.LearningRate}
	for i, name := range model.RegularizerNames() {
		params[name] = mc.Reg.Weights()[i]
	}
	pj, _ := json.MarshalIndent(params, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "params.json"), pj, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Train(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "loss.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for k, l := range res.Loss {
		fmt.Fprintf(f, "%.9g", l)
		for _, v := range res.Terms[k] {
			fmt.Fprintf(f, " %.9g", v)
		}
		fmt.Fprintln(f)
	}
}

// newVG returns a learnable holding zeros with gradient g.
func newVG(g []float32) gorgonia.ValueGrad {
	return testParam{
		v: tensor.New(tensor.WithShape(len(g)), tensor.WithBacking(make([]float32, len(g)))),
		g: tensor.New(tensor.WithShape(len(g)), tensor.WithBacking(g)),
	}
}

func grad32(l gorgonia.ValueGrad) []float32 {
	g, _ := l.Grad()
	return g.Data().([]float32)
}

// TestFigureEffectiveWeights draws the training figure of a Dale network
// (to TASKRNN_FIGURE_DIR if set, for a look): it must be a PNG.
func TestFigureEffectiveWeights(t *testing.T) {
	cfg := constrainedConfig(3)
	cfg.SeqLen, cfg.BatchSize = 10, 4
	res := mustTrain(t, cfg, Options{})
	var buf strings.Builder
	if err := WriteFigure(&buf, res); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\x89PNG") {
		t.Error("not a PNG")
	}
	if dir := os.Getenv("TASKRNN_FIGURE_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "dale_training.png"), []byte(buf.String()), 0o644)
	}
}
