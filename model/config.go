package model

import (
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
	return nil
}

// Alpha returns α = Dt/Tau, the fraction of the way h moves to its target per step.
func (c Config) Alpha() float64 { return c.Dt / c.Tau }

// NoiseScale returns sqrt(2α)·NetworkNoise, the factor applied to the
// standard normal network noise at every step.
func (c Config) NoiseScale() float64 { return math.Sqrt(2*c.Alpha()) * c.NetworkNoise }
