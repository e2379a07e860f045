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

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
)

// constrainedConfig is the tutorial with Dale's law (80% excitatory),
// sparse masks on all three matrices, no autapses, every regulariser and
// gradient clipping by global norm (0.5: active from the first iteration,
// whose gradient norm is 2.45; clipping acts in iterations 1-5), for n
// iterations.
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
	{0.9763475060462952, 0.9385311603546143, 0.0027367707807570696, 0.002181835239753127, 0.003986050374805927, 0.0032192119397222996, 0.0004160702519584447, 7.140943489503115e-05, 0.0045720720663666725, 0.020632920786738396},
	{0.6517144441604614, 0.5818414688110352, 0.002725790021941066, 0.002176560927182436, 0.003971075639128685, 0.003218589350581169, 0.0004008150426670909, 6.764780846424401e-05, 0.0070891231298446655, 0.050223298370838165},
	{0.5637856721878052, 0.42223864793777466, 0.0027249841950833797, 0.002185333287343383, 0.003979069646447897, 0.00322243245318532, 0.0003889066574629396, 6.642295193159953e-05, 0.010147184133529663, 0.11883266270160675},
	{0.43397241830825806, 0.3640051782131195, 0.0027122911997139454, 0.002175836591050029, 0.003961121663451195, 0.003224596381187439, 0.00038299497100524604, 6.685362313874066e-05, 0.006553036626428366, 0.05089052394032478},
	{0.4114043712615967, 0.3487797677516937, 0.002713772002607584, 0.0021825581789016724, 0.003959633409976959, 0.0032265435438603163, 0.0003752859483938664, 6.882916204631329e-05, 0.006014836486428976, 0.044083163142204285},
	{0.37342923879623413, 0.29413703083992004, 0.0027212239801883698, 0.0021981578320264816, 0.003965283278375864, 0.0032283549662679434, 0.00036798970540985465, 7.243088475661352e-05, 0.0068820747546851635, 0.05985669419169426},
	{0.3522392511367798, 0.2776266038417816, 0.002719009993597865, 0.0021989261731505394, 0.003953102510422468, 0.003228547517210245, 0.00036569772055372596, 7.737869600532576e-05, 0.0066944085992872715, 0.055375587195158005},
	{0.34243202209472656, 0.28639093041419983, 0.002709118416532874, 0.002186795463785529, 0.003932964522391558, 0.0032292429823428392, 0.000366812979336828, 8.332532888744026e-05, 0.005609292071312666, 0.03792355954647064},
	{0.3188921809196472, 0.2684575021266937, 0.002701902063563466, 0.0021764033008366823, 0.003916487097740173, 0.0032300010789185762, 0.0003691081656143069, 9.030514775076881e-05, 0.005230406299233437, 0.03272005915641785},
	{0.3109803795814514, 0.2647145688533783, 0.00269790505990386, 0.0021710002329200506, 0.003905904246494174, 0.003230643691495061, 0.00037508030072785914, 9.825549932429567e-05, 0.004973192233592272, 0.028813809156417847},
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
// sign, effective inputs are non-negative, outputs read excitatory units
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
		if v < 0 || (w.InputMask[k] == 0 && v != 0) {
			t.Errorf("effective W_x[%d] = %v (mask %v)", k, v, w.InputMask[k])
		}
	}
	for k, v := range wo {
		if v < 0 || (k%H >= ne && v != 0) || (w.OutputMask[k] == 0 && v != 0) {
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
	ds := tr.ds
	nz := model.StreamNoise(cfg.Seed, data.NetworkNoise, 0)
	T, B, H, I := cfg.SeqLen, cfg.BatchSize, cfg.NNeurons, ds.ObsDim()
	_, nOut := ds.ActSpace()
	var xs, ns []float32
	var ys []int32
	b := data.NewBatch(B, T, I)
	noise := make([]float32, T*B*H)
	for range n {
		ds.Next(b)
		nz.Fill(noise)
		xs = append(xs, b.Inputs...)
		ys = append(ys, b.Targets...)
		ns = append(ns, noise...)
	}
	save := func(name string, v any, n int) {
		err := fileio.WriteFile(filepath.Join(dir, name), func(w io.Writer) error { return fileio.WriteNPY(w, v, n) })
		if err != nil {
			t.Fatal(err)
		}
	}
	save("x.npy", xs, len(xs))
	save("y.npy", ys, len(ys))
	save("noise.npy", ns, len(ns))
	if err := os.WriteFile(filepath.Join(dir, "shape.txt"), fmt.Appendf(nil, "%d %d %d %d %d %d\n", n, T, B, I, H, nOut), 0o644); err != nil {
		t.Fatal(err)
	}
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
