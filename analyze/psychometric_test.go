package analyze

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/taskrnn/taskrnn/data"
)

var cohGrid = []float64{-51.2, -25.6, -12.8, -6.4, 0, 6.4, 12.8, 25.6, 51.2}

func TestFitLogisticExpectedCounts(t *testing.T) {
	// With huge N and expected counts the estimate is the truth.
	truth := Logistic{Bias: 3, Slope: 0.15}
	var pts []PsychPoint
	for _, x := range cohGrid {
		n := 1_000_000
		pts = append(pts, PsychPoint{X: x, N: n, K: int(math.Round(float64(n) * truth.At(x)))})
	}
	fit, err := FitLogistic(pts)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Method != "ml" || math.Abs(fit.Bias-truth.Bias) > 1e-3 || math.Abs(fit.Slope-truth.Slope) > 1e-5 {
		t.Errorf("fit = %+v, want bias %v slope %v by ml", fit, truth.Bias, truth.Slope)
	}
	if !(fit.BiasSE > 0 && fit.BiasSE < 0.01 && fit.SlopeSE > 0 && fit.SlopeSE < 1e-3) {
		t.Errorf("standard errors %v, %v: want small and positive", fit.BiasSE, fit.SlopeSE)
	}
}

func TestFitLogisticSampled(t *testing.T) {
	// Sampled data: the estimate must lie within 4 standard errors, and
	// the standard errors must match the spread over repetitions.
	truth := Logistic{Bias: -4, Slope: 0.08}
	rng := rand.New(rand.NewPCG(1, 2))
	var biases, slopes []float64
	var seSlope float64
	for rep := 0; rep < 60; rep++ {
		var pts []PsychPoint
		for _, x := range cohGrid {
			p := PsychPoint{X: x, N: 200}
			for range p.N {
				if rng.Float64() < truth.At(x) {
					p.K++
				}
			}
			pts = append(pts, p)
		}
		fit, err := FitLogistic(pts)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(fit.Bias-truth.Bias) > 4*fit.BiasSE || math.Abs(fit.Slope-truth.Slope) > 4*fit.SlopeSE {
			t.Errorf("rep %d: fit %+v more than 4 SE from truth %+v", rep, fit, truth)
		}
		biases = append(biases, fit.Bias)
		slopes = append(slopes, fit.Slope)
		seSlope += fit.SlopeSE / 60
	}
	sd := stdDev(slopes)
	if sd < 0.6*seSlope || sd > 1.5*seSlope {
		t.Errorf("slope spread %v vs mean standard error %v", sd, seSlope)
	}
}

func stdDev(x []float64) float64 {
	var m, v float64
	for _, a := range x {
		m += a / float64(len(x))
	}
	for _, a := range x {
		v += (a - m) * (a - m) / float64(len(x)-1)
	}
	return math.Sqrt(v)
}

func TestFitLogisticSeparableUsesFirth(t *testing.T) {
	// A perfect observer: negative coherences never choose 2, positive
	// always do, zero is split. The ML slope is infinite.
	var pts []PsychPoint
	for _, x := range cohGrid {
		p := PsychPoint{X: x, N: 20}
		switch {
		case x > 0:
			p.K = 20
		case x == 0:
			p.K = 9
		}
		pts = append(pts, p)
	}
	fit, err := FitLogistic(pts)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Method != "firth" || !(fit.Slope > 0.2) || math.IsInf(fit.Slope, 0) || math.Abs(fit.Bias) > 3 {
		t.Errorf("fit = %+v, want a finite steep Firth fit near 0", fit)
	}
}

func TestFitLogisticErrors(t *testing.T) {
	for name, pts := range map[string][]PsychPoint{
		"one coherence": {{X: 1, N: 3, K: 1}, {X: 1, N: 2, K: 1}},
		"empty":         nil,
		"K > N":         {{X: 1, N: 3, K: 4}, {X: 2, N: 2, K: 1}},
		"N = 0":         {{X: 1, N: 0, K: 0}, {X: 2, N: 2, K: 1}},
		"NaN coh":       {{X: math.NaN(), N: 3, K: 1}, {X: 2, N: 2, K: 1}},
	} {
		if _, err := FitLogistic(pts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestActivityPsychometric(t *testing.T) {
	a := handActivity(t)
	ps, err := a.Psychometric()
	if err != nil {
		t.Fatal(err)
	}
	// Signed: trial 0 -0->0, 1 +0->0, 2 -6.4, 3 +6.4, 4 +51.2, 5 -51.2.
	want := []PsychPoint{{-51.2, 1, 0}, {-6.4, 1, 0}, {0, 2, 0}, {6.4, 1, 1}, {51.2, 1, 1}}
	if len(ps.Points) != len(want) {
		t.Fatalf("points = %+v, want %+v", ps.Points, want)
	}
	for i := range want {
		if ps.Points[i] != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, ps.Points[i], want[i])
		}
	}
	b, err := NewActivity(1, 1, 4, 1, 4, data.Discrete)
	if err != nil {
		t.Fatal(err)
	}
	b.Dt = 1
	if _, err := b.Psychometric(); !errors.Is(err, ErrNoEvidence) {
		t.Errorf("no evidence: err = %v, want ErrNoEvidence", err)
	}
	if ps.Label != "signed coherence (%)" || ps.Positive != 2 || ps.PositiveName != "choice[1]" {
		t.Errorf("labels %q %d %q", ps.Label, ps.Positive, ps.PositiveName)
	}
}
