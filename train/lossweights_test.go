package train

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// TestLossWeightsClosedForm: a network whose weights are all 0 but the
// output bias b gives the logits b at every step, so the cross-entropy of
// a step with target y is logsumexp(b) - b_y and the weighted loss is
// Σ m (logsumexp(b) - b_y) / Σ m with m the period weights. The graph's
// loss on a batch weighted {"decision": 1, "fixation": 0.1, "default": 0}
// equals this, in both graphs.
func TestLossWeightsClosedForm(t *testing.T) {
	cfg := smallConfig(1)
	cfg.SeqLen = 120 // two trials of 110 steps per column: every period
	cfg.LossWeights = map[string]float64{"decision": 1, "fixation": 0.1, "default": 0}
	cfg = cfg.Canonical()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ds, err := data.NewWeightedDataset(func(_ int, s data.Seed) (data.Task, error) { return cfg.MakeTask(s) },
		cfg.BatchSize, cfg.SeqLen, cfg.Seed, cfg.LossWeights.PeriodWeights(), false)
	if err != nil {
		t.Fatal(err)
	}
	var b data.Batch
	if err := ds.Next(&b); err != nil {
		t.Fatal(err)
	}
	bias := []float64{0.3, -1.2, 0.7}
	lse := math.Log(math.Exp(bias[0]) + math.Exp(bias[1]) + math.Exp(bias[2]))
	var num, den float64
	seen := map[float32]int{}
	for k, y := range b.Targets {
		m := float64(b.Mask[k])
		seen[b.Mask[k]]++
		num += m * (lse - bias[y])
		den += m
	}
	if len(seen) < 3 {
		t.Fatalf("the batch has weights %v: want decision, fixation and other steps", seen)
	}
	want := num / den
	for _, kind := range []model.GraphKind{model.Fast, model.Reference} {
		mcfg := cfg.ModelConfig(b.ObsDim, 3)
		mcfg.NetworkNoise = 0
		w := model.InitWeights(mcfg, 0, tensor.Float64)
		for i, x := range w.Tensors() {
			d := x.Data().([]float64)
			clear(d)
			if i == 4 {
				copy(d, bias)
			}
		}
		g, err := model.NewTrainGraph(mcfg, w, cfg.SeqLen, cfg.BatchSize, model.CrossEntropy, kind)
		if err != nil {
			t.Fatal(err)
		}
		loss, err := g.Run(b.Inputs, model.Targets{Class: b.Targets, Mask: b.Mask}, make([]float32, cfg.SeqLen*cfg.BatchSize*cfg.NNeurons))
		g.Close()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(loss-want) > 1e-12*want {
			t.Errorf("graph %v: loss %.15g, closed form %.15g", kind, loss, want)
		}
	}
}

// TestLossWeightsConfig: loss_weights names the task's periods; anything
// else is an error that lists them, as are negative weights and weights
// that leave nothing to train. Training accuracy does not depend on them.
func TestLossWeightsConfig(t *testing.T) {
	for _, c := range []struct {
		w    map[string]float64
		want string
	}{
		{map[string]float64{"decison": 1}, `"decison" is not a period of PerceptualDecisionMaking-v0: its periods are fixation, stimulus, delay, decision (and "default" for the other steps)`},
		{map[string]float64{"decision": -1}, `"decision" = -1: must be a finite number >= 0`},
		{map[string]float64{"decision": 0, "default": 0}, "every step would weigh 0"},
	} {
		cfg := smallConfig(1)
		cfg.LossWeights = c.w
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.w, err, c.want)
		}
	}
	cfg := smallConfig(5)
	cfg.SeqLen = 120
	plain := mustTrain(t, cfg, Options{})
	cfg.LossWeights = map[string]float64{"decision": 1, "default": 0.1}
	weighted := mustTrain(t, cfg, Options{})
	if plain.Accuracy[0] != weighted.Accuracy[0] || plain.Loss[0] == weighted.Loss[0] {
		t.Errorf("iteration 1: accuracy %v vs %v (want equal: same batch and weights), loss %v vs %v (want different)",
			plain.Accuracy[0], weighted.Accuracy[0], plain.Loss[0], weighted.Loss[0])
	}
	cfg.LossWeights, cfg.TrialAligned, cfg.SeqLen = nil, true, 120
	if res := mustTrain(t, cfg, Options{}); res.Completed() != 5 {
		t.Errorf("trial-aligned training completed %d iterations", res.Completed())
	}
}
