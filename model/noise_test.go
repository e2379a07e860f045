package model

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestNoiseDistribution: one million values of the stream have the moments
// of a standard normal, pass a Kolmogorov-Smirnov test against its CDF, and
// reach the tail beyond r = 3.44 as often as they should.
func TestNoiseDistribution(t *testing.T) {
	const n = 1 << 20
	x := make([]float32, n)
	NewNoise(1).Fill(x)
	var s1, s2, s4 float64
	tail := 0
	for _, v := range x {
		f := float64(v)
		s1 += f
		s2 += f * f
		s4 += f * f * f * f
		if math.Abs(f) > zigR {
			tail++
		}
	}
	mean, vr := s1/n, s2/n-(s1/n)*(s1/n)
	kurt := s4 / n / (vr * vr)
	if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(vr-1) > 5*math.Sqrt(2.0/n) || math.Abs(kurt-3) > 5*math.Sqrt(24.0/n) {
		t.Errorf("mean %v, variance %v, kurtosis %v: want 0, 1, 3", mean, vr, kurt)
	}
	wantTail := n * math.Erfc(zigR/math.Sqrt2)
	if d := math.Abs(float64(tail) - wantTail); d > 5*math.Sqrt(wantTail) {
		t.Errorf("%d values beyond ±%v, want %.0f ± %.0f", tail, zigR, wantTail, math.Sqrt(wantTail))
	}
	s := make([]float64, n)
	for i, v := range x {
		s[i] = float64(v)
	}
	sort.Float64s(s)
	var ks float64
	for i, v := range s {
		c := 0.5 * math.Erfc(-v/math.Sqrt2)
		ks = math.Max(ks, math.Max(math.Abs(c-float64(i)/n), math.Abs(c-float64(i+1)/n)))
	}
	// critical value at p = 0.001: 1.95/sqrt(n)
	if ks > 1.95/math.Sqrt(n) {
		t.Errorf("Kolmogorov-Smirnov statistic %.5f > %.5f", ks, 1.95/math.Sqrt(n))
	}
}

// TestNoiseStreamCuts: the stream is the same however Fill calls cut it,
// and a marshalled position resumes it exactly.
func TestNoiseStreamCuts(t *testing.T) {
	want := make([]float32, 100000)
	NewNoise(7).Fill(want)
	for _, cuts := range [][]int{{1}, {3, 1, 2}, {7, 64, 1000}, {99999}} {
		n := NewNoise(7)
		var got []float32
		for i := 0; len(got) < len(want); i++ {
			m := min(cuts[i%len(cuts)], len(want)-len(got))
			buf := make([]float32, m)
			n.Fill(buf)
			got = append(got, buf...)
			if i == 5 {
				// resume from a marshalled position
				b, err := n.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				n = new(Noise)
				if err := n.UnmarshalBinary(b); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("cuts %v: stream differs", cuts)
		}
	}
	// a fresh stream marshals too
	fresh, err := NewNoise(7).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	n := new(Noise)
	if err := n.UnmarshalBinary(fresh); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, 1000)
	n.Fill(got)
	if !slices.Equal(got, want[:1000]) {
		t.Error("a stream restored before its first value differs")
	}
	if err := new(Noise).UnmarshalBinary([]byte("junk")); err == nil {
		t.Error("UnmarshalBinary accepted junk")
	}
}

// TestNoiseKeys: NewNoise(s) is the one-word key {s}; keys that differ in
// any word, or only in length (trailing zeros), give different streams;
// keys of 0 or more than 7 words are errors.
func TestNoiseKeys(t *testing.T) {
	first := func(n *Noise) []float32 {
		x := make([]float32, 8)
		n.Fill(x)
		return x
	}
	key := func(k ...uint32) []float32 {
		n, err := NewNoiseKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return first(n)
	}
	if !slices.Equal(first(NewNoise(5)), key(5)) {
		t.Error("NewNoise(5) differs from NewNoiseKey({5})")
	}
	keys := [][]uint32{{0}, {0, 0}, {0, 0, 0, 0}, {5}, {5, 0}, {0, 5}, {1, 2, 3, 4}, {1, 2, 3, 5}, {2, 1, 3, 4}, {1, 2, 3, 4, 0, 0, 0}}
	seen := map[float32][]uint32{}
	for _, k := range keys {
		v := key(k...)[0]
		if prev, ok := seen[v]; ok {
			t.Errorf("keys %v and %v start with the same value %v", prev, k, v)
		}
		seen[v] = k
	}
	for _, k := range [][]uint32{nil, {1, 2, 3, 4, 5, 6, 7, 8}} {
		if _, err := NewNoiseKey(k); err == nil {
			t.Errorf("NewNoiseKey(%v): no error", k)
		}
	}
}

// TestNoiseKernelsAgree: every vectorised fast path of this machine gives
// the stream of the Go loop, bit for bit.
func TestNoiseKernelsAgree(t *testing.T) {
	const n = 200003
	want := make([]float32, n)
	ref := NewNoise(11)
	ref.fast = nil
	ref.Fill(want)
	for _, k := range zigKernels() {
		nz := NewNoise(11)
		nz.fast = &k
		got := make([]float32, n)
		for i := 0; i < n; i += 1000 {
			nz.Fill(got[i:min(n, i+1000)])
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("width %d: value %d is %v, Go loop %v", k.width, i, got[i], want[i])
			}
		}
	}
	t.Logf("kernels checked: %d", len(zigKernels()))
}

// TestChaCha8MatchesMathRand: the noise's ChaCha8 stream (an AVX-512
// epoch at a time where available) is math/rand/v2.ChaCha8's, over many
// reseeding epochs, and its marshalled positions are interchangeable with
// math/rand/v2's.
func TestChaCha8MatchesMathRand(t *testing.T) {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(7*i + 3)
	}
	std := rand.NewChaCha8(seed)
	c := newChaCha8(seed)
	t.Logf("AVX-512 epoch: %v", c.epoch != nil)
	got := make([]uint64, 1000)
	for round := range 20 {
		n := 1 + round*37%300
		c.fill(got[:n])
		for i, x := range got[:n] {
			if want := std.Uint64(); x != want {
				t.Fatalf("round %d value %d: %#x, math/rand/v2 %#x", round, i, x, want)
			}
		}
		a, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		b, err := std.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("round %d: MarshalBinary %x, math/rand/v2 %x", round, a, b)
		}
		if round%5 == 4 {
			c = new(chacha8)
			if err := c.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
		}
	}
}
