package fixedpoint_test

import (
	"fmt"
	"log"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/analyze/fixedpoint"
	"github.com/taskrnn/taskrnn/model"
)

// The fixed point of a two-unit ReLU network under a constant input. Both
// units are active there, so it solves h = W_r h + W_x x + b_r:
// h = (1/(1-0.5), 1/(1-0.25)) = (2, 1.333), and the Jacobian's eigenvalues
// are 1-α+α·eig(W_r) = 0.8+0.2·(0.5, 0.25).
func ExampleFindFrom() {
	cfg := model.Config{NInput: 1, NHidden: 2, NOutput: 1, Dt: 20, Tau: 100, Activation: model.ReLU}
	w := &model.Weights{ // or model.LoadWeightsNPZ("run/model.npz", cfg)
		InputRec: tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float64{1, 1})),
		RecRec:   tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{0.5, 0, 0, 0.25})),
		RecBias:  tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{0, 0})),
		RecOut:   tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float64{1, 1})),
		OutBias:  tensor.New(tensor.WithShape(1), tensor.WithBacking([]float64{0})),
	}
	dyn, err := model.NewDynamics(cfg, w)
	if err != nil {
		log.Fatal(err)
	}
	// initial states: in practice fixedpoint.Find samples them from the
	// network's trajectories (fixedpoint.Trajectories)
	x0 := mat.NewDense(3, 2, []float64{0, 0, 5, 1, 1, 4})
	fp, err := fixedpoint.FindFrom(dyn, []float64{1}, x0, fixedpoint.DefaultOptions())
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range fp.Points {
		fmt.Printf("%s point at (%.3f, %.3f), stable %v, |λ| = %.2f, %.2f\n", p.Kind, p.Xstar[0], p.Xstar[1],
			p.IsStable, cmplx.Abs(p.Eigval[0]), cmplx.Abs(p.Eigval[1]))
	}
	s := fp.Summary()
	fmt.Println(s.NStableFixed, "stable,", s.NUnstableFixed, "unstable fixed points,", s.NSlow, "slow points")
	// Output:
	// fixed point at (2.000, 1.333), stable true, |λ| = 0.90, 0.85
	// 1 stable, 0 unstable fixed points, 0 slow points
}
