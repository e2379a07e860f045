package fileio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// sample returns a slice of dtype d with n distinct values.
func sample(d Dtype, n int) any {
	s := makeSlice(d, n)
	for i := range n {
		switch v := s.(type) {
		case []bool:
			v[i] = i%3 == 1
		case []int8:
			v[i] = int8(i - 60)
		case []uint8:
			v[i] = uint8(i * 7)
		case []int16:
			v[i] = int16(-300 * i)
		case []uint16:
			v[i] = uint16(1000 * i)
		case []int32:
			v[i] = int32(-70000 * i)
		case []uint32:
			v[i] = uint32(3_000_000_000 - i)
		case []int64:
			v[i] = -1 << 40 * int64(i+1)
		case []uint64:
			v[i] = 1<<63 + uint64(i)
		case []float32:
			v[i] = float32(i)/3 - 1.5
		case []float64:
			v[i] = math.Pi * float64(i-2)
		case []complex64:
			v[i] = complex(float32(i)/4, -float32(i)-0.5)
		case []complex128:
			v[i] = complex(math.E*float64(i), 1/float64(i+3))
		}
	}
	return s
}

func shapes() [][]int {
	return [][]int{{}, {0}, {1}, {5}, {2, 3}, {0, 4}, {3, 0}, {2, 0, 3}, {2, 3, 4}, {1, 1, 1, 1}}
}

func TestNPYRoundTripEveryDtypeAndShape(t *testing.T) {
	for d := Bool; d <= lastDtype; d++ {
		for _, shape := range shapes() {
			n, _ := elements(shape)
			data := sample(d, n)
			var buf bytes.Buffer
			if err := WriteNPY(&buf, data, shape...); err != nil {
				t.Fatalf("%v %v: %v", d, shape, err)
			}
			h, err := ReadHeader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if h.Len%64 != 0 {
				t.Errorf("%v %v: header length %d, NumPy pads it to a multiple of 64", d, shape, h.Len)
			}
			a, err := ReadNPY(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatalf("%v %v: %v", d, shape, err)
			}
			if a.Dtype != d || !reflect.DeepEqual(a.Shape, append([]int{}, shape...)) || !reflect.DeepEqual(a.Data, data) {
				t.Errorf("%v %v: read back %v %v %v", d, shape, a.Dtype, a.Shape, a.Data)
			}
		}
	}
}

func TestWriteNPYHeaderIsNumPys(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, []float32{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	// What numpy.save writes for np.zeros((2, 3), np.float32) (NumPy 1.24).
	want := "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + strings.Repeat(" ", 58) + "\n"
	if got := buf.String()[:128]; got != want {
		t.Errorf("header\n%q, want\n%q", got, want)
	}
}

func TestWriteNPYErrors(t *testing.T) {
	var buf bytes.Buffer
	for _, c := range []struct {
		data  any
		shape []int
		want  string
	}{
		{[]float32{1, 2}, []int{3}, "shape (3,) holds 3 elements, data has 2"},
		{[]float32{1, 2}, nil, "shape () holds 1 elements, data has 2"},
		{[]int{1}, []int{1}, "unsupported element type []int"},
		{[]float64{}, []int{-1}, "negative dimension"},
	} {
		err := WriteNPY(&buf, c.data, c.shape...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("WriteNPY(%T, %v) = %v, want %q", c.data, c.shape, err, c.want)
		}
	}
}

// npyBytes builds a .npy file from a raw header dict and data.
func npyBytes(version byte, dict string, data []byte) []byte {
	b := []byte(npyMagic)
	b = append(b, version, 0)
	if version == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	return append(append(b, dict...), data...)
}

func TestReadNPYVariants(t *testing.T) {
	be := make([]byte, 8)
	binary.BigEndian.PutUint32(be, math.Float32bits(1.5))
	binary.BigEndian.PutUint32(be[4:], math.Float32bits(-2))
	le := make([]byte, 24)
	for i := range 6 {
		binary.LittleEndian.PutUint32(le[4*i:], uint32(i))
	}
	for _, c := range []struct {
		name string
		file []byte
		want Array
	}{
		{"big-endian", npyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", be),
			Array{Float32, []int{2}, []float32{1.5, -2}}},
		{"version 2, double quotes, no trailing comma", npyBytes(2, `{"descr": "<i4", "shape": (6,), "fortran_order": False}`, le),
			Array{Int32, []int{6}, []int32{0, 1, 2, 3, 4, 5}}},
		{"version 3, long suffix", npyBytes(3, "{'descr': '<u4', 'fortran_order': False, 'shape': (2L, 3L), }", le),
			Array{Uint32, []int{2, 3}, []uint32{0, 1, 2, 3, 4, 5}}},
		// Fortran order: memory 0..5 is column-major for shape (2, 3):
		// [[0, 2, 4], [1, 3, 5]].
		{"fortran", npyBytes(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", le),
			Array{Int32, []int{2, 3}, []int32{0, 2, 4, 1, 3, 5}}},
		{"scalar", npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", le[4:8]),
			Array{Int32, []int{}, []int32{1}}},
	} {
		a, err := ReadNPY(bytes.NewReader(c.file), int64(len(c.file)))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(a, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, a, c.want)
		}
	}
}

// TestReadNPYCorrupt: bad headers and sizes give errors that say what is
// wrong, and never panic or allocate what the file cannot justify.
func TestReadNPYCorrupt(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
	data := make([]byte, 8)
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"issue 8 repro: 14 bytes", []byte("\x93NUMPY\x01\x00\x04\x00abcd"), "want a Python dict"},
		{"empty", nil, "not a .npy array"},
		{"bad magic", []byte("PK\x03\x04xxxxxxxx"), "magic string"},
		{"version", npyBytes(1, ok, data)[:6:6], "not a .npy array"},
		{"version 4", append([]byte(npyMagic), 4, 0, 0, 0), "version 4.0"},
		{"header longer than the file", append([]byte(npyMagic), 1, 0, 0xff, 0x20), "header (8447 bytes)"},
		{"header over the limit", append([]byte(npyMagic), 2, 0, 0, 0, 0, 1), "at most 10000"},
		{"4 GB declared", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,), }", data), "4294967296 bytes of data, but 8 bytes follow"},
		{"overflowing shape", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", data), "too many elements"},
		{"huge dimension", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }", data), "too large"},
		{"short data", npyBytes(1, ok, data[:7]), "8 bytes of data, but 7 bytes follow"},
		{"extra data", npyBytes(1, ok, append(data, 0)), "8 bytes of data, but 9 bytes follow"},
		{"object dtype", npyBytes(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", data), "dtype \"|O\" is not supported"},
		{"structured dtype", npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", data), "descr: want a quoted string"},
		{"complex256", npyBytes(1, "{'descr': '<c32', 'fortran_order': False, 'shape': (1,), }", data), "not supported"},
		{"float16", npyBytes(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", data), "not supported"},
		{"long size", npyBytes(1, "{'descr': '<f00008', 'fortran_order': False, 'shape': (1,), }", data), "not supported"},
		{"wrong order mark", npyBytes(1, "{'descr': '|f4', 'fortran_order': False, 'shape': (2,), }", data), "byte order"},
		{"missing key", npyBytes(1, "{'descr': '<f4', 'shape': (2,), }", data), `key "fortran_order" is missing`},
		{"extra key", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", data), `unexpected key "x"`},
		{"duplicate key", npyBytes(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data), "appears twice"},
		{"shape not a tuple", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", data), "1-tuple is (n,)"},
		{"negative", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", data), "non-negative integer"},
		{"fortran not bool", npyBytes(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", data), "True or False"},
		{"trailing junk", npyBytes(1, ok+"x", data), "after the dict"},
		{"unterminated", npyBytes(1, "{'descr': '<f4", data), "unterminated string"},
		{"too many dims", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': ("+strings.Repeat("1,", 65)+"), }", data), "more than 64"},
	} {
		var a Array
		var err error
		allocs := testing.AllocsPerRun(1, func() {
			a, err = ReadNPY(bytes.NewReader(c.file), int64(len(c.file)))
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q (got %+v)", c.name, err, c.want, a)
		}
		if allocs > 100 {
			t.Errorf("%s: %v allocations", c.name, allocs)
		}
	}
}

func TestShapeString(t *testing.T) {
	for _, c := range []struct {
		s    []int
		want string
	}{{nil, "()"}, {[]int{3}, "(3,)"}, {[]int{2, 0, 4}, "(2, 0, 4)"}} {
		if got := ShapeString(c.s); got != c.want {
			t.Errorf("ShapeString(%v) = %q, want %q", c.s, got, c.want)
		}
	}
}

func ExampleWriteNPY() {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, []float32{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		panic(err)
	}
	a, err := ReadNPY(&buf, int64(buf.Len()))
	fmt.Println(a.Dtype, ShapeString(a.Shape), a.Data, err)
	// Output: float32 (2, 3) [1 2 3 4 5 6] <nil>
}
