package sweep_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/taskrnn/taskrnn/train/sweep"
)

// A grid of two keys times two seeds: runs are named after the swept keys
// (sorted) and the seed, whatever the order of keys in the file.
func ExampleSpec_Expand() {
	spec, err := sweep.ParseSpec(strings.NewReader(`{
		"base":  {"n_iteration": 200},
		"grid":  {"learning_rate": [0.01, 0.001], "activation_fun": ["relu", "softplus"]},
		"seeds": [0, 1]}`))
	if err != nil {
		log.Fatal(err)
	}
	plan, err := spec.Expand()
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range plan.Runs[:3] {
		fmt.Println(r.Name, r.Config.NIteration)
	}
	fmt.Println(len(plan.Runs), "runs, swept:", plan.Keys)
	// Output:
	// activation_fun=relu,learning_rate=0.01,seed=0 200
	// activation_fun=relu,learning_rate=0.01,seed=1 200
	// activation_fun=relu,learning_rate=0.001,seed=0 200
	// 8 runs, swept: [activation_fun learning_rate]
}
