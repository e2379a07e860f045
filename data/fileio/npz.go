package fileio

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
)

// maxDeflateRatio bounds the uncompressed size a deflated member may
// declare: DEFLATE cannot compress by more than about 1032:1.
const maxDeflateRatio = 1032

// NPZReader reads the arrays of a NumPy .npz archive (numpy.savez or
// numpy.savez_compressed). Arrays are named as numpy.load names them: the
// member name without its ".npy" suffix.
type NPZReader struct {
	size    int64
	members map[string]*zip.File
	names   []string
}

// NewNPZReader opens the .npz archive of size bytes read through r. It
// checks the archive's directory: every member must be stored or deflated,
// names must be unique, and every member's declared sizes must fit in the
// archive; arrays are read by Header and Read.
func NewNPZReader(r io.ReaderAt, size int64) (*NPZReader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a readable .npz (zip) archive: %w", err)
	}
	z := &NPZReader{size: size, members: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if _, dup := z.members[name]; dup {
			return nil, fmt.Errorf("npz: member %q appears twice", f.Name)
		}
		if err := checkMember(f, size); err != nil {
			return nil, fmt.Errorf("npz member %q: %w", f.Name, err)
		}
		z.members[name] = f
		z.names = append(z.names, name)
	}
	return z, nil
}

// checkMember checks that f's declared sizes can be justified by an
// archive of size bytes.
func checkMember(f *zip.File, size int64) error {
	if f.CompressedSize64 > math.MaxInt64 || f.UncompressedSize64 > math.MaxInt64 {
		return fmt.Errorf("declared size %d is not possible", f.UncompressedSize64)
	}
	comp := int64(f.CompressedSize64)
	off, err := f.DataOffset()
	if err != nil {
		return fmt.Errorf("unreadable local header: %w", err)
	}
	if off < 0 || comp > size || off > size-comp {
		return fmt.Errorf("declares %d bytes of data at offset %d, beyond the end of the %d-byte archive", comp, off, size)
	}
	switch f.Method {
	case zip.Store:
		if f.UncompressedSize64 != f.CompressedSize64 {
			return fmt.Errorf("stored (uncompressed) member declares %d bytes but holds %d", f.UncompressedSize64, f.CompressedSize64)
		}
	case zip.Deflate:
		if f.UncompressedSize64/maxDeflateRatio > f.CompressedSize64+1 {
			return fmt.Errorf("declares %d bytes uncompressed from %d compressed, more than DEFLATE can produce", f.UncompressedSize64, f.CompressedSize64)
		}
	default:
		return fmt.Errorf("compression method %d is not supported (want stored or deflated, as numpy.savez and savez_compressed write)", f.Method)
	}
	return nil
}

// Names returns the array names in archive order.
func (z *NPZReader) Names() []string { return append([]string(nil), z.names...) }

// Has reports whether the archive has an array called name (with or
// without the ".npy" suffix).
func (z *NPZReader) Has(name string) bool {
	_, ok := z.members[strings.TrimSuffix(name, ".npy")]
	return ok
}

func (z *NPZReader) member(name string) (*zip.File, error) {
	f, ok := z.members[strings.TrimSuffix(name, ".npy")]
	if !ok {
		names := z.Names()
		sort.Strings(names)
		return nil, fmt.Errorf("npz: no array %q (have %s)", name, quoteList(names))
	}
	return f, nil
}

func quoteList(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// Header returns the header of the array called name, reading only the
// header. The declared shape is checked against the member's size.
func (z *NPZReader) Header(name string) (Header, error) {
	f, err := z.member(name)
	if err != nil {
		return Header{}, err
	}
	rc, err := f.Open()
	if err != nil {
		return Header{}, fmt.Errorf("npz member %q: %w", f.Name, err)
	}
	defer rc.Close()
	h, err := ReadHeader(rc)
	if err != nil {
		return Header{}, fmt.Errorf("npz member %q: %w", f.Name, err)
	}
	if err := checkDataSize(h, int64(f.UncompressedSize64)-int64(h.Len)); err != nil {
		return Header{}, fmt.Errorf("npz member %q: %w", f.Name, err)
	}
	return h, nil
}

func checkDataSize(h Header, avail int64) error {
	n, err := elements(h.Shape)
	if err != nil {
		return err
	}
	size := int64(h.Dtype.Size())
	if avail < 0 || int64(n) > avail/size || int64(n)*size != avail {
		return fmt.Errorf("header declares shape %s of %s, %d bytes of data, but the member holds %d bytes after its %d-byte header",
			ShapeString(h.Shape), h.Dtype, int64(n)*size, max(avail, 0), h.Len)
	}
	return nil
}

// Read reads the array called name. The declared shape is checked against
// the member's size before the data are allocated, and the member's CRC is
// checked. Errors name the member.
func (z *NPZReader) Read(name string) (Array, error) {
	f, err := z.member(name)
	if err != nil {
		return Array{}, err
	}
	a, err := readMember(f)
	if err != nil {
		return Array{}, fmt.Errorf("npz member %q: %w", f.Name, err)
	}
	return a, nil
}

func readMember(f *zip.File) (Array, error) {
	rc, err := f.Open()
	if err != nil {
		return Array{}, err
	}
	defer rc.Close()
	h, err := ReadHeader(rc)
	if err != nil {
		return Array{}, err
	}
	avail := int64(f.UncompressedSize64) - int64(h.Len)
	if err := checkDataSize(h, avail); err != nil {
		return Array{}, err
	}
	a, err := readData(rc, h, avail)
	if err != nil {
		return Array{}, err
	}
	// Reading to the end makes archive/zip check the size and CRC.
	var one [1]byte
	switch n, err := rc.Read(one[:]); {
	case n > 0:
		return Array{}, errors.New("the member holds more data than it declares")
	case err != nil && err != io.EOF:
		return Array{}, err
	}
	return a, nil
}

// NPZFile is an .npz archive opened from a file; Close it when done.
type NPZFile struct {
	*NPZReader
	f *os.File
}

// OpenNPZ opens the .npz archive at path (see NewNPZReader).
func OpenNPZ(path string) (*NPZFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	z, err := NewNPZReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &NPZFile{NPZReader: z, f: f}, nil
}

// Close closes the file.
func (f *NPZFile) Close() error { return f.f.Close() }

// NPZWriter writes a NumPy .npz archive: uncompressed .npy members as
// numpy.savez writes them, with fixed timestamps so that the same arrays
// give the same bytes.
type NPZWriter struct {
	zw    *zip.Writer
	names map[string]bool
	open  *ArrayWriter
}

// NewNPZWriter returns a writer of an .npz archive to w. Call Close to
// finish the archive.
func NewNPZWriter(w io.Writer) *NPZWriter {
	return &NPZWriter{zw: zip.NewWriter(w), names: map[string]bool{}}
}

// Add writes data (a supported slice) as the array name with the given
// shape (none for a scalar), as WriteNPY does.
func (z *NPZWriter) Add(name string, data any, shape ...int) error {
	d, ok := DtypeOf(data)
	if !ok {
		return fmt.Errorf("npz array %q: unsupported element type %T", name, data)
	}
	aw, err := z.Create(name, d, shape...)
	if err != nil {
		return err
	}
	if err := aw.Write(data); err != nil {
		return err
	}
	return aw.Close()
}

// Create starts the array name of dtype d and the given shape, whose
// elements are then written in C order by one or more ArrayWriter.Write
// calls; ArrayWriter.Close checks that exactly the declared number of
// elements was written. Only one array can be open at a time.
func (z *NPZWriter) Create(name string, d Dtype, shape ...int) (*ArrayWriter, error) {
	if z.open != nil {
		return nil, fmt.Errorf("npz array %q: array %q is still open", name, z.open.name)
	}
	if !d.valid() {
		return nil, fmt.Errorf("npz array %q: invalid dtype %v", name, d)
	}
	if name == "" || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("npz array %q: want a non-empty name without slashes", name)
	}
	if z.names[name] {
		return nil, fmt.Errorf("npz array %q written twice", name)
	}
	n, err := elements(shape)
	if err != nil {
		return nil, fmt.Errorf("npz array %q: %w", name, err)
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
	if err != nil {
		return nil, fmt.Errorf("npz array %q: %w", name, err)
	}
	if _, err := w.Write(encodeHeader(d, shape)); err != nil {
		return nil, fmt.Errorf("npz array %q: %w", name, err)
	}
	z.names[name] = true
	z.open = &ArrayWriter{z: z, w: w, name: name, dtype: d, shape: shape, want: n}
	return z.open, nil
}

// Close finishes the archive (it does not close the underlying writer).
func (z *NPZWriter) Close() error {
	if z.open != nil {
		return fmt.Errorf("npz array %q: not closed", z.open.name)
	}
	return z.zw.Close()
}

// ArrayWriter streams the elements of one .npz array; see NPZWriter.Create.
type ArrayWriter struct {
	z           *NPZWriter
	w           io.Writer
	name        string
	dtype       Dtype
	shape       []int
	want, wrote int
}

// Write appends the elements of data, a slice of the array's element type.
// Writing more elements than the shape holds is an error.
func (a *ArrayWriter) Write(data any) error {
	d, ok := DtypeOf(data)
	if !ok || d != a.dtype {
		return fmt.Errorf("npz array %q: writing %T to an array of %s", a.name, data, a.dtype)
	}
	n := sliceLen(data)
	if n > a.want-a.wrote {
		return fmt.Errorf("npz array %q: shape %s holds %d elements, writing %d more after %d", a.name, ShapeString(a.shape), a.want, n, a.wrote)
	}
	if err := writeData(a.w, data); err != nil {
		return fmt.Errorf("npz array %q: %w", a.name, err)
	}
	a.wrote += n
	return nil
}

// Close ends the array; it is an error if fewer elements than the shape
// holds were written.
func (a *ArrayWriter) Close() error {
	if a.z.open != a {
		return fmt.Errorf("npz array %q: closed twice", a.name)
	}
	a.z.open = nil
	if a.wrote != a.want {
		return fmt.Errorf("npz array %q: shape %s holds %d elements, %d were written", a.name, ShapeString(a.shape), a.want, a.wrote)
	}
	return nil
}
