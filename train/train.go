package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/model"
)

// FinalWindow is the number of last iterations whose mean loss and accuracy
// are reported as the final training figures (as in the tutorial).
const FinalWindow = 100

// Options adjust how Train runs (the training graph is Config.Graph). The
// zero value reports no progress and writes no checkpoint.
type Options struct {
	// Progress, if not nil, is called after every completed iteration, on
	// Train's goroutine. It must be quick.
	Progress func(Iteration)
	// Checkpoint, if not nil, is called on Train's goroutine, between two
	// iterations, whenever CheckpointEvery of wall time has passed since the
	// start or the last checkpoint, with the Result so far (Stopped says
	// that the run is still in progress; the weights are the live ones, so
	// it must finish using them before it returns). cmd/train passes
	// WriteRun, so that a run that is killed keeps its last checkpoint. An
	// error from it stops training.
	Checkpoint      func(*Result) error
	CheckpointEvery time.Duration
	// Monitor, if not nil, is called on Train's goroutine after every
	// MonitorEvery-th completed iteration k (k = MonitorEvery,
	// 2*MonitorEvery, ...) with the live weights, e.g. to test the network
	// on fresh trials (the weights must not be changed or kept). It returns
	// stop = true to end training there (the Result then says why), or an
	// error that stops training.
	Monitor      func(k int, w *model.Weights) (stop bool, why string, err error)
	MonitorEvery int
	// Resume, if not nil, continues a run from a checkpoint instead of
	// starting it: the weights, the optimiser, the data and noise streams
	// and the log are restored to where the checkpoint left them, and
	// training goes on from iteration Resume.State.Iteration+1 to
	// Config.NIteration, exactly as the run would have gone on without
	// stopping (same bits; tested).
	Resume *Checkpoint
}

// Checkpoint is a point of a run to continue from (Options.Resume): the
// weights after State.Iteration iterations (model.npz) and the rest of the
// run's state (checkpoint.npz).
type Checkpoint struct {
	Weights *model.Weights
	State   *ResumeState
}

// Iteration is the outcome of one training iteration.
type Iteration struct {
	Index    int     // 1-based iteration number
	N        int     // iterations planned
	Loss     float64 // mean loss of the batch
	Accuracy float64 // percent of batch columns whose last-step argmax equals the last-step target
}

// Result is what a training run produced, also when it stopped early.
type Result struct {
	Config  Config         // the canonical configuration trained (Config.Graph is the graph used)
	Weights *model.Weights // float32 weights after the last good iteration
	// Loss and Accuracy (percent) of every completed iteration; Loss[k] is
	// iteration k+1. Their length is the number of completed iterations.
	// Loss is the loss that was minimised: the task loss plus the
	// regularisers.
	Loss, Accuracy []float64
	// TermNames and Terms are the parts of the loss when a regulariser is
	// on (nil otherwise): "task_loss" and the active regularisers
	// (model.TrainGraph.LossTerms), and their values at every completed
	// iteration (Terms[k][i] is term i of iteration k+1).
	TermNames []string
	Terms     [][]float64
	// TrainSeconds is the wall time of the training loop alone (no set-up,
	// no file writing).
	TrainSeconds float64
	// Stopped is empty if all iterations ran, otherwise why training stopped
	// early (interrupted, non-finite loss).
	Stopped string
	// State is what continues the run from Completed() iterations
	// (Options.Resume), recorded at every checkpoint and at the end; nil if
	// the run diverged (its weights are those of the last finite loss, not
	// a point the run passed through) or no iteration completed.
	State *ResumeState
}

// Completed returns the number of completed iterations.
func (r *Result) Completed() int { return len(r.Loss) }

// FinalLoss returns the mean loss of the last FinalWindow completed
// iterations (all of them if fewer), NaN if none completed.
func (r *Result) FinalLoss() float64 { return tailMean(r.Loss, FinalWindow) }

// FinalAccuracy returns the mean training accuracy (percent) of the last
// FinalWindow completed iterations (all of them if fewer), NaN if none.
func (r *Result) FinalAccuracy() float64 { return tailMean(r.Accuracy, FinalWindow) }

// SecondsPerIteration returns TrainSeconds per completed iteration, NaN if
// none completed.
func (r *Result) SecondsPerIteration() float64 {
	if len(r.Loss) == 0 {
		return math.NaN()
	}
	return r.TrainSeconds / float64(len(r.Loss))
}

func tailMean(x []float64, n int) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	if len(x) > n {
		x = x[len(x)-n:]
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// NonFiniteLossError reports that the loss became NaN or infinite. The
// Result returned with it holds the iterations before and the weights that
// gave the last finite loss.
type NonFiniteLossError struct {
	Iteration int     // 1-based iteration whose loss was not finite
	Loss      float64 // the loss value (NaN, +Inf or -Inf)
}

func (e *NonFiniteLossError) Error() string {
	return fmt.Sprintf("loss is %v at iteration %d: training diverged (try a smaller learning_rate); kept the weights that gave the finite loss of iteration %d",
		e.Loss, e.Iteration, e.Iteration-1)
}

// NonFiniteWeightsError reports that an optimiser step made a weight NaN
// or infinite (e.g. a learning rate beyond float32's range). The Result
// returned with it holds the iterations up to this one and the weights
// before the step, which gave this iteration's finite loss.
type NonFiniteWeightsError struct {
	Iteration int // 1-based iteration whose optimiser step failed
}

func (e *NonFiniteWeightsError) Error() string {
	return fmt.Sprintf("the optimiser step of iteration %d made the weights non-finite: training diverged (try a smaller learning_rate); kept the weights that gave the finite loss of iteration %d",
		e.Iteration, e.Iteration)
}

// Train runs cfg.NIteration training iterations: each takes the next batch
// of a data.Dataset of cfg's task (cfg.MakeTask) with cfg.BatchSize columns of cfg.SeqLen steps
// and the next (SeqLen, BatchSize, NNeurons) block of standard normals from
// model.StreamNoise(cfg.Seed, data.NetworkNoise, 0), runs the
// training graph forward and backward on the weights
// model.InitConstrainedWeights(cfg, constraints, cfg.Seed, Float32)
// (model.InitWeights' values for an unconstrained network), zeroes the
// gradients of the matrices that train_input, train_rec and train_output
// freeze, clips the gradients' global norm to clip_grad_norm if it is set
// (ClipGradNorm), and steps the optimiser. The
// next batch and noise are generated on another goroutine while the graph
// runs; iteration k always gets the k-th batch and noise block, so a seed
// gives the same run every time.
//
// The configuration is validated first (nil Result and the error). If the
// loss becomes NaN or infinite, Train stops and returns the Result so far,
// with the weights of the last finite loss, and a *NonFiniteLossError; if
// an optimiser step makes a weight non-finite, likewise with a
// *NonFiniteWeightsError. Non-finite weights are never returned. If
// ctx is cancelled, Train stops after the current iteration and returns the
// Result so far with an error wrapping ctx.Err(). Any other failure returns
// a nil Result.
//
// Train is NewTrainer, Trainer.Run and Trainer.Close.
func Train(ctx context.Context, cfg Config, opt Options) (*Result, error) {
	tr, err := NewTrainer(cfg, opt)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	return tr.Run(ctx)
}

// Trainer is a training run that has been set up (configuration checked,
// data stream, initial weights, training graph and optimiser built) but not
// yet run. Use it to keep set-up out of a measurement; otherwise call Train.
type Trainer struct {
	cfg        Config
	opt        Options
	nOut       int
	box        bool // continuous (Box) actions: no argmax accuracy
	ds         *data.Dataset
	noise      *model.Noise
	w          *model.Weights
	g          *model.TrainGraph
	solver     Optimizer
	learnables []gorgonia.ValueGrad
	frozen     [5]bool // learnables kept at their initial values (train_input, train_rec, train_output)
	ran        bool

	// the stream positions after the last completed iteration (for
	// ResumeState), and what a resumed run starts from
	lastNoise []byte
	lastCRC   uint32
	resumed   *ResumeState
}

// NewTrainer validates cfg, checks that the run fits in memory
// (CheckMemory) and builds everything Train needs. Errors name the bad
// field or the part that failed to build.
func NewTrainer(cfg Config, opt Options) (*Trainer, error) {
	cfg = cfg.Canonical()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := CheckMemory(cfg); err != nil {
		return nil, err
	}
	// Column i's task is seeded data.StreamSeed(cfg.Seed, data.TrainTask, i).
	newTask := func(_ int, s data.Seed) (data.Task, error) { return cfg.MakeTask(s) }
	var ds *data.Dataset
	var err error
	if len(cfg.LossWeights) > 0 || cfg.TrialAligned {
		ds, err = data.NewWeightedDataset(newTask, cfg.BatchSize, cfg.SeqLen, cfg.Seed, cfg.LossWeights.PeriodWeights(), cfg.TrialAligned)
	} else {
		ds, err = data.NewDataset(newTask, cfg.BatchSize, cfg.SeqLen, cfg.Seed)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	actKind, nOut := ds.ActSpace()
	mcfg := cfg.ModelConfig(ds.ObsDim(), nOut)
	solver, err := NewSolver(cfg.Optimizer, cfg.LearningRate)
	if err != nil {
		return nil, err
	}
	var saved *model.Weights
	if opt.Resume != nil {
		saved = opt.Resume.Weights
	}
	cons, err := cfg.ResumeConstraints(mcfg, saved) // reads the mask files (a resumed run: checks them against its saved masks)
	if err != nil {
		return nil, fmt.Errorf("invalid training configuration: %w", err)
	}
	w, err := model.InitConstrainedWeights(mcfg, cons, cfg.Seed, tensor.Float32) // InitWeights' values without constraints
	if err != nil {
		return nil, fmt.Errorf("initial weights: %w", err)
	}
	g, err := model.NewTrainGraph(mcfg, w, cfg.SeqLen, cfg.BatchSize, model.Loss(cfg.Loss), cfg.GraphKind())
	if err != nil {
		return nil, fmt.Errorf("build training graph: %w", err)
	}
	t := &Trainer{cfg: cfg, opt: opt, nOut: mcfg.NOutput, box: actKind == data.Box, ds: ds, w: w, g: g, solver: solver,
		noise:      model.StreamNoise(cfg.Seed, data.NetworkNoise, 0),
		learnables: g.Learnables(), // built once: the optimiser's state is positional
		frozen:     [5]bool{!cfg.TrainInput, !cfg.TrainRec, false, !cfg.TrainOutput, false}}
	if opt.Resume != nil {
		if opt.Resume.State == nil || opt.Resume.Weights == nil {
			g.Close()
			return nil, errors.New("resume: checkpoint without weights or state")
		}
		if err := t.restore(opt.Resume); err != nil {
			g.Close()
			return nil, fmt.Errorf("checkpoint after %d iterations: %w", opt.Resume.State.Iteration, err)
		}
	}
	return t, nil
}

// Close releases the training graph.
func (t *Trainer) Close() error { return t.g.Close() }

// Run runs the training loop as described at Train. A Trainer runs once; a
// second call is an error.
func (t *Trainer) Run(ctx context.Context) (*Result, error) {
	if t.ran {
		return nil, errors.New("train: Trainer.Run called twice")
	}
	t.ran = true
	cfg, g, learnables := t.cfg, t.g, t.learnables
	snap := newSnapshot(learnables)
	res := &Result{
		Config:   cfg,
		Weights:  t.w,
		Loss:     make([]float64, 0, cfg.NIteration),
		Accuracy: make([]float64, 0, cfg.NIteration),
	}
	if len(cfg.Regularization().Active()) > 0 {
		res.TermNames, _ = g.LossTerms()
	}
	first, before := 1, 0.0 // the first iteration to run, and the seconds trained before it
	if r := t.resumed; r != nil {
		first, before = r.Iteration+1, r.TrainSeconds
		res.Loss = append(res.Loss, r.Loss...)
		res.Accuracy = append(res.Accuracy, r.Accuracy...)
		res.Terms = append(res.Terms, r.Terms...)
		for i, v := range snap.vals {
			copy(v.([]float32), r.Previous[i])
		}
	}
	T, B, H := cfg.SeqLen, cfg.BatchSize, cfg.NNeurons
	prod := startProducer(t.ds, t.noise, cfg.NIteration-first+1, T*B*H)
	defer prod.stop()

	start := time.Now()
	lastCheckpoint := start
	seconds := func() float64 { return before + time.Since(start).Seconds() }
	diverged := false
	defer func() {
		res.TrainSeconds = seconds()
		res.State = nil
		if !diverged && res.Completed() > 0 {
			res.State = t.state(res, snap)
		}
	}()
	for k := first; k <= cfg.NIteration; k++ {
		if err := ctx.Err(); err != nil {
			res.Stopped = fmt.Sprintf("interrupted after %d of %d iterations", k-1, cfg.NIteration)
			return res, fmt.Errorf("training %s: %w", res.Stopped, err)
		}
		s := <-prod.ready
		if s.err != nil {
			return nil, fmt.Errorf("iteration %d: training data: %w", k, s.err)
		}
		loss, err := g.Run(s.batch.Inputs, model.Targets{Class: s.batch.Targets, Value: s.batch.TargetVec, Mask: s.batch.Mask}, s.noise)
		if err != nil {
			return nil, fmt.Errorf("iteration %d: %w", k, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			prod.free <- s
			if k > 1 {
				snap.restore(learnables)
			}
			diverged = true
			e := &NonFiniteLossError{Iteration: k, Loss: loss}
			res.Stopped = e.Error()
			return res, e
		}
		acc := math.NaN()
		if !t.box {
			acc = lastStepAccuracy(g.Outputs(), s.batch.Targets, s.batch.Steps, T, B, t.nOut)
		}
		t.lastNoise, s.noiseState = s.noiseState, t.lastNoise
		t.lastCRC = s.crc
		prod.free <- s
		snap.save(learnables) // the weights that just gave a finite loss
		freeze(learnables, t.frozen)
		if cfg.ClipGradNorm > 0 {
			ClipGradNorm(learnables, cfg.ClipGradNorm)
		}
		if err := t.solver.Step(learnables); err != nil {
			return nil, fmt.Errorf("iteration %d: optimiser step: %w", k, err)
		}
		res.Loss = append(res.Loss, loss)
		res.Accuracy = append(res.Accuracy, acc)
		if res.TermNames != nil {
			_, terms := g.LossTerms()
			res.Terms = append(res.Terms, terms)
		}
		if !allFinite(learnables) {
			snap.restore(learnables)
			diverged = true
			e := &NonFiniteWeightsError{Iteration: k}
			res.Stopped = e.Error()
			return res, e
		}
		if t.opt.Progress != nil {
			t.opt.Progress(Iteration{Index: k, N: cfg.NIteration, Loss: loss, Accuracy: acc})
		}
		if t.opt.Monitor != nil && t.opt.MonitorEvery > 0 && k%t.opt.MonitorEvery == 0 {
			stop, why, err := t.opt.Monitor(k, t.w)
			if err != nil {
				return res, fmt.Errorf("iteration %d: monitor: %w", k, err)
			}
			if stop {
				res.Stopped = why
				return res, nil
			}
		}
		if t.opt.Checkpoint != nil && k < cfg.NIteration && time.Since(lastCheckpoint) >= t.opt.CheckpointEvery {
			res.TrainSeconds = seconds()
			res.Stopped = fmt.Sprintf("checkpoint after %d of %d iterations: the run was still going (or was killed) when this was written", k, cfg.NIteration)
			res.State = t.state(res, snap)
			if err := t.opt.Checkpoint(res); err != nil {
				res.Stopped = fmt.Sprintf("checkpoint after %d of %d iterations failed", k, cfg.NIteration)
				return res, fmt.Errorf("iteration %d: checkpoint: %w", k, err)
			}
			res.Stopped = ""
			lastCheckpoint = time.Now()
		}
	}
	return res, nil
}

// lastStepAccuracy returns the tutorial's training accuracy in percent: the
// share of batch columns b whose output argmax at the last step T-1 (or,
// for trial-aligned batches, at the trial's last step steps[b]-1) equals
// the target there. outputs is (T,B,O), targets (T,B), both row-major,
// steps (B) or nil. Ties go to the lowest index, as numpy.argmax.
func lastStepAccuracy(outputs []float32, targets []int32, steps []int32, T, B, O int) float64 {
	correct := 0
	for b := range B {
		t := T - 1
		if steps != nil {
			t = int(steps[b]) - 1
		}
		row := outputs[(t*B+b)*O : (t*B+b+1)*O]
		if argmax32(row) == int(targets[t*B+b]) {
			correct++
		}
	}
	return 100 * float64(correct) / float64(B)
}

// argmax32 returns the index of the first largest element of x (NaN never wins).
func argmax32(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// allFinite reports whether every learnable value is finite (a few
// microseconds for the tutorial network).
func allFinite(ls []gorgonia.ValueGrad) bool {
	for _, l := range ls {
		switch d := l.Value().Data().(type) {
		case []float32:
			for _, v := range d {
				if v-v != 0 { // NaN or ±Inf
					return false
				}
			}
		case []float64:
			for _, v := range d {
				if v-v != 0 {
					return false
				}
			}
		}
	}
	return true
}

// snapshot keeps a copy of the learnables' values so that the weights of the
// last finite loss can be restored (about 4.5k float32 for the tutorial
// network: far below a microsecond per copy).
type snapshot struct{ vals []any }

func newSnapshot(ls []gorgonia.ValueGrad) *snapshot {
	s := &snapshot{vals: make([]any, len(ls))}
	for i, l := range ls {
		switch d := l.Value().Data().(type) {
		case []float32:
			s.vals[i] = make([]float32, len(d))
		case []float64:
			s.vals[i] = make([]float64, len(d))
		}
	}
	return s
}

func (s *snapshot) save(ls []gorgonia.ValueGrad) {
	for i, l := range ls {
		switch d := l.Value().Data().(type) {
		case []float32:
			copy(s.vals[i].([]float32), d)
		case []float64:
			copy(s.vals[i].([]float64), d)
		}
	}
}

func (s *snapshot) restore(ls []gorgonia.ValueGrad) {
	for i, l := range ls {
		switch d := l.Value().Data().(type) {
		case []float32:
			copy(d, s.vals[i].([]float32))
		case []float64:
			copy(d, s.vals[i].([]float64))
		}
	}
}

// slot is one buffer of the double-buffered producer.
type slot struct {
	batch      *data.Batch
	noise      []float32
	noiseState []byte // the noise stream's position after this block (model.Noise.AppendBinary)
	crc        uint32 // BatchCRC(batch)
	err        error  // from drawing the batch or recording the position
}

// producer generates batches and noise blocks ahead of the training loop,
// in order, on its own goroutine: the k-th value received from ready holds
// the k-th batch and the k-th noise block whatever the scheduling.
type producer struct {
	ready chan *slot // filled slots, in iteration order
	free  chan *slot // slots to refill; never blocks (capacity = number of slots)
	done  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

func startProducer(ds *data.Dataset, noise *model.Noise, n int, noiseLen int) *producer {
	p := &producer{ready: make(chan *slot, 2), free: make(chan *slot, 2), done: make(chan struct{})}
	p.free <- &slot{batch: &data.Batch{}, noise: make([]float32, noiseLen)}
	p.free <- &slot{batch: &data.Batch{}, noise: make([]float32, noiseLen)}
	p.wg.Go(func() {
		for range n {
			var s *slot
			select {
			case s = <-p.free:
			case <-p.done:
				return
			}
			s.err = ds.Next(s.batch)
			noise.Fill(s.noise)
			if s.err == nil {
				s.crc = BatchCRC(s.batch)
				s.noiseState, s.err = noise.AppendBinary(s.noiseState[:0])
			}
			select {
			case p.ready <- s:
			case <-p.done:
				return
			}
		}
	})
	return p
}

// stop ends the producer goroutine and waits for it. Safe to call twice.
func (p *producer) stop() {
	p.once.Do(func() { close(p.done) })
	p.wg.Wait()
}

// restore sets the trainer to continue from c (see Options.Resume).
func (t *Trainer) restore(c *Checkpoint) error {
	r := c.State
	k := r.Iteration
	if k < 1 || k != len(r.Loss) || k != len(r.Accuracy) {
		return fmt.Errorf("checkpoint of %d iterations with a log of %d", k, len(r.Loss))
	}
	if k > t.cfg.NIteration {
		return fmt.Errorf("n_iteration = %d is below the %d iterations already trained", t.cfg.NIteration, k)
	}
	names, shapes := paramNames(t.learnables)
	if !slices.Equal(names, r.Params) || len(r.Previous) != len(names) {
		return fmt.Errorf("checkpoint of parameters %q, the training graph has %q", r.Params, names)
	}
	for i := range shapes {
		if !slices.Equal(shapes[i], r.Shapes[i]) || len(r.Previous[i]) != tensor.Shape(shapes[i]).TotalSize() {
			return fmt.Errorf("parameter %s: checkpoint shape %v, training graph %v", names[i], r.Shapes[i], shapes[i])
		}
	}
	dst, src := t.w.Tensors(), c.Weights.Tensors()
	for i := range dst {
		if !dst[i].Shape().Eq(src[i].Shape()) || dst[i].Dtype() != src[i].Dtype() {
			return fmt.Errorf("weights %s: shape %v %v, want %v %v", model.StateDictNames[i], src[i].Shape(), src[i].Dtype(), dst[i].Shape(), dst[i].Dtype())
		}
		if err := tensor.Copy(dst[i], src[i]); err != nil {
			return fmt.Errorf("weights %s: %w", model.StateDictNames[i], err)
		}
	}
	var terms []string
	if len(t.cfg.Regularization().Active()) > 0 {
		terms, _ = t.g.LossTerms()
	}
	if !slices.Equal(terms, r.TermNames) {
		return fmt.Errorf("checkpoint with loss terms %q, the configuration's regularisers give %q", r.TermNames, terms)
	}
	if err := t.solver.SetState(r.Optimizer); err != nil {
		return err
	}
	if err := t.noise.UnmarshalBinary(r.Noise); err != nil {
		return err
	}
	if err := t.ds.Skip(int64(k - 1)); err != nil {
		return fmt.Errorf("replaying the data stream: %w", err)
	}
	var b data.Batch
	if err := t.ds.Next(&b); err != nil {
		return fmt.Errorf("replaying the data stream: %w", err)
	}
	if crc := BatchCRC(&b); crc != r.LastBatchCRC {
		return fmt.Errorf("the data stream does not repeat batch %d (CRC-32C %08x, the checkpoint recorded %08x): the task or its code changed since the checkpoint was written", k, crc, r.LastBatchCRC)
	}
	t.lastNoise, t.lastCRC, t.resumed = slices.Clone(r.Noise), r.LastBatchCRC, r
	return nil
}

// state returns the ResumeState after res.Completed() iterations; snap
// holds the weights before the last step.
func (t *Trainer) state(res *Result, snap *snapshot) *ResumeState {
	names, shapes := paramNames(t.learnables)
	prev := make([][]float32, len(snap.vals))
	for i, v := range snap.vals {
		f, ok := v.([]float32)
		if !ok {
			return nil // float64 training graphs are not checkpointed
		}
		prev[i] = slices.Clone(f)
	}
	k := res.Completed()
	return &ResumeState{
		Iteration:    k,
		Params:       names,
		Shapes:       shapes,
		Optimizer:    t.solver.State(),
		Previous:     prev,
		LastBatchCRC: t.lastCRC,
		Noise:        slices.Clone(t.lastNoise),
		Loss:         slices.Clip(res.Loss[:k]),
		Accuracy:     slices.Clip(res.Accuracy[:k]),
		TrainSeconds: res.TrainSeconds,
		TermNames:    res.TermNames,
		Terms:        slices.Clip(res.Terms[:min(k, len(res.Terms))]),
	}
}
