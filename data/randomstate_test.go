package data

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
)

// Expected values below were produced with numpy.random.RandomState (NumPy 1.24).

func TestRandomStateUint32(t *testing.T) {
	r := NewRandomState(0)
	want := []uint32{2357136044, 2546248239, 3071714933, 3626093760}
	for i, w := range want {
		if got := r.Uint32(); got != w {
			t.Fatalf("seed 0 output %d = %d, want %d", i, got, w)
		}
	}
	r.Seed(0)
	var v [10000]uint32
	for i := range v {
		v[i] = r.Uint32()
	}
	for _, c := range []struct {
		i    int
		want uint32
	}{{623, 3791854820}, {624, 341544762}, {9999, 1543171712}} {
		if v[c.i] != c.want {
			t.Errorf("seed 0 output %d = %d, want %d", c.i, v[c.i], c.want)
		}
	}
	r.Seed(4294967295)
	if a, b := r.Uint32(), r.Uint32(); a != 419326371 || b != 479346978 {
		t.Errorf("seed 2^32-1 first outputs %d %d, want 419326371 479346978", a, b)
	}
}

func TestRandomStateFloat64Normal(t *testing.T) {
	r := NewRandomState(12345)
	for i, w := range []float64{0.9296160928171479, 0.3163755545817859, 0.18391881167709445} {
		if got := r.Float64(); got != w {
			t.Errorf("Float64 %d = %v, want %v", i, got, w)
		}
	}
	r.Seed(12345)
	for i, w := range []float64{-0.20470765948471295, 0.47894333805754824, -0.5194387150567381, -0.55573030434749, 1.9657805725027142} {
		if got := r.Normal(); got != w {
			t.Errorf("Normal %d = %v, want %v", i, got, w)
		}
	}
	r.Seed(4294967295)
	r.Uint32()
	r.Uint32()
	for i, w := range []float64{0.0813036681172692, 0.4096851233481656, 0.31595808265170017} {
		if got := r.Normal(); got != w {
			t.Errorf("seed 2^32-1 Normal %d = %v, want %v", i, got, w)
		}
	}
	r.Seed(3)
	var z float64
	for i := 0; i < 100000; i++ {
		z = r.Normal()
	}
	if z != -0.2877215101816428 {
		t.Errorf("seed 3 Normal 99999 = %v, want -0.2877215101816428", z)
	}
	if z = r.Normal(); z != -0.4208876668170408 {
		t.Errorf("seed 3 Normal 100000 = %v, want -0.4208876668170408", z)
	}
}

func TestRandomStateSeedClearsGauss(t *testing.T) {
	r := NewRandomState(12345)
	r.Normal() // leaves a cached value
	r.Seed(12345)
	if got := r.Normal(); got != -0.20470765948471295 {
		t.Errorf("after reseed Normal = %v, want the first normal of seed 12345", got)
	}
}

func TestRandomStateRandInt(t *testing.T) {
	r := NewRandomState(7)
	want := []int{4, 1, 3, 3, 4, 1, 0, 1, 2, 2}
	for i, w := range want {
		if got := r.RandInt(5); got != w {
			t.Fatalf("RandInt(5) %d = %d, want %d", i, got, w)
		}
	}
	for i, w := range []int{0, 2, 0, 0, 0} {
		if got := r.RandInt(3); got != w {
			t.Fatalf("RandInt(3) %d = %d, want %d", i, got, w)
		}
	}
	r.Seed(3)
	for i, w := range []int{71530, 722584, 601337} {
		if got := r.RandInt(1000003); got != w {
			t.Errorf("RandInt(1000003) %d = %d, want %d", i, got, w)
		}
	}
	for i, w := range []int{3, 0, 0} {
		if got := r.RandInt(7); got != w {
			t.Errorf("RandInt(7) %d = %d, want %d", i, got, w)
		}
	}
	// n == 1 draws nothing.
	a := NewRandomState(9)
	b := NewRandomState(9)
	if a.RandInt(1) != 0 {
		t.Error("RandInt(1) != 0")
	}
	if a.Uint32() != b.Uint32() {
		t.Error("RandInt(1) consumed a draw")
	}
}

func TestRandomStateExponentialUniform(t *testing.T) {
	r := NewRandomState(7)
	for i, w := range []float64{23.81307285643335, 454.12760236763603, 173.09455924695473} {
		if got := r.Exponential(300); got != w {
			t.Errorf("Exponential(300) %d = %v, want %v", i, got, w)
		}
	}
	for i, w := range []float64{244.69303556618826, 295.59790239932056} {
		if got := r.Uniform(100, 300); got != w {
			t.Errorf("Uniform(100,300) %d = %v, want %v", i, got, w)
		}
	}
}

// TestStreamSeedNumPy pins the first draws of stream keys against NumPy:
// np.random.RandomState(np.array([lo, hi, purpose, index], dtype=np.uint32)).
func TestStreamSeedNumPy(t *testing.T) {
	for _, c := range []struct {
		seed    int64
		purpose Purpose
		index   int
		u32     [2]uint32
		u, n    float64
	}{
		{0, TrainTask, 0, [2]uint32{3982776469, 2760388045}, 0.6854899012653844, 0.36589507213626493},
		{0, TrainTask, 1, [2]uint32{3631409339, 3300874973}, 0.6199215133493964, 1.0740751957551287},
		{42, Weights, 0, [2]uint32{3992609453, 242196328}, 0.11308495384700912, -1.7368329740084303},
		{-1, TestNoise, 3, [2]uint32{2993774095, 1297884127}, 0.26634284255828766, 0.6011468577918303},
		{282775345, TestTask, 0, [2]uint32{787959061, 3523610831}, 0.7807678923996157, 0.3112885919441821},
	} {
		r := StreamSeed(c.seed, c.purpose, c.index).NewRandomState()
		if a, b := r.Uint32(), r.Uint32(); a != c.u32[0] || b != c.u32[1] {
			t.Errorf("%d/%s/%d: first words %d %d, want %v", c.seed, c.purpose, c.index, a, b, c.u32)
		}
		if u, n := r.Float64(), r.Normal(); u != c.u || n != c.n {
			t.Errorf("%d/%s/%d: draws %v %v, want %v %v", c.seed, c.purpose, c.index, u, n, c.u, c.n)
		}
	}
}

// TestStreamKeysDistinct: streams of different seeds, purposes or indices
// have different keys and different first draws; the old 32-bit hash made
// run seed 282775345's test stream equal a training column's (issue 8).
func TestStreamKeysDistinct(t *testing.T) {
	seen := map[[4]uint32]bool{}
	first := map[[2]uint32]string{}
	for _, s := range []int64{0, 1, -1, 282775345, 1 << 40} {
		for _, p := range []Purpose{TrainTask, Weights, NetworkNoise, TestTask, TestNoise, Connectivity, FixedPoints} {
			for i := 0; i < 64; i++ {
				k := StreamKey(s, p, i)
				if seen[k] {
					t.Fatalf("key %v repeated", k)
				}
				seen[k] = true
				r := KeySeed(k[:]...).NewRandomState()
				w := [2]uint32{r.Uint32(), r.Uint32()}
				name := fmt.Sprintf("%d/%s/%d", s, p, i)
				if prev, ok := first[w]; ok {
					t.Fatalf("streams %s and %s start alike", prev, name)
				}
				first[w] = name
			}
		}
	}
	if StreamKey(282775345, TestTask, 0) == StreamKey(282775345, TrainTask, 0) {
		t.Fatal("test and training keys coincide")
	}
}

// TestSeedForms: a one-word key is the integer seed, as NumPy squeezes it.
func TestSeedForms(t *testing.T) {
	a, b := KeySeed(7).NewRandomState(), IntSeed(7).NewRandomState()
	if a.Uint32() != b.Uint32() {
		t.Error("KeySeed(7) != IntSeed(7)")
	}
	if _, ok := KeySeed(7).Key(); ok {
		t.Error("one-word key must be an integer seed")
	}
	if w, ok := KeySeed(1, 2).Key(); !ok || len(w) != 2 {
		t.Error("Key() of a two-word key")
	}
	if IntSeed(3).String() != "RandomState(3)" || KeySeed(1, 2).String() != "RandomState([1 2])" {
		t.Errorf("String: %s %s", IntSeed(3), KeySeed(1, 2))
	}
}

// TestDrawsNumPy pins Permutation, ChoiceP, RandIntRange and choice without
// replacement against np.random.RandomState(12): permutation(7),
// choice(4, p=[.1,.2,.3,.4]) twice, randint(-5, 5), choice(arange(9), 3,
// replace=False).
func TestDrawsNumPy(t *testing.T) {
	r := NewRandomState(12)
	if got := r.Permutation(7); !slices.Equal(got, []int{4, 5, 0, 2, 1, 6, 3}) {
		t.Errorf("Permutation(7) = %v", got)
	}
	p := []float64{0.1, 0.2, 0.3, 0.4}
	if a, b := r.ChoiceP(p), r.ChoiceP(p); a != 3 || b != 3 {
		t.Errorf("ChoiceP = %d %d, want 3 3", a, b)
	}
	if got := r.RandIntRange(-5, 5); got != 4 {
		t.Errorf("RandIntRange(-5, 5) = %d, want 4", got)
	}
	if got := r.Permutation(9)[:3]; !slices.Equal(got, []int{7, 5, 4}) {
		t.Errorf("choice(9, 3, replace=False) = %v, want [7 5 4]", got)
	}
}

func readFloat64s(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

// TestRandomStateNumPyStreams compares long normal and exponential streams
// with NumPy's: bit-identical except where glibc's log misrounds (then one
// ulp apart, and our value is the correctly rounded one).
func TestRandomStateNumPyStreams(t *testing.T) {
	for _, c := range []struct {
		file string
		seed uint32
		draw func(r *RandomState) float64
	}{
		{"testdata/numpy_randn_seed5.bin", 5, (*RandomState).Normal},
		{"testdata/numpy_exponential_seed6.bin", 6, func(r *RandomState) float64 { return r.Exponential(1) }},
	} {
		want := readFloat64s(t, c.file)
		r := NewRandomState(c.seed)
		diff := 0
		for i, w := range want {
			g := c.draw(r)
			if g == w {
				continue
			}
			diff++
			if math.Nextafter(g, w) != w {
				t.Fatalf("%s[%d] = %v, want %v (more than 1 ulp apart)", c.file, i, g, w)
			}
		}
		t.Logf("%s: %d of %d values differ by 1 ulp", c.file, diff, len(want))
		if diff > len(want)/500 {
			t.Errorf("%s: %d of %d values differ by 1 ulp, want <= 0.2%%", c.file, diff, len(want))
		}
	}
}
