package analyze

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

// syntheticActivity returns n two-choice trials that look like a trained
// network's: dt 100 ms, 1 fixation step, 20 stimulus steps, 1 decision step
// (a few trials end one stimulus step early, to exercise padding), and 16
// hidden units driven by an integrator of the evidence difference and an
// urgency ramp, read out to the choice.
func syntheticActivity(t testing.TB, n int, seed uint64) *Activity {
	t.Helper()
	const T, H = 22, 16
	a, err := NewActivity(n, T, 3, H, 3, data.Discrete)
	if err != nil {
		t.Fatal(err)
	}
	a.Dt = 100
	a.Task = pdmLabels(t)
	rng := rand.New(rand.NewPCG(seed, 99))
	mix := make([]float64, 3*H)
	for k := range mix {
		mix[k] = rng.NormFloat64()
	}
	cohs := []float64{0, 6.4, 12.8, 25.6, 51.2}
	for tr := 0; tr < n; tr++ {
		g := rng.IntN(2)
		c := cohs[rng.IntN(len(cohs))]
		steps := T
		if tr%7 == 3 {
			steps = T - 1
		}
		setTrial(a, tr, g, c)
		a.Steps[tr] = steps
		sign := float64(2*g - 1)
		z := 0.0
		for s := 0; s < steps; s++ {
			in := a.Inputs[(tr*T+s)*3 : (tr*T+s+1)*3]
			dec := s == steps-1
			if !dec {
				in[0] = 1
			}
			if s >= 1 && !dec {
				in[1] = float32(0.5 - sign*c/200 + 0.1*rng.NormFloat64())
				in[2] = float32(0.5 + sign*c/200 + 0.1*rng.NormFloat64())
				z += float64(in[2] - in[1])
			}
			if dec {
				a.Target[tr*T+s] = int32(g + 1)
			}
			ramp := float64(s) / T
			h := a.Hidden[(tr*T+s)*H : (tr*T+s+1)*H]
			for k := range h {
				h[k] = float32(math.Tanh(mix[k]*z + mix[H+k]*ramp + 0.05*mix[2*H+k]*rng.NormFloat64()))
			}
			out := a.Outputs[(tr*T+s)*3 : (tr*T+s+1)*3]
			out[0] = float32(4 * in[0])
			out[1] = float32(-3 * z)
			out[2] = float32(3 * z)
		}
	}
	if err := a.Decide(); err != nil {
		t.Fatal(err)
	}
	return a
}
