package fixedpoint

import (
	"bytes"
	"os"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/model"
)

// The fixtures in testdata (see testdata/compare_fpf.py for how they are made):
//
//	model_seed0.npz   the default trained network (go run ./cmd/train, seed 0)
//	fpf_golden.npz    fixed-point-finder's search on it, and its inputs
const (
	modelFixture = "testdata/model_seed0.npz"
	fpfFixture   = "testdata/fpf_golden.npz"
)

// tutorialConfig is the network of model_seed0.npz: the tutorial's 64 ReLU
// units, dt 20 ms, tau 100 ms, PerceptualDecisionMaking's 3 inputs and outputs.
func tutorialConfig() model.Config {
	return model.Config{NInput: 3, NHidden: 64, NOutput: 3, Dt: 20, Tau: 100, NetworkNoise: 0.1, Activation: model.ReLU}
}

// tutorialDynamics loads the default trained network's dynamics.
func tutorialDynamics(tb testing.TB) *model.Dynamics {
	tb.Helper()
	w, err := model.LoadWeightsNPZ(modelFixture, tutorialConfig())
	if err != nil {
		tb.Fatal(err)
	}
	d, err := model.NewDynamics(tutorialConfig(), w)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// npzFile reads arrays of an .npz fixture by name.
type npzFile struct {
	tb testing.TB
	r  *npz.Reader
}

func openNPZ(tb testing.TB, path string) *npzFile {
	tb.Helper()
	raw, err := os.ReadFile(path) // in memory: npyio reads element by element
	if err != nil {
		tb.Fatal(err)
	}
	r, err := npz.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return &npzFile{tb, r}
}

// read reads array name into ptr (a pointer to a slice of the array's type)
// and returns its shape.
func (f *npzFile) read(name string, ptr any) []int {
	f.tb.Helper()
	key := name + ".npy"
	h := f.r.Header(key)
	if h == nil {
		key = name
		if h = f.r.Header(key); h == nil {
			f.tb.Fatalf("array %q missing (have %q)", name, f.r.Keys())
		}
	}
	if err := f.r.Read(key, ptr); err != nil {
		f.tb.Fatalf("array %q: %v", name, err)
	}
	return h.Descr.Shape
}

func (f *npzFile) f64(name string) []float64 {
	f.tb.Helper()
	var v []float64
	f.read(name, &v)
	return v
}

func (f *npzFile) matrix(name string) *mat.Dense {
	f.tb.Helper()
	var v []float64
	s := f.read(name, &v)
	if len(s) != 2 {
		f.tb.Fatalf("array %q has shape %v, want 2-D", name, s)
	}
	return mat.NewDense(s[0], s[1], v)
}

// fpfTrajectories returns the sampled trajectories of the fixture.
func fpfTrajectories(tb testing.TB) Trajectories {
	f := openNPZ(tb, fpfFixture)
	var states []float32
	s := f.read("states", &states)
	var valid []bool
	f.read("valid", &valid)
	return Trajectories{NBatch: s[0], NTime: s[1], NStates: s[2], States: states, Valid: valid}
}
