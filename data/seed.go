package data

import "fmt"

// Seed says how a random stream is seeded, in NumPy's terms: either
// numpy.random.RandomState(s) for an integer s (MT19937 init_genrand), or
// numpy.random.RandomState(key) for an array of 32-bit words (init_by_array).
// The zero value is IntSeed(0).
//
// Integer seeds reproduce NeuroGym (env.seed(s)); every stream of a training
// run is seeded with a key (see StreamSeed) so that distinct streams never
// coincide.
type Seed struct {
	key   []uint32
	isKey bool
	int   uint32
}

// IntSeed is numpy.random.RandomState(s).
func IntSeed(s uint32) Seed { return Seed{int: s} }

// KeySeed is numpy.random.RandomState(np.array(words, dtype=np.uint32)).
// A key of one word is the integer seed of that word, as in NumPy (which
// squeezes a one-element array to a scalar); an empty key panics.
func KeySeed(words ...uint32) Seed {
	switch len(words) {
	case 0:
		panic("data: KeySeed needs at least one word")
	case 1:
		return IntSeed(words[0])
	}
	return Seed{key: append([]uint32(nil), words...), isKey: true}
}

// Key returns the key words of a key seed, and ok = false for an integer seed.
func (s Seed) Key() (words []uint32, ok bool) {
	if !s.isKey {
		return nil, false
	}
	return append([]uint32(nil), s.key...), true
}

// String returns "RandomState(s)" or "RandomState([w0, w1, ...])".
func (s Seed) String() string {
	if !s.isKey {
		return fmt.Sprintf("RandomState(%d)", s.int)
	}
	return fmt.Sprintf("RandomState(%d)", s.key)
}

// NewRandomState returns a new stream seeded with s.
func (s Seed) NewRandomState() *RandomState {
	r := &RandomState{}
	r.SeedWith(s)
	return r
}

// Purpose names what a random stream of a training run is for. Each purpose
// has its own fixed number, so streams of different purposes never share a
// key.
type Purpose uint32

// The purposes of the streams of a run. The numbers are part of the
// reproducibility contract: never renumber them.
const (
	TrainTask    Purpose = 1 // training trials; index = batch column
	Weights      Purpose = 2 // initial weights
	NetworkNoise Purpose = 3 // recurrent noise during training
	TestTask     Purpose = 4 // test trials (analysis)
	TestNoise    Purpose = 5 // recurrent noise during testing
	Connectivity Purpose = 6 // random connectivity masks
	FixedPoints  Purpose = 7 // initial states of the fixed-point search
)

// String returns the purpose's name, e.g. "train-task".
func (p Purpose) String() string {
	switch p {
	case TrainTask:
		return "train-task"
	case Weights:
		return "weights"
	case NetworkNoise:
		return "network-noise"
	case TestTask:
		return "test-task"
	case TestNoise:
		return "test-noise"
	case Connectivity:
		return "connectivity"
	case FixedPoints:
		return "fixed-points"
	}
	return fmt.Sprintf("Purpose(%d)", uint32(p))
}

// StreamKey returns the key of one random stream of a run: the run seed's
// low and high 32-bit words, the purpose and the index,
//
//	[uint32(runSeed), uint32(uint64(runSeed) >> 32), uint32(purpose), uint32(index)]
//
// so that one run seed fixes every stream, and two streams that differ in
// run seed, purpose or index have different keys by construction. It panics
// if index is negative or does not fit in 32 bits.
func StreamKey(runSeed int64, purpose Purpose, index int) [4]uint32 {
	if index < 0 || uint64(index) > 0xffffffff {
		panic(fmt.Sprintf("data: StreamKey index %d out of range [0, 2^32)", index))
	}
	u := uint64(runSeed)
	return [4]uint32{uint32(u), uint32(u >> 32), uint32(purpose), uint32(index)}
}

// StreamSeed is the Seed of one stream of a run: numpy.random.RandomState
// seeded with StreamKey(runSeed, purpose, index) (init_by_array). In NumPy:
//
//	np.random.RandomState(np.array([seed & 0xffffffff, (seed >> 32) & 0xffffffff, purpose, index], dtype=np.uint32))
func StreamSeed(runSeed int64, purpose Purpose, index int) Seed {
	k := StreamKey(runSeed, purpose, index)
	return KeySeed(k[:]...)
}
