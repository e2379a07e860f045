package train_test

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/taskrnn/taskrnn/train"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// Flags override the tutorial's defaults (and a -config file, if given).
func ExampleConfigFlags() {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	resolve := train.ConfigFlags(fs)
	if err := fs.Parse([]string{"-n_neurons", "128", "-optimizer", "rmsprop"}); err != nil {
		log.Fatal(err)
	}
	cfg, err := resolve()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.NNeurons, cfg.Optimizer, cfg.LearningRate, cfg.NIteration)
	// Output: 128 RMSprop 0.01 1000
}

// Train a small network briefly, save the run directory and load it back.
func ExampleTrain() {
	cfg := train.DefaultConfig()
	cfg.NNeurons, cfg.BatchSize, cfg.NIteration = 16, 4, 3
	res, err := train.Train(context.Background(), cfg, train.Options{})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	dir = filepath.Join(dir, "run")
	d, err := rundir.Open(dir) // locked until Close
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	if err := train.WriteRun(d, res); err != nil {
		log.Fatal(err)
	}
	loaded, w, err := train.LoadRun(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Completed(), "iterations;", loaded.NNeurons, "units; W_r shape", w.RecRec.Shape())
	// Output: 3 iterations; 16 units; W_r shape (16, 16)
}
