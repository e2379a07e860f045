package data

import (
	"math"
	"testing"
)

// TestStimulusStatistics checks the stimulus against the spec: channel means
// 0.5 +- c/200, noise std sigma/sqrt(dt), and ideal-observer accuracy
// Phi((c/100) sqrt(T_stim) / (sqrt(2) sigma)) within sampling error.
func TestStimulusStatistics(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  PDMConfig
		cohs []float64
		n    int // trials per coherence
	}{
		// sigma 3 makes the ideal observer err, so accuracy is informative.
		{"dt20 stim1000 sigma3", func() PDMConfig { c := tutorialConfig(); c.Sigma = 3; return c }(), []float64{0, 6.4, 12.8, 25.6}, 1500},
		{"defaults", DefaultPDMConfig(), []float64{6.4, 12.8}, 1500},
	} {
		t.Run(c.name, func(t *testing.T) {
			env, err := NewPerceptualDecisionMaking(c.cfg, 77)
			if err != nil {
				t.Fatal(err)
			}
			sig := c.cfg.SigmaEffective()
			var resid, resid2 float64
			var count int
			for _, coh := range c.cohs {
				correct := 0
				var meanG, meanO float64
				var rows int
				for i := 0; i < c.n; i++ {
					tr := env.NewTrial(ForceCoh(coh))
					g := tr.GroundTruth
					s, e := tr.Rows("stimulus")
					var sum float64
					for r := s; r < e; r++ {
						row := tr.Row(r)
						chosen, other := float64(row[1+g]), float64(row[2-g])
						sum += chosen - other
						meanG += chosen
						meanO += other
						for _, v := range []float64{chosen - (0.5 + coh/200), other - (0.5 - coh/200)} {
							resid += v
							resid2 += v * v
							count++
						}
					}
					rows += e - s
					if sum > 0 {
						correct++
					}
				}
				// channel means: SE = sig/sqrt(rows)
				se := sig / math.Sqrt(float64(rows))
				if d := meanG/float64(rows) - (0.5 + coh/200); math.Abs(d) > 5*se {
					t.Errorf("coh %v: chosen-channel mean off by %.2g (SE %.2g)", coh, d, se)
				}
				if d := meanO/float64(rows) - (0.5 - coh/200); math.Abs(d) > 5*se {
					t.Errorf("coh %v: other-channel mean off by %.2g (SE %.2g)", coh, d, se)
				}
				tStim := float64(tr0(c.cfg)) // ms
				p := 0.5 * math.Erfc(-(coh/100)*math.Sqrt(tStim)/(math.Sqrt2*c.cfg.Sigma)/math.Sqrt2)
				acc := float64(correct) / float64(c.n)
				if coh == 0 {
					p = 0.5 // ties are impossible; the observer is a coin flip
				}
				if se := math.Sqrt(p*(1-p)/float64(c.n)) + 1e-3; math.Abs(acc-p) > 4*se {
					t.Errorf("coh %v: ideal-observer accuracy %.4f, want %.4f +- %.4f", coh, acc, p, 4*se)
				} else {
					t.Logf("coh %v: ideal observer %.4f (theory %.4f)", coh, acc, p)
				}
			}
			mean := resid / float64(count)
			std := math.Sqrt(resid2/float64(count) - mean*mean)
			if math.Abs(mean) > 5*sig/math.Sqrt(float64(count)) {
				t.Errorf("noise mean %.3g, want 0", mean)
			}
			if se := sig / math.Sqrt(2*float64(count)); math.Abs(std-sig) > 5*se {
				t.Errorf("noise std %.6f, want %.6f +- %.6f", std, sig, 5*se)
			}
		})
	}
}

// tr0 returns the stimulus duration in ms of a config with constant timing.
func tr0(c PDMConfig) float64 { return pyFloorDiv(c.Timing.Stimulus.Values[0], c.Dt) * c.Dt }
