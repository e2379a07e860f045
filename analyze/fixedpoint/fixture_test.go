package fixedpoint

import (
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/taskrnn/taskrnn/data/fileio"
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

// npzFile reads arrays of an .npz fixture by name (data/fileio's reader).
type npzFile struct {
	tb testing.TB
	z  *fileio.NPZFile
}

func openNPZ(tb testing.TB, path string) *npzFile {
	tb.Helper()
	z, err := fileio.OpenNPZ(path)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	tb.Cleanup(func() { z.Close() })
	return &npzFile{tb, z}
}

// read reads array name into ptr (a pointer to a slice of the array's type)
// and returns its shape.
func (f *npzFile) read(name string, ptr any) []int {
	f.tb.Helper()
	a, err := f.z.Read(name)
	if err != nil {
		f.tb.Fatalf("array %q: %v", name, err)
	}
	dst := reflect.ValueOf(ptr).Elem()
	if v := reflect.ValueOf(a.Data); v.Type() != dst.Type() {
		f.tb.Fatalf("array %q holds %s, read into %s", name, a.Dtype, dst.Type())
	} else {
		dst.Set(v)
	}
	return a.Shape
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
