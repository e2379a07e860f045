// Package model is the leaky rate RNN of the NeuroGym/PyTorch
// "PerceptualDecisionMaking" tutorial, written as an unrolled Gorgonia
// expression graph with symbolic gradients and run by a TapeMachine.
//
// The network, for hidden state h (B, H), input x_t (B, I) and output o_t (B, O):
//
//	h_0 = 0
//	h_t = (1-α) h_{t-1} + α f(W_x x_t + W_r h_{t-1} + b_r) + sqrt(2α) s n_t,   n_t ~ N(0, 1)
//	o_t = W_o h_t + b_o
//
// with α = dt/tau, s the network noise level and f one of relu, sigmoid,
// softplus. The weights keep PyTorch's state_dict names and shapes
// (input2rec.weight, rec2rec.weight, rec2rec.bias, rec2output.weight,
// rec2output.bias), so a model.npz written here loads into the tutorial's
// PyTorch class as it is.
//
// Two graph builders produce the same numbers:
//
//   - Reference (reference.go) is the direct translation of the equations
//     above into Gorgonia's built-in operations, one group of nodes per time
//     step. Read it to see the model.
//   - Fast (fast.go, with the fused operations of fused.go) is still one
//     unrolled graph with symbolic gradients, but each time step is one fused
//     operation whose SymDiff returns fused gradient operations: about 200
//     tape instructions instead of 6200 at the tutorial's sizes. Its matrix
//     products run on gonum, or on a small AVX2/FMA kernel
//     (axpyrows_amd64.s) where the CPU has one. It is the default and is
//     tested against Reference, finite differences and PyTorch's numbers.
//
// TrainGraph does one forward and backward pass per Run and leaves the
// gradients in its learnables for a Gorgonia solver; ForwardGraph evaluates a
// trained network on any number of steps and trials.
package model
