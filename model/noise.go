package model

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Noise is a deterministic stream of float32 standard normal values for the
// network noise.
//
// Source of randomness: ChaCha8 (math/rand/v2.ChaCha8, the C2SP chacha8rand
// generator, specified independently of Go's implementation) seeded with 32
// bytes made from the key: eight little-endian uint32 words, the number of
// key words, then the key words, then zeros. Keys of 1 to 7 words therefore
// map to distinct seeds (the seeding is injective), so distinct keys give
// distinct streams by construction.
//
// Normals: Marsaglia and Tsang's ziggurat ("The Ziggurat Method for
// Generating Random Variables", J. Stat. Softw. 5(8), 2000) with 256 layers
// (tail start r as in NumPy's ziggurat), in float32. Each value takes 32
// bits of the stream (the low and then the high half of each 64-bit
// output): bits 0-7 choose the layer, bit 8 the sign and bits 9-31 the
// 23-bit abscissa, so layer and abscissa are independent (unlike the
// paper's overlapping bits). About 98.7% of the values are accepted at once
// (one comparison and one product); the others take further 32-bit words
// from the same stream. The tables are computed in float64 with the paper's
// recurrence.
//
// A seed gives the same stream on every platform whose math.Exp and
// math.Log round the tables' values the same way (the tables are rounded
// to float32, so a one-ulp difference in float64 practically never shows).
// A Noise must not be used by several goroutines at once.
type Noise struct {
	src     *rand.ChaCha8
	half    uint32 // the unused high half of the last 64-bit output
	hasHalf bool
	zig     *ziggurat
}

// maxNoiseKey is the longest key NewNoiseKey accepts.
const maxNoiseKey = 7

// NewNoiseKey returns the stream for key, 1 to 7 words (for example the run
// seed's low and high words, a purpose id and an index). Error: an empty or
// longer key.
func NewNoiseKey(key []uint32) (*Noise, error) {
	if len(key) == 0 || len(key) > maxNoiseKey {
		return nil, fmt.Errorf("model: noise key has %d words, want 1 to %d", len(key), maxNoiseKey)
	}
	var seed [32]byte
	binary.LittleEndian.PutUint32(seed[0:], uint32(len(key)))
	for i, w := range key {
		binary.LittleEndian.PutUint32(seed[4+4*i:], w)
	}
	return &Noise{src: rand.NewChaCha8(seed), zig: newZiggurat()}, nil
}

// NewNoise returns the stream of the one-word key {seed} (usually
// data.DeriveSeed(runSeed, "network-noise", 0)).
func NewNoise(seed uint32) *Noise {
	n, err := NewNoiseKey([]uint32{seed})
	if err != nil {
		panic(err) // a one-word key is always valid
	}
	return n
}

// word returns the next 32 bits of the stream.
func (n *Noise) word() uint32 {
	if n.hasHalf {
		n.hasHalf = false
		return n.half
	}
	x := n.src.Uint64()
	n.half, n.hasHalf = uint32(x>>32), true
	return uint32(x)
}

// Fill overwrites dst with the next len(dst) values of the stream. The
// stream does not depend on how it is cut into Fill calls.
func (n *Noise) Fill(dst []float32) {
	z := n.zig
	for i := 0; i < len(dst); {
		if n.hasHalf || i+1 == len(dst) {
			dst[i] = n.normal(n.word())
			i++
			continue
		}
		// two values from one 64-bit output, fast path inline
		x := n.src.Uint64()
		lo, hi := uint32(x), uint32(x>>32)
		l, j := lo&zigMask, lo>>zigShift
		if j >= z.k[l] {
			// the slow path reads the following words, the high half first
			n.half, n.hasHalf = hi, true
			dst[i] = n.slow(lo)
			i++
			continue
		}
		v := float32(j) * z.w[l]
		if lo&zigSign != 0 {
			v = -v
		}
		dst[i] = v
		dst[i+1] = n.normal(hi)
		i += 2
	}
}

// normal returns the standard normal value that starts with the 32-bit word u.
func (n *Noise) normal(u uint32) float32 {
	z := n.zig
	l, j := u&zigMask, u>>zigShift
	if j < z.k[l] {
		v := float32(j) * z.w[l]
		if u&zigSign != 0 {
			v = -v
		}
		return v
	}
	return n.slow(u)
}

// slow finishes a value whose first word u fell outside the layer's
// rectangle: the tail beyond r (layer 0) or the wedge test, drawing more
// words until a value is accepted.
func (n *Noise) slow(u uint32) float32 {
	z := n.zig
	for {
		l, j := u&zigMask, u>>zigShift
		neg := u&zigSign != 0
		var x float64
		if l == 0 {
			if j < z.k[0] {
				x = float64(float32(j) * z.w[0])
			} else {
				// Marsaglia's tail: x = r + e1/r with 2 e2 > (e1/r)² for exponentials e1, e2
				for {
					e1 := -math.Log(n.uniform()) / zigR
					e2 := -math.Log(n.uniform())
					if e2+e2 > e1*e1 {
						x = zigR + e1
						break
					}
				}
			}
		} else {
			if j < z.k[l] {
				x = float64(float32(j) * z.w[l])
			} else {
				x = float64(float32(j) * z.w[l])
				y := z.f[l] + float64(n.word())*(1.0/(1<<32))*(z.f[l-1]-z.f[l])
				if y >= math.Exp(-0.5*x*x) {
					u = n.word()
					continue
				}
			}
		}
		if neg {
			x = -x
		}
		return float32(x)
	}
}

// uniform returns a uniform value in (0, 1) from the next 64 bits.
func (n *Noise) uniform() float64 {
	hi, lo := n.word(), n.word()
	return (float64(uint64(hi)<<21^uint64(lo)>>11) + 0.5) / (1 << 53)
}

// MarshalBinary returns the stream's position (the ChaCha8 state and any
// half-used output), so that a checkpoint can resume it exactly.
func (n *Noise) MarshalBinary() ([]byte, error) {
	b, err := n.src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	out := make([]byte, 5, 5+len(b))
	if n.hasHalf {
		out[0] = 1
		binary.LittleEndian.PutUint32(out[1:], n.half)
	}
	return append(out, b...), nil
}

// UnmarshalBinary restores a position written by MarshalBinary. Error: data
// not written by MarshalBinary.
func (n *Noise) UnmarshalBinary(data []byte) error {
	if len(data) < 5 || data[0] > 1 {
		return errors.New("model: noise state: not written by Noise.MarshalBinary")
	}
	src := new(rand.ChaCha8)
	if err := src.UnmarshalBinary(data[5:]); err != nil {
		return fmt.Errorf("model: noise state: %w", err)
	}
	n.src, n.hasHalf, n.half = src, data[0] == 1, binary.LittleEndian.Uint32(data[1:5])
	if n.zig == nil {
		n.zig = newZiggurat()
	}
	return nil
}

// The ziggurat's layout: zigLayers layers chosen by the low bits of a
// word, a sign bit, and the abscissa in the top zigBits bits.
const (
	zigLayers = 256
	zigMask   = zigLayers - 1
	zigSign   = zigLayers
	zigShift  = 9
	zigBits   = 32 - zigShift
	zigR      = 3.6541528853610088 // start of the tail (NumPy's ziggurat_nor_r)
)

// ziggurat holds the layer tables for zigBits-bit abscissas: layer l
// accepts j < k[l] at once with x = j·w[l]; f[l] = exp(-x_l²/2) at its
// edge x_l; layer 0 is the base strip with the tail beyond zigR.
type ziggurat struct {
	k [zigLayers]uint32
	w [zigLayers]float32
	f [zigLayers]float64
}

// newZiggurat computes the tables with the paper's recurrence (zigset):
// every layer has the area v of the base strip, v = r f(r) + ∫_r^∞ f for
// f(x) = exp(-x²/2), and x_{i} = f⁻¹(v/x_{i+1} + f(x_{i+1})).
func newZiggurat() *ziggurat {
	const m = 1 << zigBits
	const top = zigLayers - 1
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	v := zigR*f(zigR) + math.Sqrt(math.Pi/2)*math.Erfc(zigR/math.Sqrt2)
	z := new(ziggurat)
	dn, tn := zigR, zigR
	q := v / f(dn)
	z.k[0] = uint32(dn / q * m)
	z.k[1] = 0
	z.w[0] = float32(q / m)
	z.w[top] = float32(dn / m)
	z.f[0] = 1
	z.f[top] = f(dn)
	for i := top - 1; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(v/dn+f(dn)))
		z.k[i+1] = uint32(dn / tn * m)
		tn = dn
		z.f[i] = f(dn)
		z.w[i] = float32(dn / m)
	}
	return z
}
