package model

import (
	"bytes"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// allRegs switches on every regulariser, with weights that make each term
// comparable to the task loss in the small tests.
func allRegs() Regularization {
	return Regularization{L1In: 0.3, L2In: 0.2, L1Rec: 0.4, L2Rec: 0.5, L1Out: 0.25, L2Out: 0.35, L1FiringRate: 0.15, L2FiringRate: 0.45}
}

// testConstraints is Dale's law with half the units excitatory and sparse
// masks on all three matrices, without autapses.
func testConstraints() Constraints {
	return Constraints{Dale: true, ExcFraction: 0.5, InputConnectivity: 0.7, RecConnectivity: 0.6, OutputConnectivity: 0.7, NoAutapses: true}
}

// constrainedWeights returns constrained float64 weights for cfg, scaled by
// k (as scaledWeights) so that short tests see varied states.
func constrainedWeights(t testing.TB, cfg Config, c Constraints, k float64) *Weights {
	t.Helper()
	w, err := InitConstrainedWeights(cfg, c, 5, tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range w.Tensors() {
		v := d.Data().([]float64)
		for i := range v {
			v[i] *= k
		}
	}
	return w
}

// effectiveAsPlain returns unconstrained weights holding w's effective
// matrices, for the independent implementation goForward.
func effectiveAsPlain(w *Weights) *Weights {
	p := w.Clone()
	p.DaleSign, p.InputMask, p.RecMask, p.OutputMask = nil, nil, nil, nil
	wx, wr, wo := w.Effective()
	copy(p.InputRec.Data().([]float64), wx)
	copy(p.RecRec.Data().([]float64), wr)
	copy(p.RecOut.Data().([]float64), wo)
	return p
}

// goRegs is an independent computation of the regularisers of reg for the
// effective weights of w and the hidden states.
func goRegs(reg Regularization, w *Weights, hidden []float64) []float64 {
	wx, wr, wo := w.Effective()
	mean := func(x []float64, f func(float64) float64) float64 {
		var s float64
		for _, v := range x {
			s += f(v)
		}
		return s / float64(len(x))
	}
	abs := math.Abs
	sq := func(v float64) float64 { return v * v }
	all := [8]float64{
		reg.L1In * mean(wx, abs), reg.L2In * mean(wx, sq),
		reg.L1Rec * mean(wr, abs), reg.L2Rec * mean(wr, sq),
		reg.L1Out * mean(wo, abs), reg.L2Out * mean(wo, sq),
		reg.L1FiringRate * mean(hidden, abs), reg.L2FiringRate * mean(hidden, sq),
	}
	var out []float64
	for i, l := range reg.Weights() {
		if l > 0 {
			out = append(out, all[i])
		}
	}
	return out
}

// TestConstrainedGradientFiniteDifference checks the gradients of the
// effective weights (Dale's law, masks, no autapses) and of every
// regulariser against central differences in float64, in both graphs, and
// that masked weights get exactly zero gradient.
func TestConstrainedGradientFiniteDifference(t *testing.T) {
	cases := []struct {
		act  Activation
		loss Loss
		c    Constraints
		reg  Regularization
		T, B int
	}{
		{ReLU, CrossEntropy, testConstraints(), allRegs(), 5, 3},
		{Softplus, L2, testConstraints(), allRegs(), 4, 2},
		{Sigmoid, CrossEntropy, Constraints{RecConnectivity: 0.5, InputConnectivity: 0.5}, Regularization{L2Rec: 0.3, L1FiringRate: 0.2}, 3, 2},
		{ReLU, L1, Constraints{Dale: true, ExcFraction: 0.7}, Regularization{L2FiringRate: 0.5, L1Out: 0.1}, 1, 2},
		{Softplus, CrossEntropy, Constraints{}, allRegs(), 3, 2},
	}
	for _, tc := range cases {
		for _, kind := range kinds {
			cfg := smallConfig(tc.act)
			cfg.NHidden = 6
			cfg.Reg = tc.reg
			w := constrainedWeights(t, cfg, tc.c, 2)
			inputs, class, noise := testData(cfg, tc.T, tc.B, 13)
			targets := testTargets(cfg, tc.T, tc.B, class, classTargets, 14)
			g, err := NewTrainGraph(cfg, w, tc.T, tc.B, tc.loss, kind)
			if err != nil {
				t.Fatal(err)
			}
			loss, err := g.Run(inputs, targets, noise)
			if err != nil {
				t.Fatal(err)
			}
			grads, err := g.Gradients()
			if err != nil {
				t.Fatal(err)
			}
			// the loss terms against an independent computation
			hidden, logits := goForward(cfg, effectiveAsPlain(w), inputs, noise, tc.T, tc.B)
			want := append([]float64{goLoss(tc.loss, logits, targets, cfg.NOutput)}, goRegs(tc.reg, w, hidden)...)
			names, got := g.LossTerms()
			if len(names) != len(got) || len(got) != len(want) {
				t.Fatalf("%s: loss terms %q %v, want %d values", kind, names, got, len(want))
			}
			var sum float64
			for _, v := range got {
				sum += v
			}
			if e := maxRelDiff(got, want); e > 1e-12 || math.Abs(sum-loss) > 1e-12*math.Abs(loss) {
				t.Errorf("%s %s %s: loss terms %q = %v (sum %v, loss %v), want %v", kind, tc.act, tc.loss, names, got, sum, loss, want)
			}
			const eps = 1e-6
			for i, wt := range w.Tensors() {
				d := wt.Data().([]float64)
				fd := centralDiff(t, d, eps, func() (float64, error) { return g.Run(inputs, targets, noise) })
				if e := maxRelDiff(grads[i], fd); e > 1e-6 || math.IsNaN(e) {
					t.Errorf("%s %s %s %+v: gradient of %s: relative error %.3g > 1e-6\n got %v\nwant %v",
						kind, tc.act, tc.loss, tc.c, StateDictNames[i], e, grads[i], fd)
				}
			}
			for m, mask := range [][]float64{w.InputMask, w.RecMask, w.OutputMask} {
				for k, v := range mask {
					if v == 0 && grads[matrixIndex(m)][k] != 0 {
						t.Errorf("%s: gradient of masked %s[%d] = %v, want exactly 0", kind, StateDictNames[matrixIndex(m)], k, grads[matrixIndex(m)][k])
					}
				}
			}
			g.Close()
		}
	}
}

// TestConstrainedForward: the forward graphs of constrained weights compute
// the network of their effective matrices (to the float32 precision of
// their outputs), and the dynamics use them too.
func TestConstrainedForward(t *testing.T) {
	cfg := smallConfig(ReLU)
	cfg.NHidden = 8
	w := constrainedWeights(t, cfg, testConstraints(), 1)
	plain := effectiveAsPlain(w)
	const T, B = 6, 3
	inputs, _, noise := testData(cfg, T, B, 3)
	wantH, wantZ := goForward(cfg, plain, inputs, noise, T, B)
	for _, kind := range kinds {
		f, err := NewForwardGraphKind(cfg, w, T, B, kind)
		if err != nil {
			t.Fatal(err)
		}
		h, z, err := f.Run(inputs, noise)
		if err != nil {
			t.Fatal(err)
		}
		if e := maxRelDiff(to64(h), wantH); e > 1e-6 {
			t.Errorf("%s: hidden states differ from the effective network's by %.3g", kind, e)
		}
		if e := maxRelDiff(to64(z), wantZ); e > 1e-6 {
			t.Errorf("%s: logits differ from the effective network's by %.3g", kind, e)
		}
		f.Close()
	}
	d, err := NewDynamics(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	_, wr, _ := w.Effective()
	if e := maxRelDiff(d.Recurrent().RawMatrix().Data, wr); e != 0 {
		t.Errorf("Dynamics.Recurrent differs from the effective W_r by %.3g", e)
	}
}

// TestDaleInit checks the Dale initialisation: signs per column, masks,
// autapses, the spectral radius, outputs from excitatory units only, and
// that the other tensors are InitWeights'.
func TestDaleInit(t *testing.T) {
	cfg := tutorialConfig()
	c := Constraints{Dale: true, ExcFraction: 0.8, RecConnectivity: 0.5, NoAutapses: true}
	w, err := InitConstrainedWeights(cfg, c, 3, tensor.Float64)
	if err != nil {
		t.Fatal(err)
	}
	H := cfg.NHidden
	ne := NExcitatory(H, 0.8)
	if ne != 51 {
		t.Fatalf("NExcitatory(64, 0.8) = %d, want 51", ne)
	}
	checkDale(t, cfg, w, ne)
	_, wr, _ := w.Effective()
	rho, err := spectralRadius(wr, H)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rho-DaleSpectralRadius) > 1e-9 {
		t.Errorf("spectral radius %v, want %v", rho, DaleSpectralRadius)
	}
	var links int
	for k, v := range w.RecMask {
		links += int(v)
		if k/H == k%H && v != 0 {
			t.Errorf("autapse %d kept", k/H)
		}
	}
	if frac := float64(links) / float64(H*(H-1)); math.Abs(frac-0.5) > 0.05 {
		t.Errorf("recurrent connection density %.3f, want about 0.5", frac)
	}
	// rows balanced on average: total excitation about total inhibition
	var e, i float64
	for k, v := range wr {
		if v > 0 {
			e += v
		} else {
			i -= v
		}
		_ = k
	}
	if math.Abs(e-i) > 0.2*e {
		t.Errorf("excitation %v, inhibition %v: not balanced", e, i)
	}
	plain := InitWeights(cfg, 3, tensor.Float64)
	for _, k := range []int{0, 2, 3, 4} {
		if e := maxRelDiff(float64s(w.Tensors()[k]), float64s(plain.Tensors()[k])); e != 0 {
			t.Errorf("%s differs from InitWeights' by %v", StateDictNames[k], e)
		}
	}
	again, _ := InitConstrainedWeights(cfg, c, 3, tensor.Float64)
	if e := maxRelDiff(float64s(again.RecRec), float64s(w.RecRec)); e != 0 {
		t.Error("same seed, different recurrent weights")
	}
}

// checkDale checks that w's effective matrices obey Dale's law with the
// first ne units excitatory, exactly, and that masked entries are zero.
func checkDale(t *testing.T, cfg Config, w *Weights, ne int) {
	t.Helper()
	I, H, O := cfg.NInput, cfg.NHidden, cfg.NOutput
	wx, wr, wo := w.Effective()
	for k, v := range wx {
		if w.InputMask != nil && w.InputMask[k] == 0 && v != 0 {
			t.Errorf("masked input weight [%d] = %v", k, v)
		}
	}
	_ = I
	for i := range H {
		for j := range H {
			v := wr[i*H+j]
			if (j < ne && v < 0) || (j >= ne && v > 0) {
				t.Errorf("effective W_r[%d,%d] = %v has the wrong sign for a unit that is %s", i, j, v, map[bool]string{true: "excitatory", false: "inhibitory"}[j < ne])
			}
			if w.RecMask != nil && w.RecMask[i*H+j] == 0 && v != 0 {
				t.Errorf("masked W_r[%d,%d] = %v", i, j, v)
			}
		}
	}
	for o := range O {
		for j := range H {
			v := wo[o*H+j]
			if j >= ne && v != 0 {
				t.Errorf("effective W_o[%d,%d] = %v: want 0 from inhibitory units", o, j, v)
			}
		}
	}
}

// TestConstrainedNPZ: masks and signs survive a save and load, an
// unconstrained archive has only the state_dict, and bad constraint arrays
// are refused with errors that name them.
func TestConstrainedNPZ(t *testing.T) {
	cfg := smallConfig(ReLU)
	cfg.NHidden = 6
	w := constrainedWeights(t, cfg, testConstraints(), 1).AsType(tensor.Float32)
	var buf bytes.Buffer
	if err := w.WriteNPZ(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := ReadWeightsNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range w.constraintSlices() {
		if e := maxRelDiff(*r.constraintSlices()[i], *c); e != 0 || len(*c) == 0 {
			t.Errorf("%s did not round-trip", ConstraintNames()[i])
		}
	}
	a1, b1, c1 := w.Effective()
	a2, b2, c2 := r.Effective()
	if maxRelDiff(a1, a2)+maxRelDiff(b1, b2)+maxRelDiff(c1, c2) != 0 {
		t.Error("effective weights changed in a save and load")
	}

	var plainBuf bytes.Buffer
	if err := InitWeights(cfg, 0, tensor.Float32).WriteNPZ(&plainBuf); err != nil {
		t.Fatal(err)
	}
	z, err := fileio.NewNPZReader(bytes.NewReader(plainBuf.Bytes()), int64(plainBuf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(z.Names()); n != 5 {
		t.Errorf("unconstrained archive has %d arrays, want 5", n)
	}

	bad := []struct {
		name  string
		edit  func(m map[string]arr)
		wants string
	}{
		{"mask value", func(m map[string]arr) { m["rec2rec.mask"].data.([]float32)[3] = 2 }, "rec2rec.mask"},
		{"mask shape", func(m map[string]arr) { m["input2rec.mask"] = arr{make([]float32, 5), []int{5}} }, "input2rec.mask"},
		{"sign value", func(m map[string]arr) { m["dale_sign"].data.([]float32)[0] = 0.5 }, "dale_sign"},
	}
	for _, b := range bad {
		m := stateDict(w)
		shapes := constraintShapes(cfg)
		for i, c := range w.constraintSlices() {
			f := make([]float32, len(*c))
			for j, x := range *c {
				f[j] = float32(x)
			}
			m[ConstraintNames()[i]] = arr{f, []int(shapes[i])}
		}
		b.edit(m)
		path := filepath.Join(t.TempDir(), "m.npz")
		writeStateDict(t, path, m)
		_, err := LoadWeightsNPZ(path, cfg)
		if err == nil || !strings.Contains(err.Error(), b.wants) {
			t.Errorf("%s: error %v, want one naming %s", b.name, err, b.wants)
		}
	}
}

// TestReadMaskNPY: dtypes that hold 0/1 are accepted; a missing file, a
// wrong shape and values other than 0 and 1 are errors that say so.
func TestReadMaskNPY(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, v any, shape ...int) string {
		p := filepath.Join(dir, name)
		err := fileio.WriteFile(p, func(w io.Writer) error { return fileio.WriteNPY(w, v, shape...) })
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, v := range []any{[]float32{0, 1, 1, 0, 1, 1}, []bool{false, true, true, false, true, true}, []uint8{0, 1, 1, 0, 1, 1}, []int64{0, 1, 1, 0, 1, 1}} {
		m, err := ReadMaskNPY(write("ok.npy", v, 2, 3), 2, 3)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if e := maxRelDiff(m, []float64{0, 1, 1, 0, 1, 1}); e != 0 {
			t.Errorf("%T: mask %v", v, m)
		}
	}
	for _, c := range []struct {
		path  string
		wants string
	}{
		{filepath.Join(dir, "missing.npy"), "no such file"},
		{write("shape.npy", []float32{0, 1, 1, 0, 1, 1}, 3, 2), "shape (3, 2), want (2, 3)"},
		{write("value.npy", []float32{0, 1, 0.5, 0, 1, 1}, 2, 3), "0.5 at flat index 2, want only 0 and 1"},
		{write("text.npy", []byte("not an npy file at all"), 22), ""},
	} {
		_, err := ReadMaskNPY(c.path, 2, 3)
		if err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%s: error %v, want one containing %q", filepath.Base(c.path), err, c.wants)
		}
	}
}

// TestConstraintValidation: exc_fraction outside (0, 1), probabilities
// outside (0, 1] and negative regularisers are errors naming the field.
func TestConstraintValidation(t *testing.T) {
	cfg := smallConfig(ReLU)
	for _, c := range []struct {
		c     Constraints
		wants string
	}{
		{Constraints{Dale: true, ExcFraction: 0}, "ExcFraction = 0, want a value in (0, 1)"},
		{Constraints{Dale: true, ExcFraction: 1}, "ExcFraction = 1"},
		{Constraints{Dale: true, ExcFraction: 1.5}, "ExcFraction = 1.5"},
		{Constraints{Dale: true, ExcFraction: 0.99}, "at least one excitatory and one inhibitory"},
		{Constraints{RecConnectivity: 1.2}, "RecConnectivity = 1.2"},
		{Constraints{InputConnectivity: -0.1}, "InputConnectivity = -0.1"},
		{Constraints{RecMask: []float64{1, 2}}, "RecMask has 2 elements, want 16"},
		{Constraints{RecMask: make([]float64, 16)}, "RecMask has no connection"},
	} {
		if err := c.c.Validate(cfg); err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%+v: error %v, want %q", c.c, err, c.wants)
		}
	}
	cfg.Reg.L2Rec = -1
	cfg.Reg.L1FiringRate = math.NaN()
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "L2_rec = -1") || !strings.Contains(err.Error(), "L1_firing_rate = NaN") {
		t.Errorf("negative regulariser: error %v", err)
	}
}
