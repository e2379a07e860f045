package fileio

import "fmt"

// Dtype is one of the NumPy element types this package reads and writes.
// Each corresponds to one Go slice type, which is what Array.Data holds.
type Dtype uint8

// The supported dtypes; the Go slice type of each is in the comment.
const (
	Bool       Dtype = iota + 1 // []bool, NumPy "|b1"
	Int8                        // []int8, "|i1"
	Uint8                       // []uint8, "|u1"
	Int16                       // []int16, "<i2"
	Uint16                      // []uint16, "<u2"
	Int32                       // []int32, "<i4"
	Uint32                      // []uint32, "<u4"
	Int64                       // []int64, "<i8"
	Uint64                      // []uint64, "<u8"
	Float32                     // []float32, "<f4"
	Float64                     // []float64, "<f8"
	Complex64                   // []complex64, "<c8" (real and imaginary float32 parts)
	Complex128                  // []complex128, "<c16" (real and imaginary float64 parts)
)

// lastDtype is the last valid Dtype.
const lastDtype = Complex128

// info returns the NumPy kind letter, item size and name of d.
func (d Dtype) info() (kind byte, size int, name string) {
	switch d {
	case Bool:
		return 'b', 1, "bool"
	case Int8:
		return 'i', 1, "int8"
	case Uint8:
		return 'u', 1, "uint8"
	case Int16:
		return 'i', 2, "int16"
	case Uint16:
		return 'u', 2, "uint16"
	case Int32:
		return 'i', 4, "int32"
	case Uint32:
		return 'u', 4, "uint32"
	case Int64:
		return 'i', 8, "int64"
	case Uint64:
		return 'u', 8, "uint64"
	case Float32:
		return 'f', 4, "float32"
	case Float64:
		return 'f', 8, "float64"
	case Complex64:
		return 'c', 8, "complex64"
	case Complex128:
		return 'c', 16, "complex128"
	}
	return 0, 0, ""
}

func (d Dtype) valid() bool { return d >= Bool && d <= lastDtype }

// String returns NumPy's name of the dtype ("float32", "bool", ...).
func (d Dtype) String() string {
	if !d.valid() {
		return fmt.Sprintf("Dtype(%d)", uint8(d))
	}
	_, _, name := d.info()
	return name
}

// Size returns the size of one element in bytes (0 for an invalid Dtype).
func (d Dtype) Size() int {
	_, size, _ := d.info()
	return size
}

// Descr returns the little-endian NumPy descr of d: "<f4", "|b1", ...
func (d Dtype) Descr() string {
	if !d.valid() {
		return ""
	}
	kind, size, _ := d.info()
	order := byte('<')
	if size == 1 {
		order = '|'
	}
	return fmt.Sprintf("%c%c%d", order, kind, size)
}

// descrHelp lists the supported dtypes for error messages.
const descrHelp = "want one of bool, int8-64, uint8-64, float32, float64, complex64, complex128, e.g. '<f4'"

// parseDescr returns the Dtype and byte order of a NumPy descr string such
// as "<f4", ">i8", "|b1" or "<c16".
func parseDescr(s string) (d Dtype, bigEndian bool, err error) {
	size := 0
	if len(s) >= 3 && len(s) <= 4 {
		for _, c := range s[2:] {
			if c < '0' || c > '9' {
				size = 0
				break
			}
			size = 10*size + int(c-'0')
		}
	}
	if size == 0 {
		return 0, false, fmt.Errorf("dtype %q is not supported (%s)", s, descrHelp)
	}
	for k := Bool; k <= lastDtype; k++ {
		if kind, sz, _ := k.info(); kind != s[1] || sz != size {
			continue
		}
		switch s[0] {
		case '<', '=': // '=' is native order; NumPy writes '<' on every little-endian machine
			return k, false, nil
		case '>':
			return k, size > 1, nil
		case '|':
			if size == 1 {
				return k, false, nil
			}
		}
		return 0, false, fmt.Errorf("dtype %q: byte order %q is not valid for %d-byte elements", s, s[0], size)
	}
	return 0, false, fmt.Errorf("dtype %q is not supported (%s)", s, descrHelp)
}

// DtypeOf returns the Dtype of a slice of one of the supported element
// types, and false for anything else.
func DtypeOf(data any) (Dtype, bool) {
	switch data.(type) {
	case []bool:
		return Bool, true
	case []int8:
		return Int8, true
	case []uint8:
		return Uint8, true
	case []int16:
		return Int16, true
	case []uint16:
		return Uint16, true
	case []int32:
		return Int32, true
	case []uint32:
		return Uint32, true
	case []int64:
		return Int64, true
	case []uint64:
		return Uint64, true
	case []float32:
		return Float32, true
	case []float64:
		return Float64, true
	case []complex64:
		return Complex64, true
	case []complex128:
		return Complex128, true
	}
	return 0, false
}

// sliceLen returns the length of a supported slice (DtypeOf is true).
func sliceLen(data any) int {
	switch d := data.(type) {
	case []bool:
		return len(d)
	case []int8:
		return len(d)
	case []uint8:
		return len(d)
	case []int16:
		return len(d)
	case []uint16:
		return len(d)
	case []int32:
		return len(d)
	case []uint32:
		return len(d)
	case []int64:
		return len(d)
	case []uint64:
		return len(d)
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []complex64:
		return len(d)
	case []complex128:
		return len(d)
	}
	return 0
}

// makeSlice returns a new slice of n elements of dtype d.
func makeSlice(d Dtype, n int) any {
	switch d {
	case Bool:
		return make([]bool, n)
	case Int8:
		return make([]int8, n)
	case Uint8:
		return make([]uint8, n)
	case Int16:
		return make([]int16, n)
	case Uint16:
		return make([]uint16, n)
	case Int32:
		return make([]int32, n)
	case Uint32:
		return make([]uint32, n)
	case Int64:
		return make([]int64, n)
	case Uint64:
		return make([]uint64, n)
	case Float32:
		return make([]float32, n)
	case Float64:
		return make([]float64, n)
	case Complex64:
		return make([]complex64, n)
	case Complex128:
		return make([]complex128, n)
	}
	return nil
}
