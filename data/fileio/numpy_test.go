package fileio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// python returns the path of a Python with NumPy, or skips the test.
func python(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("no NumPy for %s (%v): the pure-Go checks still run", py, err)
	}
	return py
}

// asFloats returns the elements of a supported slice as float64 (bool as
// 0/1, complex numbers as their real and imaginary parts in turn), for
// comparing with values that went through JSON.
func asFloats(data any) []float64 {
	n := sliceLen(data)
	switch d := data.(type) {
	case []complex64:
		out := make([]float64, 0, 2*n)
		for _, v := range d {
			out = append(out, float64(real(v)), float64(imag(v)))
		}
		return out
	case []complex128:
		out := make([]float64, 0, 2*n)
		for _, v := range d {
			out = append(out, real(v), imag(v))
		}
		return out
	}
	out := make([]float64, n)
	for i := range n {
		switch d := data.(type) {
		case []bool:
			if d[i] {
				out[i] = 1
			}
		case []int8:
			out[i] = float64(d[i])
		case []uint8:
			out[i] = float64(d[i])
		case []int16:
			out[i] = float64(d[i])
		case []uint16:
			out[i] = float64(d[i])
		case []int32:
			out[i] = float64(d[i])
		case []uint32:
			out[i] = float64(d[i])
		case []int64:
			out[i] = float64(d[i])
		case []uint64:
			out[i] = float64(d[i])
		case []float32:
			out[i] = float64(d[i])
		case []float64:
			out[i] = d[i]
		}
	}
	return out
}

// TestNumPyLoadsEveryShape writes every dtype in every shape (empty ones
// and scalars included) as .npz and .npy and checks that NumPy loads each
// with the same dtype, shape and values (issue 8: cmd/task -n 0 wrote
// arrays NumPy could not read).
func TestNumPyLoadsEveryShape(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	npz := filepath.Join(dir, "all.npz")
	type want struct {
		Dtype  string    `json:"dtype"`
		Shape  []int     `json:"shape"`
		Values []float64 `json:"values"`
	}
	wants := map[string]want{}
	err := WriteFile(npz, func(w io.Writer) error {
		z := NewNPZWriter(w)
		for d := Bool; d <= lastDtype; d++ {
			for i, shape := range shapes() {
				n, _ := elements(shape)
				data := sample(d, n)
				name := fmt.Sprintf("%v_%d", d, i)
				wants[name] = want{d.String(), append([]int{}, shape...), asFloats(data)}
				if err := z.Add(name, data, shape...); err != nil {
					return err
				}
				if i == 7 { // one standalone .npy per dtype, with an empty shape
					var b bytes.Buffer
					if err := WriteNPY(&b, data, shape...); err != nil {
						return err
					}
					if err := os.WriteFile(filepath.Join(dir, name+".npy"), b.Bytes(), 0o644); err != nil {
						return err
					}
				}
			}
		}
		return z.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys, glob, os, numpy as np
def vals(a):
    a = a.ravel()
    if np.iscomplexobj(a):
        a = a.view(a.real.dtype)  # real and imaginary parts in turn
    return [float(v) for v in a]
out = {}
with np.load(sys.argv[1], allow_pickle=False) as z:
    for k in z.files:
        a = z[k]
        out[k] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": vals(a)}
for p in glob.glob(os.path.join(os.path.dirname(sys.argv[1]), "*.npy")):
    a = np.load(p, allow_pickle=False)
    out["npy:" + os.path.basename(p)[:-4]] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": vals(a)}
json.dump(out, sys.stdout)
`
	b, err := exec.Command(py, "-c", script, npz).Output()
	if err != nil {
		t.Fatalf("numpy.load: %v", err)
	}
	var got map[string]want
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	npys := 0
	for name, g := range got {
		key := name
		if len(name) > 4 && name[:4] == "npy:" {
			key = name[4:]
			npys++
		}
		w, ok := wants[key]
		if !ok {
			t.Errorf("NumPy found an array %q that was not written", name)
			continue
		}
		if g.Dtype != w.Dtype || !reflect.DeepEqual(g.Shape, w.Shape) || !closeAll(g.Values, w.Values) {
			t.Errorf("%s: NumPy loaded %s %v %v, want %s %v %v", name, g.Dtype, g.Shape, g.Values, w.Dtype, w.Shape, w.Values)
		}
	}
	if len(got) != len(wants)+npys || npys != int(lastDtype) {
		t.Errorf("NumPy loaded %d arrays (%d .npy), want %d + %d", len(got), npys, len(wants), int(lastDtype))
	}
}

func closeAll(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// JSON carries float64; uint64 values above 2^53 round the same way on both sides.
		if a[i] != b[i] && math.Abs(a[i]-b[i]) > 1e-12*math.Abs(b[i]) {
			return false
		}
	}
	return true
}

// TestReadNumPyFiles reads what NumPy writes: savez, savez_compressed,
// Fortran order, big-endian, scalars, empty arrays, format 2.0 and 3.0.
func TestReadNumPyFiles(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	script := `
import sys, os, numpy as np
from numpy.lib import format as fmt
d = sys.argv[1]
a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
np.savez(os.path.join(d, "plain.npz"), a=a, f=np.asfortranarray(a), b=a.astype(">f8"), s=np.int64(-7), e=np.zeros((0, 3), np.int32), t=np.array([True, False]), c=(a - 2j*a).astype(">c16"), c8=np.asfortranarray(a + 0.5j).astype(np.complex64))
np.savez_compressed(os.path.join(d, "compressed.npz"), a=a, f=np.asfortranarray(a), b=a.astype(">f8"), s=np.int64(-7), e=np.zeros((0, 3), np.int32), t=np.array([True, False]), c=(a - 2j*a).astype(">c16"), c8=np.asfortranarray(a + 0.5j).astype(np.complex64))
for v in [(2, 0), (3, 0)]:
    with open(os.path.join(d, "v%d.npy" % v[0]), "wb") as f:
        fmt.write_array(f, np.asfortranarray(a), version=v)
`
	if out, err := exec.Command(py, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	a := make([]float32, 24)
	b := make([]float64, 24)
	c := make([]complex128, 24)
	c8 := make([]complex64, 24)
	for i := range a {
		a[i], b[i] = float32(i), float64(i)
		c[i], c8[i] = complex(float64(i), -2*float64(i)), complex(float32(i), 0.5)
	}
	want := map[string]Array{
		"a":  {Float32, []int{2, 3, 4}, a},
		"f":  {Float32, []int{2, 3, 4}, a},
		"b":  {Float64, []int{2, 3, 4}, b},
		"s":  {Int64, []int{}, []int64{-7}},
		"e":  {Int32, []int{0, 3}, []int32{}},
		"t":  {Bool, []int{2}, []bool{true, false}},
		"c":  {Complex128, []int{2, 3, 4}, c},
		"c8": {Complex64, []int{2, 3, 4}, c8},
	}
	for _, file := range []string{"plain.npz", "compressed.npz"} {
		z, err := OpenNPZ(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			got, err := z.Read(name)
			if err != nil || !reflect.DeepEqual(got, w) {
				t.Errorf("%s %s: %+v, %v; want %+v", file, name, got, err, w)
			}
		}
		z.Close()
	}
	for _, file := range []string{"v2.npy", "v3.npy"} {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadNPY(bytes.NewReader(raw), int64(len(raw)))
		if err != nil || !reflect.DeepEqual(got, want["a"]) {
			t.Errorf("%s: %+v, %v", file, got, err)
		}
	}
}
