package model

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
)

// chacha8 is the stream of uint64 values of math/rand/v2.ChaCha8 (the C2SP
// chacha8rand generator: ChaCha8 blocks with counters 0..15 per seed, the
// last four values of each such epoch reseeding the next). Where the
// processor has AVX-512 a whole epoch (16 blocks, 124 values) is computed
// at once in the vector lanes (chacha8EpochAVX512, kernels_amd64.s), about
// four times faster than math/rand/v2's 4-way SSE2 code, which runs
// elsewhere. Both give the same values (TestChaCha8MatchesMathRand) and
// the same MarshalBinary format.
type chacha8 struct {
	std   *rand.ChaCha8                           // the generator where epoch is nil
	epoch func(seed *[4]uint64, out *[128]uint64) // the AVX-512 epoch, or nil
	seed  [4]uint64
	buf   [128]uint64 // the current epoch; buf[124:] is the next seed
	pos   int         // next unused value of buf (epochValues: used up)
}

// epochValues is the number of values of one chacha8rand seed.
const epochValues = 124

func newChaCha8(seed [32]byte) *chacha8 {
	c := &chacha8{epoch: chachaKernel()}
	if c.epoch == nil {
		c.std = rand.NewChaCha8(seed)
		return c
	}
	for i := range c.seed {
		c.seed[i] = binary.LittleEndian.Uint64(seed[8*i:])
	}
	c.epoch(&c.seed, &c.buf)
	return c
}

// fill overwrites dst with the next len(dst) values.
func (c *chacha8) fill(dst []uint64) {
	if c.epoch == nil {
		for i := range dst {
			dst[i] = c.std.Uint64()
		}
		return
	}
	for len(dst) > 0 {
		if c.pos == epochValues {
			copy(c.seed[:], c.buf[epochValues:])
			c.epoch(&c.seed, &c.buf)
			c.pos = 0
		}
		n := copy(dst, c.buf[c.pos:epochValues])
		c.pos += n
		dst = dst[n:]
	}
}

// MarshalBinary returns math/rand/v2.ChaCha8's encoding of the position.
func (c *chacha8) MarshalBinary() ([]byte, error) { return c.AppendBinary(nil) }

// AppendBinary appends MarshalBinary's encoding to b.
func (c *chacha8) AppendBinary(b []byte) ([]byte, error) {
	if c.epoch == nil {
		return c.std.AppendBinary(b)
	}
	b = append(b, "chacha8:"...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.pos))
	for _, s := range c.seed {
		b = binary.LittleEndian.AppendUint64(b, s)
	}
	return b, nil
}

// UnmarshalBinary restores a position from math/rand/v2.ChaCha8's encoding.
func (c *chacha8) UnmarshalBinary(data []byte) error {
	c.epoch = chachaKernel()
	if c.epoch == nil {
		c.std = new(rand.ChaCha8)
		return c.std.UnmarshalBinary(data)
	}
	if len(data) != 48 || string(data[:8]) != "chacha8:" {
		return errors.New("invalid ChaCha8 encoding")
	}
	used := binary.BigEndian.Uint64(data[8:])
	if used > epochValues {
		return errors.New("invalid ChaCha8 encoding")
	}
	for i := range c.seed {
		c.seed[i] = binary.LittleEndian.Uint64(data[16+8*i:])
	}
	c.epoch(&c.seed, &c.buf)
	c.pos = int(used)
	return nil
}
