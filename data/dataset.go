package data

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Batch is one training batch, time-major like the tutorial's PyTorch code.
type Batch struct {
	SeqLen, BatchSize, ObsDim int
	// Inputs is (SeqLen, BatchSize, ObsDim) row-major: index (t*BatchSize+b)*ObsDim+i.
	Inputs []float32
	// Targets is (SeqLen, BatchSize): index t*BatchSize+b, the correct action.
	Targets []int32
	// Mask is (SeqLen, BatchSize): 1 on real trial rows, 0 on padding. Only a
	// trial-aligned Dataset fills it; it is nil for the default stream mode,
	// where every row is real.
	Mask []float32
}

// NewBatch allocates a zeroed batch of the given shape (Mask nil). It panics
// if a size is not positive.
func NewBatch(batchSize, seqLen, obsDim int) *Batch {
	if batchSize <= 0 || seqLen <= 0 || obsDim <= 0 {
		panic(fmt.Sprintf("data: NewBatch(%d, %d, %d): sizes must be > 0", batchSize, seqLen, obsDim))
	}
	return &Batch{
		SeqLen: seqLen, BatchSize: batchSize, ObsDim: obsDim,
		Inputs:  make([]float32, seqLen*batchSize*obsDim),
		Targets: make([]int32, seqLen*batchSize),
	}
}

// Dataset is NeuroGym's ngym.Dataset batch generator (spec section 4) with
// one independent, deterministically seeded environment per batch column:
// column i's environment is NewPerceptualDecisionMaking(cfg,
// DeriveSeed(seed, "train-task", i)), so column i carries exactly that
// environment's trials back to back.
//
// Stream-and-cut semantics: a cache of C = (1 + floor(c0/L))*L rows per column
// with c0 = 1e5/(obs_dim+1)/B is filled with whole trials back to back (the
// last one cut at C); each Next serves the next window of L rows; when a
// window's end would be >= C the cache is refilled first and the window starts
// at row 0. Trials can therefore be split across calls. The cache is filled
// once by NewDataset.
//
// A Dataset is not safe for concurrent use.
type Dataset struct {
	envs     []Task
	b, l     int
	obsDim   int
	cacheLen int
	aligned  bool
	start    int       // next window start (stream mode)
	inputs   []float32 // (C, B, obsDim)
	targets  []int32   // (C, B)
	scratch  Trial     // trial buffer of the calling goroutine

	// A refill splits the columns among goroutines; columns are independent,
	// so the result does not depend on the split.
	jobs []func() // jobs[0] runs on the caller, the others in goroutines
	wg   sync.WaitGroup
}

// NewDataset returns the stream-and-cut batch generator for cfg with
// batchSize columns and windows of seqLen rows. Errors: invalid cfg, or
// batchSize/seqLen <= 0.
func NewDataset(cfg PDMConfig, batchSize, seqLen int, seed int64) (*Dataset, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return NewTaskDataset(pdmTask(cfg), batchSize, seqLen, seed)
}

// pdmTask returns the Task constructor of PerceptualDecisionMaking with cfg.
func pdmTask(cfg PDMConfig) func(int, uint32) (Task, error) {
	return func(_ int, seed uint32) (Task, error) {
		return NewPerceptualDecisionMaking(cfg, seed)
	}
}

// Task is what a Dataset needs from a task: the observation length and
// trials built into a reused buffer. PerceptualDecisionMaking is a Task; a
// new task implements FillTrial with the trial engine (Trial.Schedule,
// AddOb, SetGt, AddRandn), see the package example.
type Task interface {
	// ObsDim is the observation length.
	ObsDim() int
	// FillTrial builds the next trial into tr, reusing its memory.
	FillTrial(tr *Trial)
}

// NewTaskDataset is NewDataset for any Task: newTask(i, DeriveSeed(seed,
// "train-task", i)) creates the environment of column i. All columns must have
// the same ObsDim. Errors: batchSize or seqLen <= 0, errors of newTask.
func NewTaskDataset(newTask func(column int, seed uint32) (Task, error), batchSize, seqLen int, seed int64) (*Dataset, error) {
	d, err := newDataset(newTask, batchSize, seqLen, seed)
	if err != nil {
		return nil, err
	}
	c0 := 1e5 / float64(d.obsDim+1) / float64(batchSize)
	d.cacheLen = int((1 + pyFloorDiv(c0, float64(seqLen))) * float64(seqLen))
	d.inputs = make([]float32, d.cacheLen*batchSize*d.obsDim)
	d.targets = make([]int32, d.cacheLen*batchSize)
	d.setWorkers(1)
	d.fill()
	return d, nil
}

// NewTrialAlignedDataset returns a generator that is NOT NeuroGym's: every
// Next gives each column one whole new trial starting at row 0, padded with
// zero inputs and target 0 up to seqLen, and sets Batch.Mask to 1 on the
// trial's rows and 0 on padding. Column seeding is as in NewDataset. seqLen
// must be at least cfg.MaxSteps() (error otherwise).
func NewTrialAlignedDataset(cfg PDMConfig, batchSize, seqLen int, seed int64) (*Dataset, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := newDataset(pdmTask(cfg), batchSize, seqLen, seed)
	if err != nil {
		return nil, err
	}
	if m := cfg.MaxSteps(); m > seqLen {
		if m == math.MaxInt {
			return nil, fmt.Errorf("seq_len = %d: trial-aligned batches need bounded trials, but the timing is unbounded", seqLen)
		}
		return nil, fmt.Errorf("seq_len = %d: trial-aligned batches need seq_len >= the longest trial, %d steps", seqLen, m)
	}
	d.aligned = true
	return d, nil
}

func newDataset(newTask func(int, uint32) (Task, error), batchSize, seqLen int, seed int64) (*Dataset, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("batch_size = %d: must be > 0", batchSize)
	}
	if seqLen <= 0 {
		return nil, fmt.Errorf("seq_len = %d: must be > 0", seqLen)
	}
	d := &Dataset{b: batchSize, l: seqLen}
	d.envs = make([]Task, batchSize)
	for i := range d.envs {
		e, err := newTask(i, DeriveSeed(seed, "train-task", i))
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i, err)
		}
		if i == 0 {
			d.obsDim = e.ObsDim()
		} else if e.ObsDim() != d.obsDim {
			return nil, fmt.Errorf("column %d: obs dim %d differs from column 0's %d", i, e.ObsDim(), d.obsDim)
		}
		d.envs[i] = e
	}
	return d, nil
}

// CacheLen returns the cache length C in rows (0 for a trial-aligned Dataset).
func (d *Dataset) CacheLen() int { return d.cacheLen }

// BatchSize returns the number of columns B.
func (d *Dataset) BatchSize() int { return d.b }

// SeqLen returns the window length L.
func (d *Dataset) SeqLen() int { return d.l }

// ObsDim returns the observation length.
func (d *Dataset) ObsDim() int { return d.obsDim }

// SetWorkers makes later refills split the columns among n goroutines
// (n <= 0 means runtime.GOMAXPROCS(0); at most one per column). Columns are
// independent, so the batches do not depend on n. The default is 1: on a
// machine whose cores are busy training, extra goroutines mostly wait.
func (d *Dataset) SetWorkers(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	d.setWorkers(n)
}

// setWorkers prepares the refill jobs for n goroutines (at most one per column).
func (d *Dataset) setWorkers(n int) {
	n = max(1, min(n, d.b))
	d.jobs = d.jobs[:0]
	for w := 0; w < n; w++ {
		lo, hi := w*d.b/n, (w+1)*d.b/n
		if w == 0 {
			d.jobs = append(d.jobs, func() { d.fillColumns(lo, hi, &d.scratch) })
			continue
		}
		scratch := &Trial{}
		d.jobs = append(d.jobs, func() {
			defer d.wg.Done()
			d.fillColumns(lo, hi, scratch)
		})
	}
}

// fill refills the whole cache with whole trials back to back per column; the
// last trial of each column is cut at C.
func (d *Dataset) fill() {
	d.wg.Add(len(d.jobs) - 1)
	for _, job := range d.jobs[1:] {
		go job()
	}
	d.jobs[0]()
	d.wg.Wait()
	d.start = 0
}

// fillColumns refills columns [lo, hi) of the cache using tr as trial buffer.
func (d *Dataset) fillColumns(lo, hi int, tr *Trial) {
	B, O := d.b, d.obsDim
	for i := lo; i < hi; i++ {
		env := d.envs[i]
		row := 0
		for row < d.cacheLen {
			env.FillTrial(tr)
			if tr.T == 0 {
				panic("data: task produced a trial with no rows")
			}
			n := min(tr.T, d.cacheLen-row)
			for t := 0; t < n; t++ {
				dst := d.inputs[((row+t)*B+i)*O:][:O]
				for k, v := range tr.Ob[t*O : (t+1)*O] {
					dst[k] = v // rows are short: a loop beats memmove calls
				}
				d.targets[(row+t)*B+i] = int32(tr.Gt[t])
			}
			row += n
		}
	}
}

// Next fills dst with the next batch: Inputs (L, B, obs_dim), Targets (L, B),
// and in trial-aligned mode Mask (L, B). dst's shape fields are set and its
// slices are allocated only if nil or too short, so a reused dst makes Next
// allocation-free.
func (d *Dataset) Next(dst *Batch) {
	B, L, O := d.b, d.l, d.obsDim
	dst.SeqLen, dst.BatchSize, dst.ObsDim = L, B, O
	if cap(dst.Inputs) < L*B*O {
		dst.Inputs = make([]float32, L*B*O)
	}
	dst.Inputs = dst.Inputs[:L*B*O]
	if cap(dst.Targets) < L*B {
		dst.Targets = make([]int32, L*B)
	}
	dst.Targets = dst.Targets[:L*B]
	if d.aligned {
		d.nextAligned(dst)
		return
	}
	if d.start+L >= d.cacheLen {
		d.fill()
	}
	s := d.start
	copy(dst.Inputs, d.inputs[s*B*O:(s+L)*B*O])
	copy(dst.Targets, d.targets[s*B:(s+L)*B])
	d.start += L
}

func (d *Dataset) nextAligned(dst *Batch) {
	B, L, O := d.b, d.l, d.obsDim
	if cap(dst.Mask) < L*B {
		dst.Mask = make([]float32, L*B)
	}
	dst.Mask = dst.Mask[:L*B]
	clear(dst.Inputs)
	clear(dst.Targets)
	clear(dst.Mask)
	for i, env := range d.envs {
		tr := &d.scratch
		env.FillTrial(tr)
		n := min(tr.T, L)
		for t := 0; t < n; t++ {
			o := (t*B + i) * O
			copy(dst.Inputs[o:o+O], tr.Ob[t*O:(t+1)*O])
			dst.Targets[t*B+i] = int32(tr.Gt[t])
			dst.Mask[t*B+i] = 1
		}
	}
}
