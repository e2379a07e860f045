package model

import (
	"errors"
	"fmt"
	"math"
)

// Activation names the recurrent nonlinearity f. The names are the tutorial's.
type Activation string

// The supported activations.
const (
	ReLU     Activation = "relu"     // max(0, x)
	Sigmoid  Activation = "sigmoid"  // 1/(1+exp(-x))
	Softplus Activation = "softplus" // log(1+exp(x)), x for x > 20 as in PyTorch
)

// Activations lists the supported activations in a fixed order.
func Activations() []Activation { return []Activation{ReLU, Sigmoid, Softplus} }

// Valid reports whether a is a supported activation.
func (a Activation) Valid() bool {
	switch a {
	case ReLU, Sigmoid, Softplus:
		return true
	}
	return false
}

// Loss names the training loss. The names are the tutorial's (PyTorch's).
type Loss string

// The supported losses. O is the number of outputs, T the sequence length and
// B the batch size. The means below are those without loss weights; with a
// mask (Targets.Mask) every step's loss is weighted and the sum divided by
// the sum of the weights.
const (
	// CrossEntropy is the mean over all T*B rows of the softmax cross-entropy
	// of the logits against the target class (PyTorch CrossEntropyLoss on
	// output.view(-1, O)).
	CrossEntropy Loss = "CrossEntropy"
	// L1 is the mean over all T*B*O elements of |o - onehot(target)|
	// (PyTorch L1Loss on one-hot targets).
	L1 Loss = "L1"
	// L2 is the mean over all T*B*O elements of (o - onehot(target))^2
	// (PyTorch MSELoss on one-hot targets).
	L2 Loss = "L2"
)

// Losses lists the supported losses in a fixed order.
func Losses() []Loss { return []Loss{CrossEntropy, L1, L2} }

// Valid reports whether l is a supported loss.
func (l Loss) Valid() bool {
	switch l {
	case CrossEntropy, L1, L2:
		return true
	}
	return false
}

// Config holds the network's hyperparameters.
type Config struct {
	NInput, NHidden, NOutput int // sizes I, H, O; all positive

	Dt, Tau float64 // time step and time constant in ms; 0 < Dt <= Tau

	// NetworkNoise is s in h <- (1-α)h + α f(W_x x + W_r h + b_r) + sqrt(2α) s N(0,1);
	// non-negative.
	NetworkNoise float64

	Activation Activation // relu, sigmoid or softplus

	// Reg weights the regularisers that a TrainGraph adds to the loss (the
	// forward graph and the dynamics ignore it); the zero value adds none.
	Reg Regularization
}

// Regularization holds the weights λ >= 0 of the regularisers added to the
// training loss, with PsychRNN's names and meanings
// (psychrnn/backend/regularizations.py): each is λ times a mean over the
// elements, of the effective weight matrices (constraints.go) or of the
// hidden states h of every step and trial:
//
//	L1_in, L2_in           λ mean |W_x,eff|, λ mean W_x,eff²   over (H, I)
//	L1_rec, L2_rec         the same for W_r,eff                 over (H, H)
//	L1_out, L2_out         the same for W_o,eff                 over (O, H)
//	L1_firing_rate,
//	L2_firing_rate         λ mean |h|, λ mean h²                over (T, B, H)
//
// PsychRNN penalises relu(state); in this network (doc.go) h is the rate
// that the other units and the outputs read, so the rate terms penalise h.
// PsychRNN has no L1_firing_rate; it is the L1 analogue of its
// L2_firing_rate. A λ of 0 leaves the term out of the graph.
type Regularization struct {
	L1In, L2In, L1Rec, L2Rec, L1Out, L2Out float64
	L1FiringRate, L2FiringRate             float64
}

// RegularizerNames returns the regularisers' names in the order of
// Regularization.Weights.
func RegularizerNames() [8]string {
	return [8]string{"L1_in", "L2_in", "L1_rec", "L2_rec", "L1_out", "L2_out", "L1_firing_rate", "L2_firing_rate"}
}

// Weights returns the eight λ in the order of RegularizerNames.
func (r Regularization) Weights() [8]float64 {
	return [8]float64{r.L1In, r.L2In, r.L1Rec, r.L2Rec, r.L1Out, r.L2Out, r.L1FiringRate, r.L2FiringRate}
}

// Active returns the names of the regularisers with λ > 0, in the order of
// RegularizerNames.
func (r Regularization) Active() []string {
	var out []string
	for i, l := range r.Weights() {
		if l > 0 {
			out = append(out, RegularizerNames()[i])
		}
	}
	return out
}

// Validate returns an error naming every regulariser whose weight is
// negative or not finite.
func (r Regularization) Validate() error {
	var errs []error
	for i, l := range r.Weights() {
		if !(l >= 0) || math.IsInf(l, 0) {
			errs = append(errs, fmt.Errorf("%s = %v, want a finite value >= 0", RegularizerNames()[i], l))
		}
	}
	return errors.Join(errs...)
}

// Validate returns an error naming the first invalid field and the allowed values.
func (c Config) Validate() error {
	switch {
	case c.NInput <= 0:
		return fmt.Errorf("model config: NInput = %d, want > 0", c.NInput)
	case c.NHidden <= 0:
		return fmt.Errorf("model config: NHidden = %d, want > 0", c.NHidden)
	case c.NOutput <= 0:
		return fmt.Errorf("model config: NOutput = %d, want > 0", c.NOutput)
	case !(c.Dt > 0) || math.IsInf(c.Dt, 0):
		return fmt.Errorf("model config: Dt = %v ms, want a finite value > 0", c.Dt)
	case !(c.Tau >= c.Dt) || math.IsInf(c.Tau, 0):
		return fmt.Errorf("model config: Tau = %v ms, want a finite value >= Dt (%v ms)", c.Tau, c.Dt)
	case !(c.NetworkNoise >= 0) || math.IsInf(c.NetworkNoise, 0):
		return fmt.Errorf("model config: NetworkNoise = %v, want a finite value >= 0", c.NetworkNoise)
	case !c.Activation.Valid():
		return fmt.Errorf("model config: Activation = %q, want one of %q", c.Activation, Activations())
	}
	if err := c.Reg.Validate(); err != nil {
		return fmt.Errorf("model config: regularisation: %w", err)
	}
	return nil
}

// Alpha returns α = Dt/Tau, the fraction of the way h moves to its target per step.
func (c Config) Alpha() float64 { return c.Dt / c.Tau }

// NoiseScale returns sqrt(2α)·NetworkNoise, the factor applied to the
// standard normal network noise at every step.
func (c Config) NoiseScale() float64 { return math.Sqrt(2*c.Alpha()) * c.NetworkNoise }
