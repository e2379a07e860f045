package fileio

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// validNPZ returns a small archive with arrays of several dtypes and shapes.
func validNPZ(t testing.TB) []byte {
	var buf bytes.Buffer
	z := NewNPZWriter(&buf)
	for i, d := range []Dtype{Float32, Float64, Int32, Int64, Bool, Uint8} {
		shape := shapes()[i+3]
		n, _ := elements(shape)
		if err := z.Add(fmt.Sprintf("a%d", i), sample(d, n), shape...); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNPZRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	z := NewNPZWriter(&buf)
	type arr struct {
		name  string
		data  any
		shape []int
	}
	var want []arr
	for d := Bool; d <= lastDtype; d++ {
		for i, shape := range shapes() {
			n, _ := elements(shape)
			a := arr{fmt.Sprintf("%v_%d", d, i), sample(d, n), shape}
			want = append(want, a)
			if err := z.Add(a.name, a.data, a.shape...); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A streamed array, written in three pieces.
	aw, err := z.Create("streamed", Float32, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, piece := range [][]float32{{1}, {2, 3, 4}, {5, 6}} {
		if err := aw.Write(piece); err != nil {
			t.Fatal(err)
		}
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	want = append(want, arr{"streamed", []float32{1, 2, 3, 4, 5, 6}, []int{2, 3}})
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := NewNPZReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Names()) != len(want) {
		t.Fatalf("%d names, want %d", len(r.Names()), len(want))
	}
	for i, w := range want {
		if r.Names()[i] != w.name {
			t.Errorf("name %d = %q, want %q", i, r.Names()[i], w.name)
		}
		h, err := r.Header(w.name + ".npy")
		if err != nil || !reflect.DeepEqual(h.Shape, append([]int{}, w.shape...)) {
			t.Errorf("%s: header %+v, %v", w.name, h, err)
		}
		a, err := r.Read(w.name)
		if err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if !reflect.DeepEqual(a.Data, w.data) || !reflect.DeepEqual(a.Shape, append([]int{}, w.shape...)) {
			t.Errorf("%s: read %v %v, want %v %v", w.name, a.Shape, a.Data, w.shape, w.data)
		}
	}
	if _, err := r.Read("nope"); err == nil || !strings.Contains(err.Error(), `no array "nope"`) {
		t.Errorf("missing array: %v", err)
	}
}

func TestNPZWriterDeterministic(t *testing.T) {
	if a, b := validNPZ(t), validNPZ(t); !bytes.Equal(a, b) {
		t.Error("the same arrays gave different bytes")
	}
}

func TestNPZWriterErrors(t *testing.T) {
	z := NewNPZWriter(&bytes.Buffer{})
	aw, err := z.Create("x", Float32, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.Create("y", Float32, 1); err == nil || !strings.Contains(err.Error(), `"x" is still open`) {
		t.Errorf("second open array: %v", err)
	}
	if err := aw.Write([]float64{1}); err == nil || !strings.Contains(err.Error(), "writing []float64 to an array of float32") {
		t.Errorf("wrong type: %v", err)
	}
	if err := aw.Write([]float32{1, 2, 3, 4}); err == nil || !strings.Contains(err.Error(), "holds 3 elements") {
		t.Errorf("too many: %v", err)
	}
	aw.Write([]float32{1})
	if err := aw.Close(); err == nil || !strings.Contains(err.Error(), "1 were written") {
		t.Errorf("too few: %v", err)
	}
	if err := z.Add("x", []float32{1}, 1); err == nil || !strings.Contains(err.Error(), "written twice") {
		t.Errorf("duplicate: %v", err)
	}
	if err := z.Add("a/b", []float32{1}, 1); err == nil || !strings.Contains(err.Error(), "without slashes") {
		t.Errorf("slash: %v", err)
	}
}

// zipWith returns an archive whose member name.npy holds raw.
func zipWith(t testing.TB, method uint16, members map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, raw := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	zw.Close()
	return buf.Bytes()
}

// TestNPZCorrupt covers the issue 8 repros: a corrupt member and a header
// that claims 4 GB give an error naming the member, with no panic and no
// large allocation.
func TestNPZCorrupt(t *testing.T) {
	four := npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,), }", make([]byte, 16))
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"issue 8: 14-byte member", zipWith(t, zip.Store, map[string][]byte{"rec2rec.weight.npy": []byte("\x93NUMPY\x01\x00\x04\x00abcd")}),
			`npz member "rec2rec.weight.npy": .npy header "abcd": want a Python dict`},
		{"issue 8: 4 GB header", zipWith(t, zip.Store, map[string][]byte{"rec2rec.weight.npy": four}),
			`npz member "rec2rec.weight.npy": header declares shape (1073741824,) of float32, 4294967296 bytes of data, but the member holds 16 bytes`},
		{"4 GB header, deflated", zipWith(t, zip.Deflate, map[string][]byte{"w.npy": four}), "4294967296 bytes of data, but the member holds 16 bytes"},
		{"not a zip", []byte("hello"), "not a readable .npz"},
		{"empty", nil, "not a readable .npz"},
	} {
		var err error
		allocs := testing.AllocsPerRun(1, func() {
			var r *NPZReader
			if r, err = NewNPZReader(bytes.NewReader(c.file), int64(len(c.file))); err == nil {
				for _, n := range r.Names() {
					if _, err = r.Read(n); err != nil {
						break
					}
				}
			}
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if allocs > 500 {
			t.Errorf("%s: %v allocations", c.name, allocs)
		}
	}
}

// TestNPZMutations: the issue 8 experiment (random byte mutations of a
// valid archive; 13 of 111 panicked before) with 2000 mutations: no panic,
// every read quick, and an error whenever the data came back different.
func TestNPZMutations(t *testing.T) {
	valid := validNPZ(t)
	r0, _ := NewNPZReader(bytes.NewReader(valid), int64(len(valid)))
	orig := map[string]Array{}
	for _, n := range r0.Names() {
		orig[n], _ = r0.Read(n)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	n := 2000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		b := append([]byte(nil), valid...)
		for range 1 + rng.IntN(4) {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		start := time.Now()
		r, err := NewNPZReader(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			for _, name := range r.Names() {
				a, err := r.Read(name)
				if o, ok := orig[name]; err == nil && ok && !reflect.DeepEqual(a, o) {
					t.Errorf("mutation %d: array %q changed without an error", i, name)
				}
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("mutation %d took %v", i, d)
		}
	}
}

func FuzzReadNPZ(f *testing.F) {
	f.Add(validNPZ(f))
	f.Add(zipWith(f, zip.Deflate, map[string][]byte{"a.npy": npyBytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", make([]byte, 16))}))
	f.Add(zipWith(f, zip.Store, map[string][]byte{"rec2rec.weight.npy": []byte("\x93NUMPY\x01\x00\x04\x00abcd")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewNPZReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, n := range r.Names() {
			h, herr := r.Header(n)
			a, err := r.Read(n)
			if (herr == nil) != (err == nil) && herr != nil {
				t.Fatalf("%s: Header failed (%v) but Read succeeded", n, herr)
			}
			if err == nil {
				if got, _ := elements(a.Shape); got != sliceLen(a.Data) {
					t.Fatalf("%s: shape %v with %d elements", n, a.Shape, sliceLen(a.Data))
				}
				if h.Dtype != a.Dtype {
					t.Fatalf("%s: header dtype %v, array %v", n, h.Dtype, a.Dtype)
				}
			}
		}
	})
}

func FuzzReadNPY(f *testing.F) {
	var buf bytes.Buffer
	WriteNPY(&buf, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	f.Add(buf.Bytes())
	f.Add(npyBytes(3, "{'descr': '>i8', 'fortran_order': True, 'shape': (1, 2), }", make([]byte, 16)))
	f.Add([]byte("\x93NUMPY\x01\x00\x04\x00abcd"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadNPY(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		// Whatever was read writes back and reads back the same.
		var out bytes.Buffer
		if err := WriteNPY(&out, a.Data, a.Shape...); err != nil {
			t.Fatal(err)
		}
		b2, err := ReadNPY(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil || !reflect.DeepEqual(a.Shape, b2.Shape) || sliceLen(a.Data) != sliceLen(b2.Data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
