package model

import "math/rand/v2"

// Noise is a deterministic stream of float32 standard normal values for the
// network noise. The stream is math/rand/v2's PCG generator seeded with
// (seed, 0x6e6f697365) ("noise") and its ziggurat NormFloat64, rounded to
// float32; both algorithms are specified by the Go standard library, so a
// seed gives the same stream on every platform and Go release that keeps them.
// A Noise must not be used by several goroutines at once.
type Noise struct {
	pcg *rand.PCG
	rng *rand.Rand
}

// NewNoise returns the stream for seed (usually
// data.DeriveSeed(runSeed, "network-noise", 0)).
func NewNoise(seed uint32) *Noise {
	p := rand.NewPCG(uint64(seed), 0x6e6f697365)
	return &Noise{pcg: p, rng: rand.New(p)}
}

// Fill overwrites dst with the next len(dst) values of the stream.
func (n *Noise) Fill(dst []float32) {
	for i := range dst {
		dst[i] = float32(n.rng.NormFloat64())
	}
}
