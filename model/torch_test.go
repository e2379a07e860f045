package model

import (
	"math"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"gorgonia.org/tensor"
)

// TestMatchesPyTorch compares both graph kinds, in float32, with the
// tutorial's PyTorch model: logits, loss and gradients for the same weights,
// inputs, targets and network noise (testdata/torch_golden.npz, written by
// testdata/make_torch_golden.py with torch 1.13), with class targets and
// with loss weights (class targets for CrossEntropy, value targets for L1
// and L2).
func TestMatchesPyTorch(t *testing.T) {
	r, err := npz.Open("testdata/torch_golden.npz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// numpy.savez stores each array as "name.npy"
	f32s := func(name string) []float32 {
		var v []float32
		if err := r.Read(name+".npy", &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	const T, B = 20, 4
	inputs, noise := f32s("inputs"), f32s("noise")
	var class []int32
	if err := r.Read("targets.npy", &class); err != nil {
		t.Fatal(err)
	}
	mask, value := f32s("mask"), f32s("value")
	cases := []struct {
		key     string // prefix of the arrays
		act     Activation
		loss    Loss
		targets Targets
	}{
		{"relu", ReLU, CrossEntropy, Targets{Class: class}},
		{"sigmoid", Sigmoid, L2, Targets{Class: class}},
		{"softplus", Softplus, L1, Targets{Class: class}},
		{"masked/relu", ReLU, CrossEntropy, Targets{Class: class, Mask: mask}},
		{"masked/sigmoid", Sigmoid, L2, Targets{Value: value, Mask: mask}},
		{"masked/softplus", Softplus, L1, Targets{Value: value, Mask: mask}},
	}
	for _, c := range cases {
		cfg := tutorialConfig()
		cfg.Activation = c.act
		var ts [5]*tensor.Dense
		for i, name := range StateDictNames {
			ts[i] = tensor.New(tensor.WithShape(shapes(cfg)[i]...), tensor.WithBacking(f32s(c.key+"/"+name)))
		}
		var lossWant []float64
		if err := r.Read(c.key+"/loss.npy", &lossWant); err != nil {
			t.Fatal(err)
		}
		logitsWant := f32s(c.key + "/logits")
		for _, kind := range kinds {
			w := fromTensors(ts).Clone()
			g, err := NewTrainGraph(cfg, w, T, B, c.loss, kind)
			if err != nil {
				t.Fatal(err)
			}
			loss, err := g.Run(inputs, c.targets, noise)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(loss-lossWant[0]) > 1e-5*math.Abs(lossWant[0]) {
				t.Errorf("%s %s %s: loss %v, PyTorch %v", kind, c.key, c.loss, loss, lossWant[0])
			}
			if d := maxRelDiff(to64(g.Outputs()), to64(logitsWant)); d > 1e-5 {
				t.Errorf("%s %s %s: logits differ from PyTorch's by %.3g (relative)", kind, c.key, c.loss, d)
			}
			grads, err := g.Gradients()
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range StateDictNames {
				want := to64(f32s(c.key + "/grad/" + name))
				if e := maxRelDiff(grads[i], want); e > 1e-4 {
					t.Errorf("%s %s %s: gradient of %s differs from PyTorch's by %.3g (relative)", kind, c.key, c.loss, name, e)
				}
			}
			g.Close()
		}
	}
}

// TestLoadPyTorchStateDict loads a state_dict that PyTorch code saved with
// numpy.savez (arrays stored as "name.npy").
func TestLoadPyTorchStateDict(t *testing.T) {
	w, err := LoadWeightsNPZ("testdata/torch_state_dict.npz", tutorialConfig())
	if err != nil {
		t.Fatal(err)
	}
	r, err := npz.Open("testdata/torch_golden.npz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i, name := range StateDictNames {
		var want []float32
		if err := r.Read("relu/"+name+".npy", &want); err != nil {
			t.Fatal(err)
		}
		if d := maxRelDiff(float64s(w.Tensors()[i]), to64(want)); d != 0 {
			t.Errorf("%s differs by %g", name, d)
		}
	}
}
