package train

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strings"
	"unsafe"

	"gorgonia.org/gorgonia"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
)

// CheckpointVersion is the format version of checkpoint.npz written by
// ResumeState.WriteNPZ. A reader refuses other versions.
const CheckpointVersion = 1

// ResumeState is what a run needs, beside its configuration (config.json)
// and weights (model.npz), to continue exactly as if it had never stopped:
// the optimiser's state, the weights before the last step (which a
// diverging next iteration restores), the positions of the data and
// noise streams, and the log so far. Train records it in Result.State at
// every checkpoint and at the end; Options.Resume continues from it.
//
// Stream positions: the data stream (data.Dataset) is fast-forwarded by
// Iteration batches on resume (data.Dataset.Skip says why), and
// LastBatchCRC, the CRC-32C of the last batch consumed, checks that the
// replay reproduced it (a different task implementation would not). The
// network-noise stream (model.Noise) is restored from its serialised
// position, Noise, since replaying it would cost as much as drawing every
// block again.
type ResumeState struct {
	// Iteration is the number of completed iterations: batches consumed,
	// noise blocks drawn, optimiser steps taken.
	Iteration int
	// Params are the names of the trained parameters (PyTorch state_dict
	// names), in the order the optimiser keeps its state, and Shapes their
	// shapes.
	Params []string
	Shapes [][]int
	// Optimizer is the optimiser's state after Iteration steps (float32
	// buffers, one per parameter and buffer name).
	Optimizer OptimizerState
	// Previous holds each parameter's values before the last step: the
	// weights that gave the last logged loss.
	Previous [][]float32
	// LastBatchCRC is the CRC-32C (Castagnoli) of batch Iteration's bytes
	// (BatchCRC).
	LastBatchCRC uint32
	// Noise is the network-noise stream's position after Iteration blocks
	// (model.Noise.MarshalBinary).
	Noise []byte
	// Loss and Accuracy (percent; NaN for continuous actions) of every
	// completed iteration, as in Result.
	Loss, Accuracy []float64
	// TrainSeconds is the training-loop wall time so far.
	TrainSeconds float64
	// TermNames and Terms are the loss's parts when regularisers are on
	// (Result.TermNames, Result.Terms: Iteration rows), nil otherwise.
	TermNames []string
	Terms     [][]float64
}

// BatchCRC returns the CRC-32C of a batch's Inputs, Targets, TargetVec, Mask and
// Steps, in that order, as little-endian bytes (the fingerprint of a data
// stream position; a few microseconds for a tutorial batch).
func BatchCRC(b *data.Batch) uint32 {
	tab := crc32.MakeTable(crc32.Castagnoli)
	c := crc32.Update(0, tab, f32Bytes(b.Inputs))
	c = crc32.Update(c, tab, i32Bytes(b.Targets))
	c = crc32.Update(c, tab, f32Bytes(b.TargetVec))
	c = crc32.Update(c, tab, f32Bytes(b.Mask))
	return crc32.Update(c, tab, i32Bytes(b.Steps))
}

// f32Bytes and i32Bytes view a slice as its bytes (little-endian on the
// platforms the project supports: amd64, arm64).
func f32Bytes(s []float32) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*len(s))
}

func i32Bytes(s []int32) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*len(s))
}

// paramNames returns the names of the learnables (their node names, the
// PyTorch state_dict names) and their shapes.
func paramNames(ls []gorgonia.ValueGrad) ([]string, [][]int) {
	names := make([]string, len(ls))
	shapes := make([][]int, len(ls))
	for i, l := range ls {
		names[i] = fmt.Sprintf("param%d", i)
		if n, ok := l.(interface{ Name() string }); ok && n.Name() != "" {
			names[i] = n.Name()
		}
		shapes[i] = slices.Clone([]int(l.Value().Shape()))
	}
	return names, shapes
}

// The members of checkpoint.npz (see WriteNPZ).
const (
	ckVersion   = "checkpoint_version"
	ckIteration = "iteration"
	ckOptimizer = "optimizer"
	ckStep      = "optimizer.step"
	ckCRC       = "data.last_batch_crc32c"
	ckNoise     = "noise.state"
	ckLoss      = "loss"
	ckAccuracy  = "accuracy"
	ckSeconds   = "train_seconds"
	ckTermNames = "loss_term_names"
	ckTerms     = "loss_terms"
)

// bufferNames returns the state buffer names of the optimiser name
// (PyTorch's keys), or an error for an unknown optimiser.
func bufferNames(name string) ([]string, error) {
	switch name {
	case "Adam":
		return []string{"exp_avg", "exp_avg_sq"}, nil
	case "RMSprop":
		return []string{"square_avg"}, nil
	case "SGD":
		return nil, nil
	}
	return nil, fmt.Errorf("optimizer %q: allowed: %s", name, strings.Join(optimizerNames(), ", "))
}

// WriteNPZ writes s as checkpoint.npz, an .npz archive that numpy.load
// reads (version CheckpointVersion):
//
//	checkpoint_version       int64 ()       CheckpointVersion
//	iteration                int64 ()       completed iterations k
//	optimizer                uint8 (n,)     the optimiser's name in ASCII: bytes(z["optimizer"]).decode()
//	optimizer.step           int64 ()       PyTorch's state["step"] (k, or 0 before the first step)
//	optimizer.<buf>.<param>  float32 shape  PyTorch's state[i][<buf>] of parameter <param>: Adam exp_avg,
//	                                        exp_avg_sq; RMSprop square_avg; SGD none (absent before the first step)
//	previous.<param>         float32 shape  the parameter before the last step
//	data.last_batch_crc32c   uint32 ()      CRC-32C of batch k (BatchCRC)
//	noise.state              uint8 (n,)     the network-noise stream position (model.Noise.MarshalBinary)
//	loss, accuracy           float64 (k,)   per iteration, as train_log.csv
//	train_seconds            float64 ()     training-loop wall time so far
//	loss_term_names          uint8 (n,)     with regularisers only: the loss's parts, comma-separated
//	                                        (bytes(z["loss_term_names"]).decode().split(","))
//	loss_terms               float64 (k, m) with regularisers only: each part per iteration, as train_log.csv
//
// <param> is a PyTorch state_dict name such as rec2rec.weight.
func (s *ResumeState) WriteNPZ(w io.Writer) error {
	z := fileio.NewNPZWriter(w)
	add := func(name string, v any, shape ...int) error {
		if err := z.Add(name, v, shape...); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		return nil
	}
	k := len(s.Loss)
	if err := errors.Join(
		add(ckVersion, []int64{CheckpointVersion}),
		add(ckIteration, []int64{int64(s.Iteration)}),
		add(ckOptimizer, []byte(s.Optimizer.Optimizer), len(s.Optimizer.Optimizer)),
		add(ckStep, []int64{s.Optimizer.Step}),
	); err != nil {
		return err
	}
	for _, b := range s.Optimizer.Buffers {
		if b.F32 == nil {
			return fmt.Errorf("checkpoint: optimiser buffer %q of parameter %d is not float32", b.Name, b.Param)
		}
		if err := add(ckOptimizer+"."+b.Name+"."+s.Params[b.Param], b.F32, s.Shapes[b.Param]...); err != nil {
			return err
		}
	}
	for i, p := range s.Previous {
		if err := add("previous."+s.Params[i], p, s.Shapes[i]...); err != nil {
			return err
		}
	}
	if err := errors.Join(
		add(ckCRC, []uint32{s.LastBatchCRC}),
		add(ckNoise, s.Noise, len(s.Noise)),
		add(ckLoss, s.Loss, k),
		add(ckAccuracy, s.Accuracy, k),
		add(ckSeconds, []float64{s.TrainSeconds}),
	); err != nil {
		return err
	}
	if len(s.TermNames) > 0 {
		m := len(s.TermNames)
		if len(s.Terms) != k {
			return fmt.Errorf("checkpoint: %d rows of loss terms for %d iterations", len(s.Terms), k)
		}
		flat := make([]float64, 0, k*m)
		for i, row := range s.Terms {
			if len(row) != m {
				return fmt.Errorf("checkpoint: iteration %d has %d loss terms, want %d", i+1, len(row), m)
			}
			flat = append(flat, row...)
		}
		names := strings.Join(s.TermNames, ",")
		if err := errors.Join(add(ckTermNames, []byte(names), len(names)), add(ckTerms, flat, k, m)); err != nil {
			return err
		}
	}
	return z.Close()
}

// ReadResumeState reads a checkpoint.npz of size bytes written by
// ResumeState.WriteNPZ. The parameters are the previous.<param> members,
// in archive order (the optimiser's order); Options.Resume checks them
// against the training graph. Every member is checked: version, dtypes,
// shapes, the iteration against the log length and the optimiser's step,
// finiteness, no member left over. Errors name the member and what is
// wrong; a corrupt file gives an error, never a panic.
func ReadResumeState(r io.ReaderAt, size int64) (*ResumeState, error) {
	z, err := fileio.NewNPZReader(r, size)
	if err != nil {
		return nil, err
	}
	var params []string
	var shapes [][]int
	for _, n := range z.Names() {
		if p, ok := strings.CutPrefix(n, "previous."); ok {
			h, err := z.Header(n)
			if err != nil {
				return nil, err
			}
			params, shapes = append(params, p), append(shapes, h.Shape)
		}
	}
	if len(params) == 0 {
		return nil, errors.New("no previous.<param> arrays: not a checkpoint written by this program")
	}
	read := func(name string, want fileio.Dtype, shape ...int) (any, error) {
		if !z.Has(name) {
			return nil, fmt.Errorf("array %q is missing", name)
		}
		a, err := z.Read(name)
		if err != nil {
			return nil, err
		}
		if a.Dtype != want {
			return nil, fmt.Errorf("array %q has dtype %s, want %s", name, a.Dtype, want)
		}
		if shape != nil && !slices.Equal(a.Shape, shape) {
			return nil, fmt.Errorf("array %q has shape %s, want %s", name, fileio.ShapeString(a.Shape), fileio.ShapeString(shape))
		}
		return a.Data, nil
	}
	scalar := []int{}
	v, err := read(ckVersion, fileio.Int64, scalar...)
	if err != nil {
		return nil, err
	}
	if ver := v.([]int64)[0]; ver != CheckpointVersion {
		return nil, fmt.Errorf("checkpoint version %d: this program reads version %d", ver, CheckpointVersion)
	}
	s := &ResumeState{Params: params, Shapes: shapes}
	v, err = read(ckIteration, fileio.Int64, scalar...)
	if err != nil {
		return nil, err
	}
	it := v.([]int64)[0]
	if it < 1 || it > math.MaxInt32 {
		return nil, fmt.Errorf("array %q = %d: want a positive iteration count", ckIteration, it)
	}
	s.Iteration = int(it)
	if v, err = read(ckOptimizer, fileio.Uint8); err != nil {
		return nil, err
	}
	s.Optimizer.Optimizer = string(v.([]uint8))
	bufs, err := bufferNames(s.Optimizer.Optimizer)
	if err != nil {
		return nil, fmt.Errorf("array %q: %w", ckOptimizer, err)
	}
	if v, err = read(ckStep, fileio.Int64, scalar...); err != nil {
		return nil, err
	}
	s.Optimizer.Step = v.([]int64)[0]
	if s.Optimizer.Step != it {
		return nil, fmt.Errorf("array %q = %d, but %q = %d: the optimiser takes one step per iteration", ckStep, s.Optimizer.Step, ckIteration, it)
	}
	for i, p := range params {
		for _, b := range bufs {
			v, err := read(ckOptimizer+"."+b+"."+p, fileio.Float32, shapes[i]...)
			if err != nil {
				return nil, err
			}
			s.Optimizer.Buffers = append(s.Optimizer.Buffers, StateBuffer{Param: i, Name: b, F32: v.([]float32)})
		}
		v, err := read("previous."+p, fileio.Float32, shapes[i]...)
		if err != nil {
			return nil, err
		}
		for j, x := range v.([]float32) {
			if x-x != 0 {
				return nil, fmt.Errorf("array %q holds the non-finite value %v at flat index %d", "previous."+p, x, j)
			}
		}
		s.Previous = append(s.Previous, v.([]float32))
	}
	if v, err = read(ckCRC, fileio.Uint32, scalar...); err != nil {
		return nil, err
	}
	s.LastBatchCRC = v.([]uint32)[0]
	if v, err = read(ckNoise, fileio.Uint8); err != nil {
		return nil, err
	}
	s.Noise = v.([]uint8)
	if v, err = read(ckLoss, fileio.Float64, int(it)); err != nil {
		return nil, err
	}
	s.Loss = v.([]float64)
	for j, x := range s.Loss {
		if x-x != 0 {
			return nil, fmt.Errorf("array %q holds the non-finite loss %v at iteration %d", ckLoss, x, j+1)
		}
	}
	if v, err = read(ckAccuracy, fileio.Float64, int(it)); err != nil {
		return nil, err
	}
	s.Accuracy = v.([]float64)
	if v, err = read(ckSeconds, fileio.Float64, scalar...); err != nil {
		return nil, err
	}
	s.TrainSeconds = v.([]float64)[0]
	if !(s.TrainSeconds >= 0) || math.IsInf(s.TrainSeconds, 0) {
		return nil, fmt.Errorf("array %q = %v: want a finite number >= 0", ckSeconds, s.TrainSeconds)
	}
	if z.Has(ckTermNames) || z.Has(ckTerms) {
		if v, err = read(ckTermNames, fileio.Uint8); err != nil {
			return nil, err
		}
		s.TermNames = strings.Split(string(v.([]uint8)), ",")
		if slices.Contains(s.TermNames, "") {
			return nil, fmt.Errorf("array %q = %q: want comma-separated names", ckTermNames, string(v.([]uint8)))
		}
		m := len(s.TermNames)
		if v, err = read(ckTerms, fileio.Float64, int(it), m); err != nil {
			return nil, err
		}
		flat := v.([]float64)
		for j := range int(it) {
			s.Terms = append(s.Terms, flat[j*m:(j+1)*m:(j+1)*m])
		}
	}
	known := map[string]bool{ckTermNames: true, ckTerms: true}
	for _, n := range []string{ckVersion, ckIteration, ckOptimizer, ckStep, ckCRC, ckNoise, ckLoss, ckAccuracy, ckSeconds} {
		known[n] = true
	}
	for _, p := range params {
		known["previous."+p] = true
		for _, b := range bufs {
			known[ckOptimizer+"."+b+"."+p] = true
		}
	}
	for _, n := range z.Names() {
		if !known[n] {
			return nil, fmt.Errorf("unexpected array %q (for parameters %q and optimizer %s)", n, params, s.Optimizer.Optimizer)
		}
	}
	return s, nil
}
