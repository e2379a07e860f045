package analyze_test

import (
	"fmt"
	"os"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
)

// A psychometric fit on choice counts per signed coherence.
func ExampleFitLogistic() {
	points := []analyze.PsychPoint{
		{X: -25.6, N: 40, K: 1},
		{X: -6.4, N: 40, K: 9},
		{X: 0, N: 80, K: 38},
		{X: 6.4, N: 40, K: 30},
		{X: 25.6, N: 40, K: 40},
	}
	fit, err := analyze.FitLogistic(points)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("method %s: bias %.2f %%, slope %.3f per %%\n", fit.Method, fit.Bias, fit.Slope)
	fmt.Printf("P(choose 2) at +10%% coherence: %.2f\n", fit.At(10))
	// Output:
	// method ml: bias 0.32 %, slope 0.177 per %
	// P(choose 2) at +10% coherence: 0.85
}

// Accuracy per coherence and ground truth of a hand-made test of four
// PerceptualDecisionMaking trials.
func ExampleActivity_Accuracy() {
	task, _ := tasks.Make("PerceptualDecisionMaking-v0", nil, data.IntSeed(0))
	a, _ := analyze.NewActivity(4, 1, 3, 1, 3, data.Discrete) // 4 trials of 1 step, 2 choices
	a.Dt = 100
	a.Task = analyze.LabelsOf(task) // conditions: coh, ground_truth
	for n, v := range []struct {
		g   int
		coh float64
	}{{0, 0}, {1, 0}, {1, 51.2}, {0, 51.2}} {
		a.Vars[n].SetInt("ground_truth", v.g)
		a.Vars[n].SetFloat("coh", v.coh)
	}
	copy(a.Target, []int32{1, 2, 2, 1})
	copy(a.Outputs, []float32{
		0, 1, 0, // chooses 1: correct
		0, 1, 0, // chooses 1: wrong
		0, 0, 1, // chooses 2: correct
		0, 1, 0, // chooses 1: correct
	})
	if err := a.Decide(); err != nil {
		fmt.Println(err)
		return
	}
	acc, _ := a.Accuracy()
	acc.WriteTable(os.Stdout)
	// Output:
	// coh  trials  correct  accuracy (%)  performance
	//    0.0       2        1          50.0            -
	//   51.2       2        2         100.0            -
	//    all       4        3          75.0            -
	//
	//   ground_truth  trials  correct  accuracy (%)  performance
	//              0       2        2         100.0            -
	//              1       2        1          50.0            -
	//            all       4        3          75.0            -
}
