package model_test

import (
	"fmt"
	"log"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train"
)

// A training loop on the tutorial's network: build the graph once, then per
// iteration fill a batch and noise, Run, and let an optimiser (any Gorgonia
// Solver; here package train's Adam) step.
func ExampleNewTrainGraph() {
	cfg := model.Config{NInput: 3, NHidden: 64, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: model.ReLU}
	const seqLen, batch, seed = 60, 16, 0
	w := model.InitWeights(cfg, seed, tensor.Float32)
	g, err := model.NewTrainGraph(cfg, w, seqLen, batch, model.CrossEntropy, model.Fast)
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	opt := train.NewAdam(0.01)
	noise := model.StreamNoise(seed, data.NetworkNoise, 0)

	inputs := make([]float32, seqLen*batch*cfg.NInput) // (T, B, I), from a data.Batch in practice
	targets := make([]int32, seqLen*batch)             // (T, B) class indices
	n := make([]float32, seqLen*batch*cfg.NHidden)     // (T, B, H)
	for range 3 {
		noise.Fill(n)
		loss, err := g.Run(inputs, model.Targets{Class: targets}, n)
		if err != nil {
			log.Fatal(err)
		}
		if err := opt.Step(g.Learnables()); err != nil { // updates w in place
			log.Fatal(err)
		}
		_ = loss
	}
	logits := g.Outputs() // (T, B, O) of the last Run
	fmt.Println(len(logits))
	// Output: 2880
}

// Evaluating trained weights on other sizes: a forward-only graph shares the
// Weights' tensors (and keeps no gradients).
func ExampleNewForwardGraph() {
	cfg := model.Config{NInput: 3, NHidden: 64, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: model.ReLU}
	w := model.InitWeights(cfg, 0, tensor.Float32) // or model.LoadWeightsNPZ("run/model.npz", cfg)
	const steps, trials = 100, 300
	f, err := model.NewForwardGraph(cfg, w, steps, trials)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	inputs := make([]float32, steps*trials*cfg.NInput)
	noise := make([]float32, steps*trials*cfg.NHidden)
	model.StreamNoise(0, data.TestNoise, 0).Fill(noise)
	hidden, logits, err := f.Run(inputs, noise)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(hidden), len(logits))
	// Output: 1920000 90000
}
