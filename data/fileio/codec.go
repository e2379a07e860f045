package fileio

import (
	"encoding/binary"
	"io"
	"math"
)

// decode converts raw element bytes of dtype d (big-endian if be) to a new
// slice of d's Go type. len(raw) must be a multiple of d.Size().
func decode(d Dtype, be bool, raw []byte) any {
	var bo binary.ByteOrder = binary.LittleEndian
	if be {
		bo = binary.BigEndian
	}
	switch d {
	case Bool:
		out := make([]bool, len(raw))
		for i, b := range raw {
			out[i] = b != 0
		}
		return out
	case Int8:
		out := make([]int8, len(raw))
		for i, b := range raw {
			out[i] = int8(b)
		}
		return out
	case Uint8:
		return append([]uint8{}, raw...)
	case Int16:
		return decodeN(raw, 2, func(b []byte) int16 { return int16(bo.Uint16(b)) })
	case Uint16:
		return decodeN(raw, 2, bo.Uint16)
	case Int32:
		return decodeN(raw, 4, func(b []byte) int32 { return int32(bo.Uint32(b)) })
	case Uint32:
		return decodeN(raw, 4, bo.Uint32)
	case Int64:
		return decodeN(raw, 8, func(b []byte) int64 { return int64(bo.Uint64(b)) })
	case Uint64:
		return decodeN(raw, 8, bo.Uint64)
	case Float32:
		return decodeN(raw, 4, func(b []byte) float32 { return math.Float32frombits(bo.Uint32(b)) })
	case Float64:
		return decodeN(raw, 8, func(b []byte) float64 { return math.Float64frombits(bo.Uint64(b)) })
	case Complex64:
		return decodeN(raw, 8, func(b []byte) complex64 {
			return complex(math.Float32frombits(bo.Uint32(b)), math.Float32frombits(bo.Uint32(b[4:])))
		})
	case Complex128:
		return decodeN(raw, 16, func(b []byte) complex128 {
			return complex(math.Float64frombits(bo.Uint64(b)), math.Float64frombits(bo.Uint64(b[8:])))
		})
	}
	return nil
}

func decodeN[T any](raw []byte, size int, get func([]byte) T) []T {
	out := make([]T, len(raw)/size)
	for i := range out {
		out[i] = get(raw[i*size : i*size+size])
	}
	return out
}

// writeData writes the elements of data (a supported slice) little-endian
// to w, through a bounded buffer.
func writeData(w io.Writer, data any) error {
	switch d := data.(type) {
	case []bool:
		return encodeN(w, d, 1, func(b []byte, v bool) {
			b[0] = 0
			if v {
				b[0] = 1
			}
		})
	case []int8:
		return encodeN(w, d, 1, func(b []byte, v int8) { b[0] = byte(v) })
	case []uint8:
		_, err := w.Write(d)
		return err
	case []int16:
		return encodeN(w, d, 2, func(b []byte, v int16) { binary.LittleEndian.PutUint16(b, uint16(v)) })
	case []uint16:
		return encodeN(w, d, 2, binary.LittleEndian.PutUint16)
	case []int32:
		return encodeN(w, d, 4, func(b []byte, v int32) { binary.LittleEndian.PutUint32(b, uint32(v)) })
	case []uint32:
		return encodeN(w, d, 4, binary.LittleEndian.PutUint32)
	case []int64:
		return encodeN(w, d, 8, func(b []byte, v int64) { binary.LittleEndian.PutUint64(b, uint64(v)) })
	case []uint64:
		return encodeN(w, d, 8, binary.LittleEndian.PutUint64)
	case []float32:
		return encodeN(w, d, 4, func(b []byte, v float32) { binary.LittleEndian.PutUint32(b, math.Float32bits(v)) })
	case []float64:
		return encodeN(w, d, 8, func(b []byte, v float64) { binary.LittleEndian.PutUint64(b, math.Float64bits(v)) })
	case []complex64:
		return encodeN(w, d, 8, func(b []byte, v complex64) {
			binary.LittleEndian.PutUint32(b, math.Float32bits(real(v)))
			binary.LittleEndian.PutUint32(b[4:], math.Float32bits(imag(v)))
		})
	case []complex128:
		return encodeN(w, d, 16, func(b []byte, v complex128) {
			binary.LittleEndian.PutUint64(b, math.Float64bits(real(v)))
			binary.LittleEndian.PutUint64(b[8:], math.Float64bits(imag(v)))
		})
	}
	return nil
}

// encodeBuf is the size of the buffer writeData converts through.
const encodeBuf = 1 << 15

func encodeN[T any](w io.Writer, data []T, size int, put func([]byte, T)) error {
	buf := make([]byte, min(encodeBuf, len(data)*size))
	per := max(len(buf)/size, 1)
	for start := 0; start < len(data); start += per {
		chunk := data[start:min(start+per, len(data))]
		b := buf[:len(chunk)*size]
		for i, v := range chunk {
			put(b[i*size:], v)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// copyElem sets dst[i] = src[j]; dst and src are slices of the same type.
func copyElem(dst any, i int, src any, j int) {
	switch d := dst.(type) {
	case []bool:
		d[i] = src.([]bool)[j]
	case []int8:
		d[i] = src.([]int8)[j]
	case []uint8:
		d[i] = src.([]uint8)[j]
	case []int16:
		d[i] = src.([]int16)[j]
	case []uint16:
		d[i] = src.([]uint16)[j]
	case []int32:
		d[i] = src.([]int32)[j]
	case []uint32:
		d[i] = src.([]uint32)[j]
	case []int64:
		d[i] = src.([]int64)[j]
	case []uint64:
		d[i] = src.([]uint64)[j]
	case []float32:
		d[i] = src.([]float32)[j]
	case []float64:
		d[i] = src.([]float64)[j]
	case []complex64:
		d[i] = src.([]complex64)[j]
	case []complex128:
		d[i] = src.([]complex128)[j]
	}
}
