package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
)

// torchLoss holds the first 10 losses of the tutorial's PyTorch model and
// torch.optim.Adam (torch 1.13, float32, one thread) fed the initial weights,
// batches and network noise of the default configuration with seed 0, as
// printed by testdata/torch_loss_curve.py.
var torchLoss = [...]float64{
	1.1544806957244873, 0.8263800740242004, 0.5513289570808411, 0.5342674255371094, 0.4348745346069336,
	0.37616047263145447, 0.3644217550754547, 0.35825246572494507, 0.33800166845321655, 0.32030555605888367,
}

// TestLossCurveMatchesPyTorch pins the whole training pipeline (data stream,
// initial weights, network noise, graph, loss, Adam) to PyTorch: the first 10
// losses agree to float32 accuracy (1e-9 to 1e-4 relative: the differences
// grow with the iterations as float32 rounding differs, faster when a ReLU
// unit sits near zero).
func TestLossCurveMatchesPyTorch(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NIteration = len(torchLoss)
	res := mustTrain(t, cfg, Options{})
	for k, want := range torchLoss {
		if got := res.Loss[k]; math.Abs(got-want) > 2e-4*want {
			t.Errorf("iteration %d: loss %.9g, PyTorch %.9g (rel diff %.1e)", k+1, got, want, math.Abs(got-want)/want)
		}
	}
}

// TestDumpForTorch writes what testdata/torch_loss_curve.py needs into the
// directory named by TASKRNN_TORCH_DUMP (skipped when unset): the default
// configuration's first 30 batches (x.npy (n,T,B,I) float32, y.npy (n,T,B)
// int32), network noise (noise.npy (n,T,B,H) float32), all flat, with
// shape.txt holding n T B I H O; the initial weights (init.npz) and Go's
// losses (loss.txt).
func TestDumpForTorch(t *testing.T) {
	dir := os.Getenv("TASKRNN_TORCH_DUMP")
	if dir == "" {
		t.Skip("set TASKRNN_TORCH_DUMP=dir to write the PyTorch cross-check inputs")
	}
	const n = 30
	cfg := DefaultConfig()
	cfg.NIteration = n
	tr, err := NewTrainer(cfg, Options{}) // the training data stream, as Train draws it
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	dumpStreams(t, dir, cfg, tr, n)
	if err := model.InitWeights(cfg.Model(), cfg.Seed, tensor.Float32).SaveNPZ(filepath.Join(dir, "init.npz")); err != nil {
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
	for _, l := range res.Loss {
		fmt.Fprintf(f, "%.9g\n", l)
	}
}

// dumpStreams writes what the PyTorch cross-checks read from dir: the
// first n batches of tr's training data stream (x.npy (n,T,B,I) float32,
// y.npy (n,T,B) int32) and network noise (noise.npy (n,T,B,H) float32), all
// flat, as Train draws them, and shape.txt holding n T B I H O.
func dumpStreams(t *testing.T, dir string, cfg Config, tr *Trainer, n int) {
	t.Helper()
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
}
