package data

import "math"

const (
	mtN         = 624
	mtM         = 397
	mtMatrixA   = 0x9908b0df
	mtUpperMask = 0x80000000
	mtLowerMask = 0x7fffffff
)

// RandomState is a random stream compatible with NumPy's legacy
// numpy.random.RandomState: the MT19937 generator with the standard integer
// seeding (init_genrand) and NumPy's legacy algorithms for bounded integers,
// doubles, standard normals (polar method with a cached second value) and
// exponentials. For the same seed and the same sequence of calls it returns
// the same values as NumPy: integers and uniform doubles are bit-identical
// always; normals and exponentials, which go through a logarithm, are
// bit-identical except in about 0.05% of draws, where they differ by one unit
// in the last place. There glibc's log (which NumPy calls) misrounds an
// argument within about 0.001 ulp of a rounding midpoint, while logRN here is
// correctly rounded; float32 observations built from these values are
// unaffected except with a probability of order 1e-12 per value. Go's
// math.Log would differ in about 5% of draws.
//
// A RandomState is not safe for concurrent use. The zero value is not usable;
// create one with NewRandomState.
type RandomState struct {
	mt       [mtN]uint32 // MT19937 state
	out      [mtN]uint32 // tempered outputs of the current block
	pos      int         // next index into out
	hasGauss bool
	gauss    float64
}

// NewRandomState returns a stream seeded like numpy.random.RandomState(seed).
func NewRandomState(seed uint32) *RandomState {
	r := &RandomState{}
	r.Seed(seed)
	return r
}

// Seed reseeds the stream like RandomState.seed(seed) in NumPy: MT19937
// init_genrand(seed). It also clears the cached normal value.
func (r *RandomState) Seed(seed uint32) {
	s := seed
	for i := 0; i < mtN; i++ {
		r.mt[i] = s
		s = 1812433253*(s^(s>>30)) + uint32(i+1)
	}
	r.pos = mtN
	r.hasGauss = false
	r.gauss = 0
}

// twist regenerates the 624-word state block and tempers it into out in
// the same pass.
func (r *RandomState) twist() {
	mt := r.mt[:mtN]
	out := r.out[:mtN]
	for i := 0; i < mtN-mtM; i++ {
		y := (mt[i] & mtUpperMask) | (mt[i+1] & mtLowerMask)
		y = mt[i+mtM] ^ (y >> 1) ^ (-(y & 1) & mtMatrixA)
		mt[i] = y
		out[i] = temper(y)
	}
	for i := mtN - mtM; i < mtN-1; i++ {
		y := (mt[i] & mtUpperMask) | (mt[i+1] & mtLowerMask)
		y = mt[i+mtM-mtN] ^ (y >> 1) ^ (-(y & 1) & mtMatrixA)
		mt[i] = y
		out[i] = temper(y)
	}
	y := (mt[mtN-1] & mtUpperMask) | (mt[0] & mtLowerMask)
	y = mt[mtM-1] ^ (y >> 1) ^ (-(y & 1) & mtMatrixA)
	mt[mtN-1] = y
	out[mtN-1] = temper(y)
	r.pos = 0
}

// temper is MT19937's output transformation.
func temper(y uint32) uint32 {
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	return y ^ (y >> 18)
}

// Uint32 returns the next raw 32-bit output of MT19937 (NumPy's
// randint(0, 2**32, dtype=uint32) for one value).
func (r *RandomState) Uint32() uint32 {
	if r.pos >= mtN {
		r.twist()
	}
	y := r.out[r.pos]
	r.pos++
	return y
}

// RandInt returns a uniform integer in [0, n) with NumPy's legacy masked
// rejection sampling (what RandomState.randint(0, n) and RandomState.choice
// over n items use): mask = smallest 2^k-1 >= n-1, draw 32 bits, AND with the
// mask, accept if <= n-1. For n == 1 it returns 0 and draws nothing.
// It panics if n < 1 or n > 2^32.
func (r *RandomState) RandInt(n int) int {
	if n < 1 || uint64(n) > 1<<32 {
		panic("data: RandInt: n out of range [1, 2^32]")
	}
	if n == 1 {
		return 0
	}
	max := uint32(n - 1)
	if max == math.MaxUint32 {
		return int(r.Uint32())
	}
	mask := max
	mask |= mask >> 1
	mask |= mask >> 2
	mask |= mask >> 4
	mask |= mask >> 8
	mask |= mask >> 16
	for {
		v := r.Uint32() & mask
		if v <= max {
			return int(v)
		}
	}
}

// Float64 returns a uniform double in [0, 1) with 53 random bits, NumPy's
// random_sample: (a*2^26 + b) / 2^53 with a = next>>5, b = next>>6.
func (r *RandomState) Float64() float64 {
	var a, b uint32
	if p := r.pos; p < mtN-1 {
		a, b = r.out[p]>>5, r.out[p+1]>>6
		r.pos = p + 2
	} else {
		a = r.Uint32() >> 5
		b = r.Uint32() >> 6
	}
	return (float64(a)*67108864.0 + float64(b)) / 9007199254740992.0
}

// Uniform returns lo + (hi-lo)*Float64(), like RandomState.uniform(lo, hi).
func (r *RandomState) Uniform(lo, hi float64) float64 {
	return lo + float64((hi-lo)*r.Float64()) // float64(): never fused into an FMA, as in NumPy
}

// Normal returns a standard normal value with NumPy's legacy polar method
// (RandomState.randn / standard_normal): pairs x1, x2 = 2u-1 are drawn until
// 0 < r2 = x1^2+x2^2 < 1; f = sqrt(-2 ln(r2)/r2); f*x2 is returned and f*x1 is
// kept for the next call. Seed clears the kept value.
func (r *RandomState) Normal() float64 {
	if r.hasGauss {
		r.hasGauss = false
		return r.gauss
	}
	for {
		x1 := 2*r.Float64() - 1
		x2 := 2*r.Float64() - 1
		r2 := float64(x1*x1) + float64(x2*x2) // no FMA: NumPy rounds each product
		if r2 >= 1 || r2 == 0 {
			continue
		}
		f := math.Sqrt(-2 * logRN(r2) / r2)
		r.gauss = f * x1
		r.hasGauss = true
		return f * x2
	}
}

// AddNormals adds mu + sigma*Normal() to every element of dst in order, with
// NumPy's rounding (float64 arithmetic, result stored as float32): what
// NumPy's x += mu + sigma*rng.randn(len(x)) does to a float32 array. It is
// Normal inlined for the trial engine's hot loops and draws the same values.
func (r *RandomState) AddNormals(dst []float32, mu, sigma float64) {
	i := 0
	if r.hasGauss && len(dst) > 0 {
		r.hasGauss = false
		dst[0] = float32(float64(dst[0]) + (mu + float64(r.gauss*sigma)))
		i = 1
	}
	for i < len(dst) {
		var x1, x2, r2 float64
		for {
			var a, b, c, e uint32
			if p := r.pos; p < mtN-3 {
				out := r.out[p : p+4 : p+4]
				a, b, c, e = out[0], out[1], out[2], out[3]
				r.pos = p + 4
			} else {
				a, b, c, e = r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32()
			}
			u1 := (float64(a>>5)*67108864.0 + float64(b>>6)) / 9007199254740992.0
			u2 := (float64(c>>5)*67108864.0 + float64(e>>6)) / 9007199254740992.0
			x1 = 2*u1 - 1
			x2 = 2*u2 - 1
			r2 = float64(x1*x1) + float64(x2*x2)
			if r2 < 1 && r2 != 0 {
				break
			}
		}
		f := math.Sqrt(-2 * logRN(r2) / r2)
		dst[i] = float32(float64(dst[i]) + (mu + float64(float64(f*x2)*sigma)))
		i++
		if i < len(dst) {
			dst[i] = float32(float64(dst[i]) + (mu + float64(float64(f*x1)*sigma)))
			i++
		} else {
			r.gauss = f * x1
			r.hasGauss = true
		}
	}
}

// Exponential returns an exponential value with the given mean (NumPy's
// scale): -ln(1-u) * mean, like RandomState.exponential(mean).
func (r *RandomState) Exponential(mean float64) float64 {
	return -logRN(1-r.Float64()) * mean
}

// SeedWith reseeds the stream as numpy.random.RandomState(s) does: Seed for
// an integer seed, MT19937 init_by_array for a key. It clears the cached
// normal value.
func (r *RandomState) SeedWith(s Seed) {
	if !s.isKey {
		r.Seed(s.int)
		return
	}
	r.seedByArray(s.key)
}

// seedByArray is MT19937's init_by_array (Matsumoto and Nishimura, 2002), as
// NumPy's mt19937_init_by_array.
func (r *RandomState) seedByArray(key []uint32) {
	r.Seed(19650218)
	mt := &r.mt
	i, j := 1, 0
	for k := max(mtN, len(key)); k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= mtN {
			mt[0] = mt[mtN-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := mtN - 1; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= mtN {
			mt[0] = mt[mtN-1]
			i = 1
		}
	}
	mt[0] = 0x80000000
	r.pos = mtN
	r.hasGauss = false
	r.gauss = 0
}

// RandIntRange returns a value in [lo, hi) like RandomState.randint(lo, hi):
// lo + RandInt(hi-lo). It panics if hi <= lo or the range exceeds 2^32.
func (r *RandomState) RandIntRange(lo, hi int) int {
	if hi <= lo {
		panic("data: RandIntRange: hi must be > lo")
	}
	return lo + r.RandInt(hi-lo)
}

// Shuffle permutes x in place like RandomState.shuffle on a 1-D array:
// for i from len(x)-1 down to 1, swap x[i] with x[j], j = RandInt(i+1)
// (NumPy's random_interval, the same masked draw).
func Shuffle[T any](r *RandomState, x []T) {
	for i := len(x) - 1; i > 0; i-- {
		j := r.RandInt(i + 1)
		x[i], x[j] = x[j], x[i]
	}
}

// Permutation returns a permuted 0..n-1 like RandomState.permutation(n).
func (r *RandomState) Permutation(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	Shuffle(r, p)
	return p
}

// ChoiceP returns an index drawn with probabilities p, like
// RandomState.choice(len(p), p=p): one uniform double u, then the first index
// whose normalised cumulative sum exceeds u (cdf.searchsorted(u, 'right')).
// p must be non-negative with a positive sum (it panics otherwise); NumPy
// also requires the sum to be 1 within sqrt(eps), which callers check.
func (r *RandomState) ChoiceP(p []float64) int {
	cdf := make([]float64, len(p))
	s := 0.0
	for i, v := range p {
		if !(v >= 0) {
			panic("data: ChoiceP: negative or NaN probability")
		}
		s += v
		cdf[i] = s
	}
	if !(s > 0) {
		panic("data: ChoiceP: probabilities sum to 0")
	}
	last := cdf[len(cdf)-1]
	for i := range cdf {
		cdf[i] /= last
	}
	u := r.Float64()
	for i, c := range cdf {
		if c > u {
			return i
		}
	}
	return len(cdf) - 1
}
