package train

import (
	"bytes"
	"image/png"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/model"
)

// TestFigureSurvivesNonFinite is the figure half of the issue 8 repro
// -learning_rate 1e39 -n_iteration 1, which panicked drawing W_r with NaN
// in the palette: every mix of NaN and ±Inf in the weights and the log
// gives a PNG (or an error), never a panic.
func TestFigureSurvivesNonFinite(t *testing.T) {
	cfg := smallConfig(3)
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		name     string
		weights  []float32 // assigned cyclically to W_r
		loss     []float64
		accuracy []float64
	}{
		{"all NaN", []float32{float32(nan)}, []float64{nan, nan}, []float64{nan, nan}},
		{"all +Inf", []float32{float32(inf)}, []float64{inf}, []float64{inf}},
		{"mixed", []float32{1, float32(-inf), float32(nan), -2, float32(inf)}, []float64{1, inf, -inf, nan, 0.5}, []float64{50, nan, 100, inf, 0}},
		{"huge finite", []float32{math.MaxFloat32, -math.MaxFloat32}, []float64{math.MaxFloat64, 1e-300}, []float64{0, 100}},
		{"all zero", []float32{0}, []float64{0}, []float64{0}},
	} {
		if testing.Short() && c.name != "mixed" {
			continue // each figure takes about a second
		}
		w := model.InitWeights(cfg.Model(), 0, tensor.Float32)
		d := w.RecRec.Data().([]float32)
		for i := range d {
			d[i] = c.weights[i%len(c.weights)]
		}
		res := &Result{Config: cfg, Weights: w, Loss: c.loss, Accuracy: c.accuracy}
		var buf bytes.Buffer
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", c.name, r)
				}
			}()
			if err := WriteFigure(&buf, res); err != nil {
				t.Logf("%s: %v", c.name, err)
				return
			}
			if _, err := png.Decode(&buf); err != nil {
				t.Errorf("%s: not a PNG: %v", c.name, err)
			}
		}()
	}
}
