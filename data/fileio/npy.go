package fileio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxHeaderLen is the longest .npy header ReadNPY accepts, in bytes: NumPy's
// own default limit (numpy.lib.format, max_header_size). Headers that NumPy
// writes for the dtypes of this package are far shorter.
const MaxHeaderLen = 10000

// MaxDims is the largest number of dimensions accepted (NumPy 2's limit).
const MaxDims = 64

// npyMagic is the first 6 bytes of every .npy file.
const npyMagic = "\x93NUMPY"

// Array is an n-dimensional array read from or written to a .npy file.
type Array struct {
	Dtype Dtype
	// Shape is NumPy's shape; empty for a scalar (one element).
	Shape []int
	// Data holds the elements in C (row-major) order, as the Go slice type
	// of Dtype ([]float32 for Float32, ...); its length is the product of
	// Shape.
	Data any
}

// Header is the parsed header of a .npy array.
type Header struct {
	Dtype     Dtype
	BigEndian bool  // the data are stored big-endian ('>' in the descr)
	Fortran   bool  // the data are stored in Fortran (column-major) order
	Shape     []int // empty for a scalar
	// Len is the length of the whole header in bytes, from the magic string
	// to the end of the padding: the data start at offset Len.
	Len int
}

// Elements returns the number of elements the header declares.
func (h Header) Elements() int {
	n, _ := elements(h.Shape)
	return n
}

// DataBytes returns the number of data bytes the header declares.
func (h Header) DataBytes() int64 { return int64(h.Elements()) * int64(h.Dtype.Size()) }

// ShapeString formats a shape as NumPy does: "()", "(3,)", "(2, 3)".
func ShapeString(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// elements returns the product of shape, or an error if a dimension is
// negative, there are too many, or the product overflows.
func elements(shape []int) (int, error) {
	if len(shape) > MaxDims {
		return 0, fmt.Errorf("shape has %d dimensions, at most %d are supported", len(shape), MaxDims)
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has a negative dimension", ShapeString(shape))
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %s has too many elements", ShapeString(shape))
		}
		n *= d
	}
	return n, nil
}

// ReadHeader reads and parses a .npy header from r (the magic string,
// version, header length and the header dict) and returns it; the data
// follow. It reads exactly Header.Len bytes and never more than
// MaxHeaderLen+12. Errors say what is wrong.
func ReadHeader(r io.Reader) (Header, error) {
	var pre [12]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return Header{}, fmt.Errorf("not a .npy array: %w", eofUnexpected(err))
	}
	if string(pre[:6]) != npyMagic {
		return Header{}, fmt.Errorf("not a .npy array: the first bytes are %q, want the magic string %q", pre[:6], npyMagic)
	}
	major, minor := pre[6], pre[7]
	var hlen, prelen int
	switch {
	case major == 1 && minor == 0:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return Header{}, fmt.Errorf(".npy header length: %w", eofUnexpected(err))
		}
		hlen, prelen = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case (major == 2 || major == 3) && minor == 0:
		if _, err := io.ReadFull(r, pre[8:12]); err != nil {
			return Header{}, fmt.Errorf(".npy header length: %w", eofUnexpected(err))
		}
		n := binary.LittleEndian.Uint32(pre[8:12])
		if n > MaxHeaderLen {
			return Header{}, fmt.Errorf(".npy header is %d bytes long, at most %d are accepted", n, MaxHeaderLen)
		}
		hlen, prelen = int(n), 12
	default:
		return Header{}, fmt.Errorf(".npy format version %d.%d is not supported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	if hlen > MaxHeaderLen {
		return Header{}, fmt.Errorf(".npy header is %d bytes long, at most %d are accepted", hlen, MaxHeaderLen)
	}
	buf := make([]byte, hlen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return Header{}, fmt.Errorf(".npy header (%d bytes): %w", hlen, eofUnexpected(err))
	}
	h, err := parseHeaderDict(buf)
	if err != nil {
		return Header{}, fmt.Errorf(".npy header %q: %w", truncate(buf, 120), err)
	}
	h.Len = prelen + hlen
	return h, nil
}

func eofUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// parseHeaderDict parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }, followed by
// spaces and a newline. Exactly the three keys must be present, as NumPy
// requires.
func parseHeaderDict(b []byte) (Header, error) {
	p := &pyParser{b: b}
	var h Header
	seen := map[string]bool{}
	p.space()
	if !p.eat('{') {
		return h, errors.New("want a Python dict starting with '{'")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("key: %w", err)
		}
		if seen[key] {
			return h, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return h, fmt.Errorf("want ':' after key %q", key)
		}
		p.space()
		switch key {
		case "descr":
			s, err := p.str()
			if err != nil {
				return h, fmt.Errorf("descr: %w", err)
			}
			if h.Dtype, h.BigEndian, err = parseDescr(s); err != nil {
				return h, err
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
				h.Fortran = false
			default:
				return h, errors.New("fortran_order: want True or False")
			}
		case "shape":
			shape, err := p.tuple()
			if err != nil {
				return h, fmt.Errorf("shape: %w", err)
			}
			h.Shape = shape
		default:
			return h, fmt.Errorf("unexpected key %q (want descr, fortran_order, shape)", key)
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return h, errors.New("want ',' or '}' after a value")
		}
		break
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("key %q is missing", k)
		}
	}
	p.space()
	if p.i != len(p.b) {
		return h, fmt.Errorf("unexpected %q after the dict", truncate(p.b[p.i:], 20))
	}
	if _, err := elements(h.Shape); err != nil {
		return h, err
	}
	return h, nil
}

// pyParser reads the small subset of Python literals used in .npy headers.
type pyParser struct {
	b []byte
	i int
}

func (p *pyParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\t' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *pyParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyParser) word(w string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(w)) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a quoted string without escapes ('...' or "...").
func (p *pyParser) str() (string, error) {
	if p.i >= len(p.b) || (p.b[p.i] != '\'' && p.b[p.i] != '"') {
		return "", errors.New("want a quoted string")
	}
	q := p.b[p.i]
	end := bytes.IndexByte(p.b[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	s := p.b[p.i+1 : p.i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 {
		return "", errors.New("escapes in strings are not supported")
	}
	p.i += end + 2
	return string(s), nil
}

// tuple reads a tuple of non-negative integers: (), (3,), (2, 3) or
// (2, 3,); Python 2's long suffix (3L) is accepted. (3) is not a tuple.
func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want a tuple of integers")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			if len(shape) == 1 {
				return nil, errors.New("want a tuple: (n) is an integer in Python, a 1-tuple is (n,)")
			}
			return shape, nil
		}
		if len(shape) >= MaxDims {
			return nil, fmt.Errorf("more than %d dimensions", MaxDims)
		}
		start := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, errors.New("want a non-negative integer dimension")
		}
		d, err := strconv.Atoi(string(p.b[start:p.i]))
		if err != nil {
			return nil, fmt.Errorf("dimension %s is too large", p.b[start:p.i])
		}
		p.eat('L')
		shape = append(shape, d)
		p.space()
		if p.eat(',') {
			if p.space(); p.eat(')') {
				return shape, nil
			}
			continue
		}
		if !p.eat(')') {
			return nil, errors.New("want ',' or ')' in the shape tuple")
		}
		if len(shape) == 1 {
			return nil, errors.New("want a tuple: (n) is an integer in Python, a 1-tuple is (n,)")
		}
		return shape, nil
	}
}

// ReadNPY reads a .npy array of size bytes from r (e.g. a whole .npy file,
// size = its length). The declared shape must account for exactly the
// size-header bytes that follow the header; this is checked before any
// data are allocated. Fortran-order arrays are returned in C order.
func ReadNPY(r io.Reader, size int64) (Array, error) {
	h, err := ReadHeader(r)
	if err != nil {
		return Array{}, err
	}
	return readData(r, h, size-int64(h.Len))
}

// readData reads the data of header h from r, which holds exactly avail
// more bytes.
func readData(r io.Reader, h Header, avail int64) (Array, error) {
	n, err := elements(h.Shape)
	if err != nil {
		return Array{}, err
	}
	size := h.Dtype.Size()
	if avail < 0 || int64(n) > avail/int64(size) || int64(n)*int64(size) != avail {
		return Array{}, fmt.Errorf("header declares shape %s of %s, %d bytes of data, but %d bytes follow the %d-byte header",
			ShapeString(h.Shape), h.Dtype, int64(n)*int64(size), max(avail, 0), h.Len)
	}
	raw := make([]byte, avail)
	if _, err := io.ReadFull(r, raw); err != nil {
		return Array{}, fmt.Errorf("data of shape %s of %s: %w", ShapeString(h.Shape), h.Dtype, eofUnexpected(err))
	}
	data := decode(h.Dtype, h.BigEndian, raw)
	if h.Fortran && len(h.Shape) > 1 {
		data = fortranToC(data, h.Shape)
	}
	return Array{Dtype: h.Dtype, Shape: append([]int{}, h.Shape...), Data: data}, nil
}

// WriteNPY writes data (a slice of a supported element type, see DtypeOf)
// as a C-order, little-endian .npy array of the given shape to w, with
// NumPy's header layout (format 1.0, or 2.0 if the header needs it). A
// nil or empty shape writes a scalar (data must hold one element). The
// product of shape must equal len(data); any dimension may be 0.
func WriteNPY(w io.Writer, data any, shape ...int) error {
	d, ok := DtypeOf(data)
	if !ok {
		return fmt.Errorf("npy: unsupported element type %T", data)
	}
	n, err := elements(shape)
	if err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	if n != sliceLen(data) {
		return fmt.Errorf("npy: shape %s holds %d elements, data has %d", ShapeString(shape), n, sliceLen(data))
	}
	if _, err := w.Write(encodeHeader(d, shape)); err != nil {
		return err
	}
	return writeData(w, data)
}

// encodeHeader returns the .npy header NumPy writes for dtype d and shape:
// the dict padded with spaces and a newline to a multiple of 64 bytes.
func encodeHeader(d Dtype, shape []int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", d.Descr(), ShapeString(shape))
	pre := 10
	if len(dict)+1+pre > math.MaxUint16 {
		pre = 12
	}
	pad := (64 - (pre+len(dict)+1)%64) % 64
	hlen := len(dict) + pad + 1
	b := make([]byte, 0, pre+hlen)
	b = append(b, npyMagic...)
	if pre == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
	}
	b = append(b, dict...)
	for range pad {
		b = append(b, ' ')
	}
	return append(b, '\n')
}

// fortranToC returns the elements of a Fortran-order array of the given
// shape in C order.
func fortranToC(data any, shape []int) any {
	n := sliceLen(data)
	d, _ := DtypeOf(data)
	out := makeSlice(d, n)
	// idx[k] counts dimension k in C order (last fastest); src is the
	// Fortran offset of the same element.
	nd := len(shape)
	stride := make([]int, nd) // Fortran strides
	s := 1
	for k := 0; k < nd; k++ {
		stride[k] = s
		s *= shape[k]
	}
	idx := make([]int, nd)
	src := 0
	for dst := 0; dst < n; dst++ {
		copyElem(out, dst, data, src)
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			src += stride[k]
			if idx[k] < shape[k] {
				break
			}
			src -= stride[k] * shape[k]
			idx[k] = 0
		}
	}
	return out
}
