package model

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gorgonia.org/tensor"
)

// dynWeights returns weights for cfg drawn like InitWeights and scaled by k
// (larger weights give varied, partly saturated hidden states), in dtype.
func dynWeights(cfg Config, seed int64, dtype tensor.Dtype, k float64) *Weights {
	w := InitWeights(cfg, seed, tensor.Float64)
	for _, t := range w.Tensors() {
		for i, v := range t.Data().([]float64) {
			t.Data().([]float64)[i] = k * v
		}
	}
	return w.AsType(dtype)
}

// dynPoint returns a random state h (H) and input x (I).
func dynPoint(cfg Config, r *rand.Rand) (h, x []float64) {
	h = make([]float64, cfg.NHidden)
	for i := range h {
		h[i] = 2 * r.NormFloat64()
	}
	x = make([]float64, cfg.NInput)
	for i := range x {
		x[i] = r.Float64()*2 - 0.5
	}
	return h, x
}

// TestDynamicsMatchesForwardGraph: the noise-free Gorgonia forward graph
// (both kinds) run from h_0 = 0 gives h_t = F(h_{t-1}, x_t) at every step,
// for every activation, with float64 and float32 weights.
func TestDynamicsMatchesForwardGraph(t *testing.T) {
	const T, B = 12, 5
	for _, kind := range []GraphKind{Reference, Fast} {
		for _, act := range Activations() {
			for _, dtype := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
				cfg := Config{NInput: 3, NHidden: 16, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: act}
				w := dynWeights(cfg, 4, dtype, 3)
				r := rand.New(rand.NewPCG(5, 6))
				inputs := make([]float32, T*B*cfg.NInput)
				for i := range inputs {
					inputs[i] = float32(r.Float64()*2 - 0.5)
				}
				f, err := NewForwardGraphKind(cfg, w, T, B, kind)
				if err != nil {
					t.Fatal(err)
				}
				hidden, _, err := f.Run(inputs, make([]float32, T*B*cfg.NHidden))
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				d, err := NewDynamics(cfg, w)
				if err != nil {
					t.Fatal(err)
				}
				H, I := cfg.NHidden, cfg.NInput
				tol := 1e-6
				if dtype == tensor.Float32 {
					tol = 1e-5
				}
				var worst, scale float64
				for b := 0; b < B; b++ {
					prev := make([]float64, H) // h_0 = 0
					for s := 0; s < T; s++ {
						x := make([]float64, I)
						for i := range x {
							x[i] = float64(inputs[(s*B+b)*I+i])
						}
						got := d.Step(nil, prev, x)
						for i := range got {
							want := float64(hidden[(s*B+b)*H+i])
							worst = math.Max(worst, math.Abs(got[i]-want))
							scale = math.Max(scale, math.Abs(want))
							prev[i] = want
						}
					}
				}
				if scale < 0.1 {
					t.Fatalf("%s %s %v: hidden states too small (max %g) for a meaningful check", kind, act, dtype, scale)
				}
				if worst > tol*scale {
					t.Errorf("%s %s %v: F(h_{t-1}, x_t) differs from the graph's h_t by %g (max |h| %g)", kind, act, dtype, worst, scale)
				}
			}
		}
	}
}

// TestDynamicsJacobiansFiniteDifference: dF/dh and dF/dx match central
// differences of Step, and MulJacobianHT matches (dF/dh)ᵀ v.
func TestDynamicsJacobiansFiniteDifference(t *testing.T) {
	for _, act := range Activations() {
		cfg := Config{NInput: 3, NHidden: 10, NOutput: 2, Dt: 10, Tau: 50, Activation: act}
		w := dynWeights(cfg, 7, tensor.Float64, 2)
		d, err := NewDynamics(cfg, w)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		H, I := cfg.NHidden, cfg.NInput
		const eps = 1e-6
		checked := 0
		for trial := 0; trial < 5; trial++ {
			h, x := dynPoint(cfg, r)
			u := d.Preactivation(nil, h, x)
			nearKink := false
			for _, v := range u {
				nearKink = nearKink || math.Abs(v) < 1e-3 || math.Abs(v-20) < 1e-3
			}
			if nearKink {
				continue // a central difference across ReLU's kink (or softplus' switch) is not a derivative
			}
			checked++
			J := d.JacobianH(nil, h, x)
			Jx := d.JacobianX(nil, h, x)
			fd := func(v []float64, k int) []float64 {
				p := append([]float64(nil), v...)
				m := append([]float64(nil), v...)
				p[k] += eps
				m[k] -= eps
				var fp, fm []float64
				if len(v) == H {
					fp, fm = d.Step(nil, p, x), d.Step(nil, m, x)
				} else {
					fp, fm = d.Step(nil, h, p), d.Step(nil, h, m)
				}
				col := make([]float64, H)
				for i := range col {
					col[i] = (fp[i] - fm[i]) / (2 * eps)
				}
				return col
			}
			for k := 0; k < H; k++ {
				for i, want := range fd(h, k) {
					if got := J.At(i, k); math.Abs(got-want) > 1e-7 {
						t.Errorf("%s: dF/dh[%d,%d] = %v, finite difference %v", act, i, k, got, want)
					}
				}
			}
			for k := 0; k < I; k++ {
				for i, want := range fd(x, k) {
					if got := Jx.At(i, k); math.Abs(got-want) > 1e-7 {
						t.Errorf("%s: dF/dx[%d,%d] = %v, finite difference %v", act, i, k, got, want)
					}
				}
			}
			v := make([]float64, H)
			for i := range v {
				v[i] = r.NormFloat64()
			}
			slope := make([]float64, H)
			d.StepSlope(nil, slope, h, x)
			got := d.MulJacobianHT(nil, slope, v)
			want := mat.NewVecDense(H, nil)
			want.MulVec(J.T(), mat.NewVecDense(H, v))
			for i := range got {
				if math.Abs(got[i]-want.AtVec(i)) > 1e-12 {
					t.Errorf("%s: (dF/dh)ᵀv[%d] = %v, want %v", act, i, got[i], want.AtVec(i))
				}
			}
		}
		if checked < 3 {
			t.Errorf("%s: only %d of 5 points away from kinks", act, checked)
		}
	}
}

// TestDynamicsReLUClosedForm: with every ReLU unit active, F is affine and
// the Jacobians are (1-α)I + αW_r and αW_x exactly; in place stepping
// (dst = h) gives the same values.
func TestDynamicsReLUClosedForm(t *testing.T) {
	cfg := Config{NInput: 2, NHidden: 3, NOutput: 1, Dt: 20, Tau: 100, Activation: ReLU}
	w := &Weights{
		InputRec: tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float64{1, 0, 0, 1, 1, 1})),
		RecRec:   tensor.New(tensor.WithShape(3, 3), tensor.WithBacking([]float64{0.5, 0.1, 0, 0, 0.2, 0.3, -0.1, 0, 0.4})),
		RecBias:  tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{1, 2, 3})),
		RecOut:   tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float64{1, 1, 1})),
		OutBias:  tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{0})),
	}
	d, err := NewDynamics(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	h, x := []float64{1, 2, 3}, []float64{0.5, -0.5}
	// u = W_x x + W_r h + b = (0.5+0.7+1, -0.5+1.3+2, 0+1.1+3) = (2.2, 2.8, 4.1), all > 0
	want := []float64{0.8*1 + 0.2*2.2, 0.8*2 + 0.2*2.8, 0.8*3 + 0.2*4.1}
	got := d.Step(nil, h, x)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("F[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	d.Step(h, h, x)
	for i := range want {
		if h[i] != got[i] {
			t.Errorf("in-place F[%d] = %v, want %v", i, h[i], got[i])
		}
	}
	J := d.JacobianH(nil, []float64{1, 2, 3}, x)
	Jx := d.JacobianX(nil, []float64{1, 2, 3}, x)
	wr, wx := w.RecRec.Data().([]float64), w.InputRec.Data().([]float64)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			e := 0.2 * wr[i*3+j]
			if i == j {
				e += 0.8
			}
			if math.Abs(J.At(i, j)-e) > 1e-15 {
				t.Errorf("dF/dh[%d,%d] = %v, want %v", i, j, J.At(i, j), e)
			}
		}
		for j := 0; j < 2; j++ {
			if e := 0.2 * wx[i*2+j]; math.Abs(Jx.At(i, j)-e) > 1e-15 {
				t.Errorf("dF/dx[%d,%d] = %v, want %v", i, j, Jx.At(i, j), e)
			}
		}
	}
	if !mat.Equal(d.Recurrent(), mat.NewDense(3, 3, wr)) {
		t.Errorf("Recurrent() = %v, want rec2rec.weight", mat.Formatted(d.Recurrent()))
	}
}

// TestDynamicsStepNoAlloc: the calls of a fixed-point search's inner loop do
// not allocate.
func TestDynamicsStepNoAlloc(t *testing.T) {
	cfg := Config{NInput: 3, NHidden: 64, NOutput: 3, Dt: 20, Tau: 100, Activation: ReLU}
	d, err := NewDynamics(cfg, InitWeights(cfg, 0, tensor.Float32))
	if err != nil {
		t.Fatal(err)
	}
	h, x := dynPoint(cfg, rand.New(rand.NewPCG(3, 4)))
	f, slope, g := make([]float64, 64), make([]float64, 64), make([]float64, 64)
	if n := testing.AllocsPerRun(20, func() {
		d.StepSlope(f, slope, h, x)
		d.MulJacobianHT(g, slope, f)
	}); n != 0 {
		t.Errorf("StepSlope + MulJacobianHT allocate %v times per call", n)
	}
}

func TestNewDynamicsErrors(t *testing.T) {
	cfg := Config{NInput: 3, NHidden: 4, NOutput: 3, Dt: 20, Tau: 100, Activation: ReLU}
	good := InitWeights(cfg, 0, tensor.Float64)
	nan := good.Clone()
	nan.RecRec.Data().([]float64)[5] = math.NaN()
	bad := cfg
	bad.Tau = 10
	wrong := cfg
	wrong.NHidden = 5
	for _, c := range []struct {
		name string
		cfg  Config
		w    *Weights
		want string
	}{
		{"nil weights", cfg, nil, "weights are nil"},
		{"invalid config", bad, good, "Tau"},
		{"wrong shape", wrong, good, "has shape (4, 3), want (5, 3)"},
		{"NaN weight", cfg, nan, "rec2rec.weight holds NaN at flat index 5"},
	} {
		_, err := NewDynamics(c.cfg, c.w)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
