package rundir

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
	"github.com/taskrnn/taskrnn/model"
)

// Config is every hyperparameter of a training run. The JSON keys and the
// command-line flags are the names used by the NeuroGym PyTorch tutorial.
// Times are in milliseconds.
type Config struct {
	// Task is the NeuroGym task id, or a list of ids trained as a schedule.
	Task TaskList `json:"task"`
	// TaskKwargs are NeuroGym's constructor keywords for the task (for every
	// task of a schedule), e.g. {"timing": {"delay": 500}, "cohs": [5, 20]}.
	TaskKwargs Kwargs `json:"task_kwargs"`
	// Schedule ("random" or "sequential") and EnvInput (rule inputs, one per
	// task) apply to a list of tasks (NeuroGym's ScheduleEnvs).
	Schedule string `json:"schedule,omitempty"`
	EnvInput *bool  `json:"env_input,omitempty"`

	Dt float64 `json:"dt"` // time step, ms, for every task
	// StimLen (ms) and StimNoise are the tutorial's shorthands for the
	// task keywords timing.stimulus and sigma; nil leaves the task's own
	// (for PerceptualDecisionMaking the tutorial's 1000 ms and 0.3).
	StimLen       *float64 `json:"stim_len,omitempty"`
	StimNoise     *float64 `json:"stim_noise,omitempty"`
	SeqLen        int      `json:"seq_len"`        // steps per training sequence
	NNeurons      int      `json:"n_neurons"`      // recurrent units
	NetworkNoise  float64  `json:"network_noise"`  // recurrent noise level s
	Tau           float64  `json:"tau"`            // membrane time constant, ms
	ActivationFun string   `json:"activation_fun"` // "relu", "sigmoid" or "softplus"
	BatchSize     int      `json:"batch_size"`     // sequences per iteration
	NIteration    int      `json:"n_iteration"`    // training iterations
	LearningRate  float64  `json:"learning_rate"`  // optimiser step size
	Optimizer     string   `json:"optimizer"`      // "Adam", "RMSprop" or "SGD"
	Loss          string   `json:"loss"`           // "CrossEntropy", "L1" or "L2"; "" picks CrossEntropy, or L2 for a Box action space
	Seed          int64    `json:"seed"`           // the one seed that fixes the run
	Graph         string   `json:"graph"`          // training graph: "fast" (fused ops) or "reference"; same model and numbers
	// LossWeights weigh the loss of each step by the task period it is in
	// (see LossWeights); empty weighs every step 1.
	LossWeights LossWeights `json:"loss_weights,omitempty"`
	// TrialAligned trains on trial-aligned batches (data.NewTrialAlignedDataset:
	// one whole trial per column from row 0, zero-padded to seq_len, the
	// padding weighing 0 in the loss) instead of NeuroGym's stream of
	// trials cut into windows; seq_len must cover every trial. Training
	// accuracy is then read at each trial's last step.
	TrialAligned bool `json:"trial_aligned,omitempty"`

	// Biological constraints (model/constraints.go, PsychRNN's meanings).
	// Dale applies Dale's law with the first round(exc_fraction·n_neurons)
	// units excitatory (exc_fraction in (0, 1)). The connectivities are the
	// probabilities in (0, 1] that a connection of input2rec, rec2rec and
	// rec2output exists (masks drawn from the run seed); a mask file (.npy
	// of 0/1 in the matrix's state_dict shape) replaces the probability.
	// Autapses false removes the recurrent self-connections.
	Dale               bool    `json:"dale"`
	ExcFraction        float64 `json:"exc_fraction"`
	InputConnectivity  float64 `json:"input_connectivity"`
	RecConnectivity    float64 `json:"rec_connectivity"`
	OutputConnectivity float64 `json:"output_connectivity"`
	InputMask          string  `json:"input_mask,omitempty"`
	RecMask            string  `json:"rec_mask,omitempty"`
	OutputMask         string  `json:"output_mask,omitempty"`
	Autapses           bool    `json:"autapses"`
	// TrainInput, TrainRec and TrainOutput: false keeps input2rec.weight,
	// rec2rec.weight or rec2output.weight at its initial value (the biases
	// are always trained).
	TrainInput  bool `json:"train_input"`
	TrainRec    bool `json:"train_rec"`
	TrainOutput bool `json:"train_output"`
	// Regularisers (model.Regularization), PsychRNN's names; 0 is off.
	L1In         float64 `json:"L1_in"`
	L2In         float64 `json:"L2_in"`
	L1Rec        float64 `json:"L1_rec"`
	L2Rec        float64 `json:"L2_rec"`
	L1Out        float64 `json:"L1_out"`
	L2Out        float64 `json:"L2_out"`
	L1FiringRate float64 `json:"L1_firing_rate"`
	L2FiringRate float64 `json:"L2_firing_rate"`
	// ClipGradNorm clips the gradients by their global 2-norm before each
	// optimiser step, as torch.nn.utils.clip_grad_norm_ (0 is off).
	ClipGradNorm float64 `json:"clip_grad_norm"`
}

// DefaultConfig returns the tutorial's configuration: dt 20 ms, stimulus
// 1000 ms, stimulus noise 0.3, sequences of 60 steps, 64 ReLU units with
// network noise 0.1 and tau 100 ms, batches of 16, 1000 iterations of Adam at
// learning rate 0.01 on the cross-entropy loss, seed 0, on the fast graph.
func DefaultConfig() Config {
	return baseConfig().Canonical()
}

// baseConfig is DefaultConfig before the task's defaults are filled in:
// the stimulus shorthands are unset, so that a file or flags naming another
// task do not inherit the tutorial's stimulus length and noise (which
// Canonical adds for TutorialTask only).
func baseConfig() Config {
	return Config{
		Task:          TaskList{TutorialTask},
		Dt:            20,
		SeqLen:        60,
		NNeurons:      64,
		NetworkNoise:  0.1,
		Tau:           100,
		ActivationFun: "relu",
		BatchSize:     16,
		NIteration:    1000,
		LearningRate:  0.01,
		Optimizer:     "Adam",
		Loss:          "", // Canonical: CrossEntropy, or L2 for a Box action space
		Seed:          0,
		Graph:         "fast",

		ExcFraction:        0.8,
		InputConnectivity:  1,
		RecConnectivity:    1,
		OutputConnectivity: 1,
		Autapses:           true,
		TrainInput:         true,
		TrainRec:           true,
		TrainOutput:        true,
	}
}

// Canonical returns c with activation_fun, optimizer and loss spelled in their
// canonical forms ("relu", "Adam", "CrossEntropy", ...). Names that are not
// recognised are left as they are; Validate reports them.
func (c Config) Canonical() Config {
	c = c.canonicalTask()
	if c.Loss == "" {
		if d, err := tasks.Describe(c.Task[0]); err == nil {
			c.Loss, _ = resolveLoss("", d.ActSpace)
		}
	}
	if s := Canonical(c.ActivationFun, ActivationNames()); s != "" {
		c.ActivationFun = s
	}
	if s := Canonical(c.Optimizer, OptimizerNames()); s != "" {
		c.Optimizer = s
	}
	if s := Canonical(c.Loss, LossNames()); s != "" {
		c.Loss = s
	}
	if s := Canonical(c.Graph, GraphNames()); s != "" {
		c.Graph = s
	}
	return c
}

// Validate reports every invalid field of c at once (joined with
// errors.Join), each error naming the field (by its JSON/flag name), the
// bad value and what is allowed. Names of the activation, optimiser and loss
// are accepted in any letter case.
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, value any, allowed string) {
		errs = append(errs, fmt.Errorf("%s = %v: %s", field, value, allowed))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	positive := func(field string, v float64, unit string) {
		if !finite(v) || v <= 0 {
			bad(field, v, "must be a positive number"+unit)
		}
	}
	nonNegative := func(field string, v float64) {
		if !finite(v) || v < 0 {
			bad(field, v, "must be a finite number >= 0")
		}
	}
	positiveInt := func(field string, v int) {
		if v <= 0 {
			bad(field, v, "must be a positive integer")
		}
	}

	positive("dt", c.Dt, " (ms)")
	if c.StimLen != nil {
		positive("stim_len", *c.StimLen, " (ms)")
		if finite(*c.StimLen) && finite(c.Dt) && c.Dt > 0 && *c.StimLen > 0 && *c.StimLen < c.Dt {
			bad("stim_len", *c.StimLen, fmt.Sprintf("must be at least dt = %v ms (the stimulus would have no step)", c.Dt))
		}
	}
	if c.StimNoise != nil {
		nonNegative("stim_noise", *c.StimNoise)
	}
	positiveInt("seq_len", c.SeqLen)
	positiveInt("n_neurons", c.NNeurons)
	nonNegative("network_noise", c.NetworkNoise)
	positive("tau", c.Tau, " (ms)")
	if finite(c.Tau) && finite(c.Dt) && c.Dt > 0 && c.Tau > 0 && c.Tau < c.Dt {
		bad("tau", c.Tau, fmt.Sprintf("must be >= dt = %v ms (alpha = dt/tau must not exceed 1)", c.Dt))
	}
	if Canonical(c.ActivationFun, ActivationNames()) == "" {
		bad("activation_fun", fmt.Sprintf("%q", c.ActivationFun), "allowed: "+strings.Join(ActivationNames(), ", "))
	}
	positiveInt("batch_size", c.BatchSize)
	positiveInt("n_iteration", c.NIteration)
	positive("learning_rate", c.LearningRate, "")
	if Canonical(c.Optimizer, OptimizerNames()) == "" {
		bad("optimizer", fmt.Sprintf("%q", c.Optimizer), "allowed: "+strings.Join(OptimizerNames(), ", "))
	}
	if c.Loss != "" && Canonical(c.Loss, LossNames()) == "" { // "" is resolved from the task (an unknown task is reported below)
		bad("loss", fmt.Sprintf("%q", c.Loss), "allowed: "+strings.Join(LossNames(), ", "))
	}
	if Canonical(c.Graph, GraphNames()) == "" {
		bad("graph", fmt.Sprintf("%q", c.Graph), "allowed: "+strings.Join(GraphNames(), ", "))
	}
	if !(c.ExcFraction > 0 && c.ExcFraction < 1) {
		bad("exc_fraction", c.ExcFraction, "must be in (0, 1) (the fraction of excitatory units)")
	}
	for _, p := range []struct {
		key, mask string
		v         float64
	}{{"input_connectivity", c.InputMask, c.InputConnectivity}, {"rec_connectivity", c.RecMask, c.RecConnectivity}, {"output_connectivity", c.OutputMask, c.OutputConnectivity}} {
		if !(p.v > 0 && p.v <= 1) {
			bad(p.key, p.v, "must be a connection probability in (0, 1]")
		} else if p.v != 1 && p.mask != "" {
			bad(p.key, p.v, fmt.Sprintf("give a probability or a mask file (%q), not both", p.mask))
		}
	}
	for i, l := range c.Regularization().Weights() {
		nonNegative(model.RegularizerNames()[i], l)
	}
	nonNegative("clip_grad_norm", c.ClipGradNorm)
	if len(errs) > 0 {
		// the task checks below need a valid configuration; unknown ids
		// are reported with the other errors all the same
		for _, id := range c.Task {
			if _, err := tasks.Describe(id); err != nil {
				errs = append(errs, fmt.Errorf("task: %w", err))
			}
		}
	}
	if len(errs) == 0 {
		// The task and the network check themselves too (e.g. limits that
		// only they know); their errors name their own fields.
		task, terrs := c.validateTask()
		errs = append(errs, terrs...)
		if task != nil {
			errs = append(errs, c.validateLossWeights(task)...)
			if _, err := resolveLoss(c.Loss, task.ActSpace()); err != nil {
				errs = append(errs, err)
			} else if mc := c.ModelConfig(task.ObSpace().Dim, task.ActSpace().Dim); mc.Validate() != nil {
				errs = append(errs, fmt.Errorf("network: %w", mc.Validate()))
			} else if err := c.modelConstraints().Validate(mc); err != nil {
				// the mask files are read (and checked) by Constraints
				errs = append(errs, fmt.Errorf("dale/exc_fraction/connectivity: %w", err))
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid training configuration: %w", errors.Join(errs...))
}

// ModelConfig returns the network configuration for a task with obsDim
// inputs and actDim outputs (the sizes of its observation and action
// spaces).
func (c Config) ModelConfig(obsDim, actDim int) model.Config {
	c = c.Canonical()
	return model.Config{
		NInput:       obsDim,
		NHidden:      c.NNeurons,
		NOutput:      actDim,
		Dt:           c.Dt,
		Tau:          c.Tau,
		NetworkNoise: c.NetworkNoise,
		Activation:   model.Activation(c.ActivationFun),
		Reg:          c.Regularization(),
	}
}

// Regularization returns the regularisers' weights (L1_in, ..., L2_firing_rate).
func (c Config) Regularization() model.Regularization {
	return model.Regularization{L1In: c.L1In, L2In: c.L2In, L1Rec: c.L1Rec, L2Rec: c.L2Rec,
		L1Out: c.L1Out, L2Out: c.L2Out, L1FiringRate: c.L1FiringRate, L2FiringRate: c.L2FiringRate}
}

// modelConstraints returns the constraints of c without the mask files.
func (c Config) modelConstraints() model.Constraints {
	return model.Constraints{
		Dale: c.Dale, ExcFraction: c.ExcFraction,
		InputConnectivity: c.InputConnectivity, RecConnectivity: c.RecConnectivity, OutputConnectivity: c.OutputConnectivity,
		NoAutapses: !c.Autapses,
	}
}

// CheckWeights returns an error if the constraints that w carries (its
// Dale signs and masks, as model.npz stores them) are not the ones c asks
// for: Dale's signs present exactly when dale is true, with the first
// round(exc_fraction·n_neurons) units excitatory, and a mask for every
// matrix whose connectivity is below 1 or that has a mask file (the
// recurrent one also when autapses is false), with no autapse left.
func (c Config) CheckWeights(w *model.Weights) error {
	if c.Dale != (w.DaleSign != nil) {
		return fmt.Errorf("dale = %v in the configuration, but the weights %s Dale signs (dale_sign)", c.Dale, map[bool]string{true: "have", false: "have no"}[w.DaleSign != nil])
	}
	if c.Dale {
		ne := model.NExcitatory(len(w.DaleSign), c.ExcFraction)
		for j, d := range w.DaleSign {
			if (j < ne) != (d > 0) {
				return fmt.Errorf("exc_fraction = %v makes units 0..%d excitatory, but dale_sign[%d] = %v", c.ExcFraction, ne-1, j, d)
			}
		}
	}
	for _, m := range []struct {
		key, file string
		p         float64
		mask      []float64
		extra     bool
	}{{"input", c.InputMask, c.InputConnectivity, w.InputMask, false},
		{"rec", c.RecMask, c.RecConnectivity, w.RecMask, !c.Autapses},
		{"output", c.OutputMask, c.OutputConnectivity, w.OutputMask, false}} {
		if (m.file != "" || m.p != 1 || m.extra) && m.mask == nil {
			return fmt.Errorf("the configuration asks for a %s connectivity mask (%s_connectivity = %v, %s_mask = %q, autapses = %v), but the weights have none", m.key, m.key, m.p, m.key, m.file, c.Autapses)
		}
	}
	if !c.Autapses {
		H := w.RecBias.Shape()[0]
		for i := range H {
			if w.RecMask[i*H+i] != 0 {
				return fmt.Errorf("autapses = false, but rec2rec.mask[%d, %d] = 1", i, i)
			}
		}
	}
	return nil
}

// Constraints returns the network constraints of c for the network mc
// (from ModelConfig), reading the mask files it names (model.ReadMaskNPY).
// Errors name the key and the file: missing, not a .npy array, another
// shape than the matrix, values other than 0 and 1.
func (c Config) Constraints(mc model.Config) (model.Constraints, error) {
	return c.ResumeConstraints(mc, nil)
}

// ResumeConstraints is Constraints for continuing a run whose weights
// (model.npz) are saved: a mask named by a file comes from saved, the
// mask the run was trained with, so that the run goes on with it even if
// the file is gone; a file that still exists but now holds another mask
// is an error (the run would change network half way). With saved nil it
// is Constraints.
func (c Config) ResumeConstraints(mc model.Config, saved *model.Weights) (model.Constraints, error) {
	mcs := c.modelConstraints()
	I, H, O := mc.NInput, mc.NHidden, mc.NOutput
	var errs []error
	var have [3][]float64
	if saved != nil {
		have = [3][]float64{saved.InputMask, saved.RecMask, saved.OutputMask}
	}
	for i, m := range []struct {
		key, path, member string
		rows, cols        int
		dst               *[]float64
	}{{"input_mask", c.InputMask, "input2rec.mask", H, I, &mcs.InputMask},
		{"rec_mask", c.RecMask, "rec2rec.mask", H, H, &mcs.RecMask},
		{"output_mask", c.OutputMask, "rec2output.mask", O, H, &mcs.OutputMask}} {
		if m.path == "" {
			continue
		}
		if saved != nil && have[i] != nil && len(have[i]) == m.rows*m.cols {
			if _, err := os.Stat(m.path); errors.Is(err, os.ErrNotExist) {
				*m.dst = slices.Clone(have[i])
				continue
			}
		}
		v, err := model.ReadMaskNPY(m.path, m.rows, m.cols)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.key, err))
			continue
		}
		if saved != nil && have[i] != nil && !slices.Equal(v, have[i]) {
			errs = append(errs, fmt.Errorf("%s: %q now holds another mask than the %s the run was trained with (model.npz): restore the file, or remove it to go on with the saved mask", m.key, m.path, m.member))
			continue
		}
		*m.dst = v
	}
	if len(errs) == 0 {
		if err := mcs.Validate(mc); err != nil {
			errs = append(errs, fmt.Errorf("dale/exc_fraction/connectivity: %w", err))
		}
	}
	return mcs, errors.Join(errs...)
}

// Model returns the network configuration of the run: ModelConfig for the
// sizes of the task of c. The configuration must be valid (a task that
// cannot be built gives sizes 0, which model.Config.Validate refuses).
func (c Config) Model() model.Config {
	t, err := c.MakeTask(data.IntSeed(0))
	if err != nil {
		return c.ModelConfig(0, 0)
	}
	return c.ModelConfig(t.ObSpace().Dim, t.ActSpace().Dim)
}

// GraphKind returns the model.GraphKind named by c.Graph ("fast" or
// "reference", any letter case); anything else is model.Fast (Validate
// reports it).
func (c Config) GraphKind() model.GraphKind {
	if Canonical(c.Graph, GraphNames()) == "reference" {
		return model.Reference
	}
	return model.Fast
}

// DecodeConfig reads a JSON configuration object from r, at most
// MaxConfigBytes. Keys are exact: each must be one of ConfigKeys or
// "version" (which run directories carry, so that a run's config.json can
// be passed back with -config to repeat the run; it is ignored), and an
// unknown key (in particular another letter case of a key) is an error
// that suggests the nearest keys. A key given twice, a null value, a value
// of the wrong type and trailing data are errors. Absent keys keep their
// DefaultConfig values. The result is in canonical spelling but is not
// validated.
func DecodeConfig(r io.Reader) (Config, error) {
	rc, err := decodeRunConfig(r)
	return rc.Config, err
}

// LoadConfigFile reads a JSON configuration file as DecodeConfig does.
func LoadConfigFile(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config file: %w", err)
	}
	c, err := DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return Config{}, fmt.Errorf("config file %q: %w", path, err)
	}
	return c, nil
}

// ConfigKeys returns the JSON keys (= flag names) of Config, sorted.
func ConfigKeys() []string {
	var keys []string
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	var c Config
	c.bindFlags(fs)
	fs.VisitAll(func(f *flag.Flag) { keys = append(keys, f.Name) })
	return keys
}

// bindFlags defines one flag per Config field on fs, stored in c and
// defaulting to c's current values.
func (c *Config) bindFlags(fs *flag.FlagSet) {
	fs.Var(&c.Task, "task", "NeuroGym task `id`, or ids separated by commas for a schedule (go run ./cmd/task -list)")
	fs.Var(&c.TaskKwargs, "task_kwargs", "NeuroGym constructor keywords as a JSON `object`, e.g. '{\"timing\": {\"delay\": 500}}'")
	fs.StringVar(&c.Schedule, "schedule", c.Schedule, "for a list of tasks: random (default) or sequential")
	fs.Var(optBool{&c.EnvInput}, "env_input", "for a list of tasks: one rule input per task (default true)")
	fs.Float64Var(&c.Dt, "dt", c.Dt, "time step `ms`, for every task")
	fs.Var(optFloat{&c.StimLen}, "stim_len", "stimulus duration `ms` (shorthand for task_kwargs timing.stimulus; tutorial 1000)")
	fs.Var(optFloat{&c.StimNoise}, "stim_noise", "stimulus noise (shorthand for task_kwargs sigma; tutorial 0.3)")
	fs.IntVar(&c.SeqLen, "seq_len", c.SeqLen, "steps per training sequence")
	fs.IntVar(&c.NNeurons, "n_neurons", c.NNeurons, "number of recurrent units")
	fs.Float64Var(&c.NetworkNoise, "network_noise", c.NetworkNoise, "recurrent noise level")
	fs.Float64Var(&c.Tau, "tau", c.Tau, "time constant `ms` (>= dt)")
	fs.StringVar(&c.ActivationFun, "activation_fun", c.ActivationFun, "activation: "+strings.Join(ActivationNames(), ", "))
	fs.IntVar(&c.BatchSize, "batch_size", c.BatchSize, "sequences per iteration")
	fs.IntVar(&c.NIteration, "n_iteration", c.NIteration, "training iterations")
	fs.Float64Var(&c.LearningRate, "learning_rate", c.LearningRate, "learning rate")
	fs.StringVar(&c.Optimizer, "optimizer", c.Optimizer, "optimiser: "+strings.Join(OptimizerNames(), ", "))
	fs.StringVar(&c.Loss, "loss", c.Loss, "loss: "+strings.Join(LossNames(), ", ")+" (default CrossEntropy, or L2 for continuous actions)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "run seed (fixes data, weights and noise)")
	fs.StringVar(&c.Graph, "graph", c.Graph, "training graph: fast (fused ops) or reference (the same model on Gorgonia's built-in ops, slower)")
	fs.Var(&c.LossWeights, "loss_weights", "per-period loss weights as a JSON `object`, e.g. '{\"decision\": 1, \"default\": 0}' (periods not named weigh \"default\", or 1)")
	fs.BoolVar(&c.TrialAligned, "trial_aligned", c.TrialAligned, "train on trial-aligned batches (one whole trial per column, zero-padded to seq_len) instead of NeuroGym's stream of trials")
	fs.BoolVar(&c.Dale, "dale", c.Dale, "Dale's law: excitatory and inhibitory units (exc_fraction excitatory), outputs read the excitatory ones")
	fs.Float64Var(&c.ExcFraction, "exc_fraction", c.ExcFraction, "fraction of excitatory units under Dale's law, in (0, 1)")
	fs.Float64Var(&c.InputConnectivity, "input_connectivity", c.InputConnectivity, "probability of an input2rec connection, in (0, 1]")
	fs.Float64Var(&c.RecConnectivity, "rec_connectivity", c.RecConnectivity, "probability of a rec2rec connection, in (0, 1]")
	fs.Float64Var(&c.OutputConnectivity, "output_connectivity", c.OutputConnectivity, "probability of a rec2output connection, in (0, 1]")
	fs.StringVar(&c.InputMask, "input_mask", c.InputMask, "input2rec connectivity mask: .npy `file` of 0/1, shape (n_neurons, n_inputs)")
	fs.StringVar(&c.RecMask, "rec_mask", c.RecMask, "rec2rec connectivity mask: .npy `file` of 0/1, shape (n_neurons, n_neurons)")
	fs.StringVar(&c.OutputMask, "output_mask", c.OutputMask, "rec2output connectivity mask: .npy `file` of 0/1, shape (n_outputs, n_neurons)")
	fs.BoolVar(&c.Autapses, "autapses", c.Autapses, "allow recurrent self-connections")
	fs.BoolVar(&c.TrainInput, "train_input", c.TrainInput, "train input2rec.weight (false: keep it at its initial value)")
	fs.BoolVar(&c.TrainRec, "train_rec", c.TrainRec, "train rec2rec.weight")
	fs.BoolVar(&c.TrainOutput, "train_output", c.TrainOutput, "train rec2output.weight")
	reg := []*float64{&c.L1In, &c.L2In, &c.L1Rec, &c.L2Rec, &c.L1Out, &c.L2Out, &c.L1FiringRate, &c.L2FiringRate}
	what := []string{"mean |input weight|", "mean input weight²", "mean |recurrent weight|", "mean recurrent weight²",
		"mean |output weight|", "mean output weight²", "mean |rate|", "mean rate²"}
	for i, name := range model.RegularizerNames() {
		fs.Float64Var(reg[i], name, *reg[i], "regulariser weight on the "+what[i]+" (effective weights; >= 0, 0 is off)")
	}
	fs.Float64Var(&c.ClipGradNorm, "clip_grad_norm", c.ClipGradNorm, "clip the gradients' global 2-norm to this value, as torch.nn.utils.clip_grad_norm_ (0 is off)")
}

// ConfigFlags registers the configuration flags (one per JSON key, with the
// tutorial's defaults) and -config on fs. After fs.Parse, call the returned
// function to get the resolved configuration: DefaultConfig, overlaid by the
// -config file if given, overlaid by the flags that were set on the command
// line (flags left at their defaults never override the file). The result is
// canonical and validated.
func ConfigFlags(fs *flag.FlagSet) func() (Config, error) {
	flagCfg := baseConfig()
	flagCfg.bindFlags(fs)
	path := fs.String("config", "", "JSON configuration `file` (keys as the flags; flags given on the command line override it)")
	return func() (Config, error) {
		cfg := baseConfig()
		if *path != "" {
			var err error
			if cfg, err = LoadConfigFile(*path); err != nil {
				return Config{}, err
			}
			// mask files named in the file are relative to the file
			cfg.absMasks(filepath.Dir(*path))
		}
		// Re-apply only the flags that were set, through a flag set bound to cfg.
		over := flag.NewFlagSet("override", flag.ContinueOnError)
		over.SetOutput(io.Discard)
		cfg.bindFlags(over)
		var err error
		fs.Visit(func(f *flag.Flag) {
			if over.Lookup(f.Name) == nil || err != nil {
				return
			}
			err = over.Set(f.Name, f.Value.String())
		})
		if err != nil {
			return Config{}, err
		}
		cfg.absMasks(".") // flags: relative to the working directory
		cfg = cfg.Canonical()
		if err := cfg.Validate(); err != nil {
			return Config{}, err
		}
		return cfg, nil
	}
}

// absMasks makes the mask file paths of c absolute, taking relative ones
// as relative to dir, so that the run's config.json names the files the
// run was trained with from wherever it is read.
func (c *Config) absMasks(dir string) {
	for _, p := range []*string{&c.InputMask, &c.RecMask, &c.OutputMask} {
		if *p == "" || filepath.IsAbs(*p) {
			continue
		}
		if abs, err := filepath.Abs(filepath.Join(dir, *p)); err == nil {
			*p = abs
		}
	}
}
