package data

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Batch is one training batch, time-major like the tutorial's PyTorch code.
type Batch struct {
	SeqLen, BatchSize, ObsDim int
	// ActKind and ActDim describe the action space: Discrete(ActDim) or
	// Box(ActDim).
	ActKind SpaceKind
	ActDim  int
	// Inputs is (SeqLen, BatchSize, ObsDim) row-major: index (t*BatchSize+b)*ObsDim+i.
	Inputs []float32
	// Targets is (SeqLen, BatchSize) for a Discrete action space: index
	// t*BatchSize+b, the correct action. Empty for a Box.
	Targets []int32
	// TargetVec is (SeqLen, BatchSize, ActDim) for a Box action space: the
	// desired output vector. Empty for a Discrete.
	TargetVec []float32
	// Mask is (SeqLen, BatchSize): the loss weight of each step. It is nil
	// unless period weights are set (Dataset.SetPeriodWeights) or the batches
	// are trial-aligned (0 on padding).
	Mask []float32
	// Steps is (BatchSize): the length of each column's trial when the
	// batches are trial-aligned (its last step is row Steps[b]-1); nil for
	// stream batches.
	Steps []int32
}

// NewBatch allocates a zeroed batch for a Discrete action space (Mask nil).
// It panics if a size is not positive.
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

// Dataset is NeuroGym's ngym.Dataset batch generator
// (neurogym/utils/data.py) with one independent, deterministically seeded
// task per batch column: column i's task is newTask(i,
// StreamSeed(seed, TrainTask, i)), so column i carries exactly that task's
// trials back to back. NeuroGym's columns were deep copies of one
// environment (identical trials) or seeded from OS entropy.
//
// Stream-and-cut semantics: a cache of C = (1 + floor(c0/L))*L rows per
// column, c0 = 1e5/(obs_dim + act_size)/B (act_size = 1 for a Discrete
// action space, the vector length for a Box), is filled with whole trials
// back to back (the last one cut at C); each Next serves the next window of
// L rows; when a window's end would be >= C the cache is refilled first and
// the window starts at row 0. Trials can therefore be split across calls.
//
// A Dataset is not safe for concurrent use.
type Dataset struct {
	tasks    []Task
	b, l     int
	obsDim   int
	actKind  SpaceKind
	actDim   int
	cacheLen int
	aligned  bool
	start    int       // next window start (stream mode)
	inputs   []float32 // (C, B, obsDim)
	targets  []int32   // (C, B), Discrete
	tvec     []float32 // (C, B, actDim), Box
	weights  []float32 // (C, B) when period weights are set
	pw       *periodWeights

	// A refill splits the columns among goroutines; columns are independent,
	// so the result does not depend on the split.
	jobs []func() error
	errs []error
	wg   sync.WaitGroup
}

// periodWeights are per-period loss weights (see SetPeriodWeights).
type periodWeights struct {
	def float32
	w   map[string]float32
}

// NewDataset returns the stream-and-cut batch generator with batchSize
// columns and windows of seqLen rows; newTask(i, seed) creates column i's
// task with its seed. Every column must have the same spaces. The cache is
// filled before NewDataset returns. Errors: batchSize or seqLen <= 0, errors
// of newTask or of drawing trials, columns that differ.
func NewDataset(newTask func(column int, seed Seed) (Task, error), batchSize, seqLen int, seed int64) (*Dataset, error) {
	return newStreamDataset(newTask, batchSize, seqLen, seed, nil)
}

// newStreamDataset is NewDataset with period weights pw (nil: none) set
// before the first fill.
func newStreamDataset(newTask func(column int, seed Seed) (Task, error), batchSize, seqLen int, seed int64, pw *periodWeights) (*Dataset, error) {
	d, err := newDataset(newTask, batchSize, seqLen, seed)
	if err != nil {
		return nil, err
	}
	d.pw = pw
	act := 1
	if d.actKind == Box {
		act = d.actDim
	}
	c0 := 1e5 / float64(d.obsDim+act) / float64(batchSize)
	d.cacheLen = int((1 + pyFloorDiv(c0, float64(seqLen))) * float64(seqLen))
	d.inputs = make([]float32, d.cacheLen*batchSize*d.obsDim)
	if d.actKind == Box {
		d.tvec = make([]float32, d.cacheLen*batchSize*d.actDim)
	} else {
		d.targets = make([]int32, d.cacheLen*batchSize)
	}
	if pw != nil {
		d.weights = make([]float32, d.cacheLen*batchSize)
	}
	d.setWorkers(1)
	if err := d.fill(); err != nil {
		return nil, err
	}
	return d, nil
}

// NewTrialAlignedDataset returns a generator that is NOT NeuroGym's: every
// Next gives each column one whole new trial starting at row 0, padded with
// zero inputs and targets up to seqLen, and sets Batch.Mask to the step
// weight (1, or the period weight) on the trial's rows and 0 on padding.
// Column seeding is as in NewDataset. Next returns an error for a trial
// longer than seqLen.
func NewTrialAlignedDataset(newTask func(column int, seed Seed) (Task, error), batchSize, seqLen int, seed int64) (*Dataset, error) {
	d, err := newDataset(newTask, batchSize, seqLen, seed)
	if err != nil {
		return nil, err
	}
	d.aligned = true
	return d, nil
}

func newDataset(newTask func(int, Seed) (Task, error), batchSize, seqLen int, seed int64) (*Dataset, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("batch_size = %d: must be > 0", batchSize)
	}
	if seqLen <= 0 {
		return nil, fmt.Errorf("seq_len = %d: must be > 0", seqLen)
	}
	d := &Dataset{b: batchSize, l: seqLen}
	d.tasks = make([]Task, batchSize)
	for i := range d.tasks {
		e, err := newTask(i, StreamSeed(seed, TrainTask, i))
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i, err)
		}
		if i == 0 {
			d.obsDim = e.ObSpace().Dim
			d.actKind, d.actDim = e.ActSpace().Kind, e.ActSpace().Dim
		} else if e.ObSpace().Dim != d.obsDim || e.ActSpace().Kind != d.actKind || e.ActSpace().Dim != d.actDim {
			return nil, fmt.Errorf("column %d: spaces differ from column 0's", i)
		}
		d.tasks[i] = e
	}
	return d, nil
}

// SetPeriodWeights makes every batch carry a Mask of per-step loss weights:
// a row of a trial gets w[p] for the last period p of weights that contains
// it (periods may overlap), or def if none does. Weights must be finite and
// >= 0. In stream mode the cache is refilled so that the weights apply from
// the next batch on.
func (d *Dataset) SetPeriodWeights(def float64, weights map[string]float64) error {
	pw, err := PeriodWeights{Default: def, Weights: weights}.compile()
	if err != nil {
		return err
	}
	d.pw = pw
	if d.aligned {
		return nil
	}
	d.weights = make([]float32, d.cacheLen*d.b)
	return d.fill()
}

// CacheLen returns the cache length C in rows (0 for a trial-aligned Dataset).
func (d *Dataset) CacheLen() int { return d.cacheLen }

// BatchSize returns the number of columns B.
func (d *Dataset) BatchSize() int { return d.b }

// SeqLen returns the window length L.
func (d *Dataset) SeqLen() int { return d.l }

// ObsDim returns the observation length.
func (d *Dataset) ObsDim() int { return d.obsDim }

// ActSpace returns the action space's kind and size.
func (d *Dataset) ActSpace() (SpaceKind, int) { return d.actKind, d.actDim }

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
	d.errs = make([]error, n)
	for w := 0; w < n; w++ {
		lo, hi := w*d.b/n, (w+1)*d.b/n
		d.jobs = append(d.jobs, func() error { return d.fillColumns(lo, hi) })
	}
}

// fill refills the whole cache with whole trials back to back per column; the
// last trial of each column is cut at C.
func (d *Dataset) fill() error {
	d.wg.Add(len(d.jobs) - 1)
	for w, job := range d.jobs[1:] {
		go func() {
			defer d.wg.Done()
			d.errs[w+1] = job()
		}()
	}
	d.errs[0] = d.jobs[0]()
	d.wg.Wait()
	d.start = 0
	return errors.Join(d.errs...)
}

// weight returns the loss weight of row t of tr.
func (pw *periodWeights) weight(tr *Trial, t int) float32 {
	w := pw.def
	for _, p := range tr.Periods {
		if v, ok := pw.w[p.Name]; ok && p.StartIdx <= t && t < p.EndIdx {
			w = v
		}
	}
	return w
}

// fillColumns refills columns [lo, hi) of the cache.
func (d *Dataset) fillColumns(lo, hi int) error {
	B, O, A := d.b, d.obsDim, d.actDim
	for i := lo; i < hi; i++ {
		task := d.tasks[i]
		row := 0
		for row < d.cacheLen {
			tr, err := task.NewTrial(nil)
			if err != nil {
				return fmt.Errorf("column %d: %w", i, err)
			}
			n := min(tr.T, d.cacheLen-row)
			// rows t of the trial go to rows row+t of column i, B*O apart
			src, dst := tr.Ob[:n*O], d.inputs[(row*B+i)*O:]
			for t := 0; t < n; t++ {
				s := src[t*O : t*O+O]
				dt := dst[t*B*O:][:len(s)]
				for k, v := range s {
					dt[k] = v // rows are short: a loop beats memmove calls
				}
			}
			if d.actKind == Box {
				for t := 0; t < n; t++ {
					copy(d.tvec[((row+t)*B+i)*A:][:A], tr.GtVec[t*A:(t+1)*A])
				}
			} else {
				tg := d.targets[row*B+i:]
				for t, g := range tr.Gt[:n] {
					tg[t*B] = int32(g)
				}
			}
			if d.weights != nil {
				for t := 0; t < n; t++ {
					d.weights[(row+t)*B+i] = d.pw.weight(tr, t)
				}
			}
			row += n
		}
	}
	return nil
}

// shape sets dst's shape fields and sizes its slices for one batch,
// allocating only if they are too short.
func (d *Dataset) shape(dst *Batch) {
	B, L, O, A := d.b, d.l, d.obsDim, d.actDim
	dst.SeqLen, dst.BatchSize, dst.ObsDim = L, B, O
	dst.ActKind, dst.ActDim = d.actKind, A
	dst.Inputs = grow(dst.Inputs, L*B*O)
	if d.actKind == Box {
		dst.Targets = dst.Targets[:0]
		dst.TargetVec = grow(dst.TargetVec, L*B*A)
	} else {
		dst.TargetVec = dst.TargetVec[:0]
		dst.Targets = grow(dst.Targets, L*B)
	}
	if d.aligned || d.pw != nil {
		dst.Mask = grow(dst.Mask, L*B)
	} else {
		dst.Mask = nil
	}
	if d.aligned {
		dst.Steps = grow(dst.Steps, B)
	} else {
		dst.Steps = nil
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Next fills dst with the next batch: Inputs (L, B, obs_dim), Targets (L, B)
// or TargetVec (L, B, act_dim), and Mask (L, B) when period weights are set
// or the batches are trial-aligned. dst's shape fields are set and its
// slices are allocated only if nil or too short, so a reused dst makes Next
// allocation-free. Errors come from drawing trials (and, when trial-aligned,
// from a trial longer than seq_len).
func (d *Dataset) Next(dst *Batch) error {
	d.shape(dst)
	if d.aligned {
		return d.nextAligned(dst)
	}
	B, L, O, A := d.b, d.l, d.obsDim, d.actDim
	if d.start+L >= d.cacheLen {
		if err := d.fill(); err != nil {
			return err
		}
	}
	s := d.start
	copy(dst.Inputs, d.inputs[s*B*O:(s+L)*B*O])
	if d.actKind == Box {
		copy(dst.TargetVec, d.tvec[s*B*A:(s+L)*B*A])
	} else {
		copy(dst.Targets, d.targets[s*B:(s+L)*B])
	}
	if d.weights != nil {
		copy(dst.Mask, d.weights[s*B:(s+L)*B])
	}
	d.start += L
	return nil
}

func (d *Dataset) nextAligned(dst *Batch) error {
	B, L, O, A := d.b, d.l, d.obsDim, d.actDim
	clear(dst.Inputs)
	clear(dst.Targets)
	clear(dst.TargetVec)
	clear(dst.Mask)
	for i, task := range d.tasks {
		tr, err := task.NewTrial(nil)
		if err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
		if tr.T > L {
			return fmt.Errorf("seq_len = %d: trial-aligned batches need seq_len >= every trial's length, but %s drew a trial of %d steps", L, task.ID(), tr.T)
		}
		dst.Steps[i] = int32(tr.T)
		for t := 0; t < tr.T; t++ {
			o := (t*B + i) * O
			copy(dst.Inputs[o:o+O], tr.Ob[t*O:(t+1)*O])
			if d.actKind == Box {
				copy(dst.TargetVec[(t*B+i)*A:(t*B+i+1)*A], tr.GtVec[t*A:(t+1)*A])
			} else {
				dst.Targets[t*B+i] = int32(tr.Gt[t])
			}
			w := float32(1)
			if d.pw != nil {
				w = d.pw.weight(tr, t)
			}
			dst.Mask[t*B+i] = w
		}
	}
	return nil
}

// Skip advances d by n batches, exactly as n calls of Next would (the same
// trials are drawn, in the same order, by the same refills), without
// copying any batch out. A checkpoint records how many batches a run has
// consumed and a resumed run calls Skip with that number.
//
// Why fast-forward rather than serialise: a column's position is its
// task's whole state (NumPy RandomState per task, a Schedule's picks and
// every scheduled environment, any state a task keeps between trials)
// plus the cached rows not yet served; replaying the draws reproduces all
// of it for every Task by construction, including schedules such as
// yang19.multitask-v0, and costs what generating the batches cost the
// first time (about 0.07 ms per tutorial batch, 3% of a training
// iteration; the refills are split over runtime.GOMAXPROCS goroutines
// while skipping). Errors are those of drawing trials (and, for
// trial-aligned batches, of a trial longer than seq_len); n < 0 is an
// error.
func (d *Dataset) Skip(n int64) error {
	if n < 0 {
		return fmt.Errorf("data: Skip(%d): want n >= 0", n)
	}
	if d.aligned {
		for range n {
			for i, task := range d.tasks {
				tr, err := task.NewTrial(nil)
				if err != nil {
					return fmt.Errorf("column %d: %w", i, err)
				}
				if tr.T > d.l {
					return fmt.Errorf("seq_len = %d: trial-aligned batches need seq_len >= every trial's length, but %s drew a trial of %d steps", d.l, task.ID(), tr.T)
				}
			}
		}
		return nil
	}
	workers := len(d.jobs)
	defer d.setWorkers(workers)
	d.setWorkers(runtime.GOMAXPROCS(0))
	for range n {
		if d.start+d.l >= d.cacheLen {
			if err := d.fill(); err != nil {
				return err
			}
		}
		d.start += d.l
	}
	return nil
}
