package model

import (
	"github.com/taskrnn/taskrnn/data"

	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	mathbits "math/bits"
	"math/rand/v2"
	"unsafe"
)

// Noise is a deterministic stream of float32 standard normal values for the
// network noise.
//
// Randomness: two ChaCha8 streams (math/rand/v2.ChaCha8, the C2SP
// chacha8rand generator, specified independently of Go's implementation),
// each seeded with 32 bytes made from the key: eight little-endian uint32
// words, a header word, then the key words, then zeros. The header is the
// number of key words for the main stream and that number plus 2³¹ for the
// auxiliary one, so keys of 1 to 7 words map to distinct seeds (the seeding
// is injective) and distinct keys give distinct streams by construction.
//
// Normals: Marsaglia and Tsang's ziggurat ("The Ziggurat Method for
// Generating Random Variables", J. Stat. Softw. 5(8), 2000) with 256 layers
// (tail start r as in NumPy's ziggurat), in float32. Value i starts from
// word i of the main stream (the low, then the high half of each 64-bit
// output): bits 0-7 choose the layer, bit 8 the sign and bits 9-31 the
// 23-bit abscissa, so layer and abscissa are independent (unlike the
// paper's overlapping bits). About 98.5% of the values are accepted at once
// (one comparison and one product); the others continue with words of the
// auxiliary stream (wedge tests, the tail), in the order of the values. So
// value i depends only on word i and on the rejections before it, which
// keeps the stream independent of how Fill calls cut it and lets the fast
// path run on whole blocks of words. The tables are computed in float64
// with the paper's recurrence; the wedge test uses expf32 (fast32.go), the
// tail math.Log.
//
// A key gives the same stream on every platform whose math.Exp and
// math.Log round the tables' values the same way (the tables are rounded
// to float32, so a one-ulp difference in float64 practically never shows)
// and whose math.Log agrees in the tail (1 value in about 3000).
// A Noise must not be used by several goroutines at once.
type Noise struct {
	main  *chacha8
	aux   *rand.ChaCha8
	raw   [noiseBlock / 2]uint64 // values of the main stream
	split [noiseBlock]uint32     // their halves, on big-endian machines
	words []uint32               // the halves, low first; words[pos:] are unused
	pos   int
	zig   *ziggurat

	// the vectorised fast path (kernels_amd64.go), if any, and its
	// rejection bitmap
	fast *zigKernel
	rej  [noiseBlock / 8]uint8
}

// noiseBlock is the number of main-stream words drawn at a time.
const noiseBlock = 2048

// maxNoiseKey is the longest key NewNoiseKey accepts.
const maxNoiseKey = 7

// NewNoiseKey returns the stream for key, 1 to 7 words (for example the run
// seed's low and high words, a purpose id and an index). Error: an empty or
// longer key.
func NewNoiseKey(key []uint32) (*Noise, error) {
	if len(key) == 0 || len(key) > maxNoiseKey {
		return nil, fmt.Errorf("model: noise key has %d words, want 1 to %d", len(key), maxNoiseKey)
	}
	seed := func(header uint32) [32]byte {
		var s [32]byte
		binary.LittleEndian.PutUint32(s[0:], header)
		for i, w := range key {
			binary.LittleEndian.PutUint32(s[4+4*i:], w)
		}
		return s
	}
	n := uint32(len(key))
	nz := &Noise{
		main: newChaCha8(seed(n)),
		aux:  rand.NewChaCha8(seed(n | 1<<31)),
		pos:  noiseBlock,
		zig:  newZiggurat(),
	}
	nz.fast = bestZigKernel()
	return nz, nil
}

// NewNoise returns the stream of the one-word key {seed}, for standalone
// use (examples, tests). Runs use StreamNoise.
func NewNoise(seed uint32) *Noise {
	n, err := NewNoiseKey([]uint32{seed})
	if err != nil {
		panic(err) // a one-word key is always valid
	}
	return n
}

// StreamNoise returns the noise stream of one purpose of a run: the key
// data.StreamKey(runSeed, purpose, index) (run seed's low and high words,
// purpose id, index), so that one run seed fixes it and no two streams of
// a run share a key. Training uses (seed, data.NetworkNoise, 0), testing
// (seed, data.TestNoise, 0).
func StreamNoise(runSeed int64, purpose data.Purpose, index int) *Noise {
	k := data.StreamKey(runSeed, purpose, index)
	n, err := NewNoiseKey(k[:])
	if err != nil {
		panic(err) // a four-word key is always valid
	}
	return n
}

// bestZigKernel returns the best vectorised ziggurat of this processor, or nil.
func bestZigKernel() *zigKernel {
	if ks := zigKernels(); len(ks) > 0 {
		return &ks[0]
	}
	return nil
}

// refill draws the next block of main-stream words.
func (n *Noise) refill() {
	n.main.fill(n.raw[:])
	if littleEndian() {
		// the low and high halves of the values are in memory order
		n.words = (*[noiseBlock]uint32)(unsafe.Pointer(&n.raw))[:]
	} else {
		for i, x := range n.raw {
			n.split[2*i], n.split[2*i+1] = uint32(x), uint32(x>>32)
		}
		n.words = n.split[:]
	}
	n.pos = 0
}

// littleEndian reports whether uint64 values store their low half first.
func littleEndian() bool {
	x := uint64(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// Fill overwrites dst with the next len(dst) values of the stream. The
// stream does not depend on how it is cut into Fill calls.
func (n *Noise) Fill(dst []float32) {
	z := n.zig
	for len(dst) > 0 {
		if n.pos == noiseBlock {
			n.refill()
		}
		m := min(len(dst), noiseBlock-n.pos)
		words := n.words[n.pos : n.pos+m]
		v := 0
		if n.fast != nil && m >= n.fast.width {
			// the fast path on whole vectors, then the rejected values in order
			v = m / n.fast.width * n.fast.width
			n.fast.fn(v, &words[0], &z.k[0], &z.w[0], &dst[0], &n.rej[0])
			for b, bits := range n.rej[:v/8] {
				for ; bits != 0; bits &= bits - 1 {
					i := 8*b + mathbits.TrailingZeros8(bits)
					dst[i] = n.slow(words[i])
				}
			}
		}
		for q := v; q < m; q++ {
			u := words[q]
			l, j := u&zigMask, u>>zigShift
			if j < z.k[l] {
				dst[q] = withSign(float32(j)*z.w[l], u)
			} else {
				dst[q] = n.slow(u)
			}
		}
		n.pos += m
		dst = dst[m:]
	}
}

// withSign returns v (>= 0) negated if u has the sign bit zigSign set,
// without a branch (the sign is a coin flip, which a branch mispredicts
// half the time).
func withSign(v float32, u uint32) float32 {
	return math.Float32frombits(math.Float32bits(v) ^ (u&zigSign)<<(31-8))
}

// slow finishes a value whose first word u fell outside its layer's
// rectangle: the tail beyond r (layer 0) or the wedge test, drawing
// further words from the auxiliary stream until a value is accepted.
func (n *Noise) slow(u uint32) float32 {
	z := n.zig
	for {
		l, j := u&zigMask, u>>zigShift
		x := float64(float32(j) * z.w[l])
		switch {
		case j < z.k[l]:
			return withSign(float32(x), u)
		case l == 0:
			// Marsaglia's tail: x = r + e1/r with 2 e2 > (e1/r)² for exponentials e1, e2
			for {
				e1 := -math.Log(n.uniform()) / zigR
				e2 := -math.Log(n.uniform())
				if e2+e2 > e1*e1 {
					return withSign(float32(zigR+e1), u)
				}
			}
		default:
			// the wedge: accept below the density (in float32, which
			// moves the edge by a relative 1e-7 at most)
			y := z.f[l] + n.uniform()*(z.f[l-1]-z.f[l])
			if y < float64(expf32(float32(-0.5*x*x))) {
				return withSign(float32(x), u)
			}
		}
		u = uint32(n.aux.Uint64())
	}
}

// uniform returns a uniform value in (0, 1) from the next 64 bits of the
// auxiliary stream.
func (n *Noise) uniform() float64 {
	return (float64(n.aux.Uint64()>>11) + 0.5) / (1 << 53)
}

// MarshalBinary returns the stream's position (both ChaCha8 states and the
// unused words of the current block), so that a checkpoint can resume it
// exactly.
func (n *Noise) MarshalBinary() ([]byte, error) { return n.AppendBinary(nil) }

// AppendBinary appends MarshalBinary's encoding to b (encoding.BinaryAppender),
// so that a caller recording the position after every block can reuse one
// buffer (at most about 8.3 kB).
func (n *Noise) AppendBinary(b []byte) ([]byte, error) {
	out := append(b, "taskrnn-noise:"...)
	for _, g := range []encoding.BinaryAppender{n.main, n.aux} {
		at := len(out)
		out = append(out, 0, 0, 0, 0) // the length, filled in below
		var err error
		if out, err = g.AppendBinary(out); err != nil {
			return nil, err
		}
		binary.LittleEndian.PutUint32(out[at:], uint32(len(out)-at-4))
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(noiseBlock-n.pos))
	var left []uint32
	if n.pos < noiseBlock {
		left = n.words[n.pos:noiseBlock]
	}
	for _, w := range left {
		out = binary.LittleEndian.AppendUint32(out, w)
	}
	return out, nil
}

// UnmarshalBinary restores a position written by MarshalBinary. Error: data
// not written by MarshalBinary.
func (n *Noise) UnmarshalBinary(data []byte) error {
	bad := errors.New("model: noise state: not written by Noise.MarshalBinary")
	rest, ok := bytes.CutPrefix(data, []byte("taskrnn-noise:"))
	if !ok {
		return bad
	}
	main, aux := new(chacha8), new(rand.ChaCha8)
	for _, g := range []interface{ UnmarshalBinary([]byte) error }{main, aux} {
		if len(rest) < 4 {
			return bad
		}
		l := int(binary.LittleEndian.Uint32(rest))
		rest = rest[4:]
		if l > len(rest) {
			return bad
		}
		if err := g.UnmarshalBinary(rest[:l]); err != nil {
			return fmt.Errorf("model: noise state: %w", err)
		}
		rest = rest[l:]
	}
	if len(rest) < 4 {
		return bad
	}
	left := int(binary.LittleEndian.Uint32(rest))
	rest = rest[4:]
	if left > noiseBlock || len(rest) != 4*left {
		return bad
	}
	n.main, n.aux, n.pos = main, aux, noiseBlock-left
	n.words = n.split[:]
	for i := range left {
		n.words[n.pos+i] = binary.LittleEndian.Uint32(rest[4*i:])
	}
	if n.zig == nil {
		n.zig = newZiggurat()
		n.fast = bestZigKernel()
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
