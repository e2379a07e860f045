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
//     tape instructions instead of 6200 at the tutorial's sizes. In float32
//     its matrix products run on register-blocked AVX-512 or AVX2+FMA
//     micro-kernels with packed panels (gemm.go; kernels_amd64.s, generated
//     by internal/asmgen with avo) and its element-wise work in vectorised
//     passes (fast32.go); in float64, on other processors and with
//     -tags purego, on gonum. It is the default and is tested against
//     Reference, finite differences and PyTorch's numbers.
//
// Biologically constrained networks (constraints.go) replace W_x, W_r and
// W_o above by effective matrices: fixed 0/1 connectivity masks and Dale's
// law (W_r,eff = |W_r| ⊙ M · diag(d), outputs from excitatory units only),
// applied in the forward pass of both graphs, in Dynamics and in the saved
// model.npz's extra arrays. Config.Reg adds PsychRNN's weight and rate
// regularisers to the training loss.
//
// Both run on Gorgonia's TapeMachine, driven on the calling goroutine
// (tape.go) rather than through RunAll, which starts a goroutine and locks
// an OS thread on every run.
//
// TrainGraph does one forward and backward pass per Run and leaves the
// gradients in its learnables for an optimiser (a gorgonia.Solver, such as
// package train's Adam); ForwardGraph evaluates a trained network on any
// number of steps and trials. Noise is the seeded stream of network noise.
package model
