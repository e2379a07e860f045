package data

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// pyOracle is a Python process that answers json.dumps(json.loads(x)) (or
// repr of a float given by its bits) for each request line, so that the
// formatter is checked against Python itself.
type pyOracle struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

const oracleScript = `
import sys, json, struct, binascii
for line in sys.stdin:
    kind, arg = line.split()
    try:
        if kind == "f":
            x = struct.unpack("<d", binascii.unhexlify(arg))[0]
            r = json.dumps(x)
        else:
            r = json.dumps(json.loads(binascii.unhexlify(arg).decode("utf-8")))
        print("ok", binascii.hexlify(r.encode()).decode() or "-")
    except Exception as e:
        print("err", "-")
    sys.stdout.flush()
`

// newPyOracle starts the oracle, or returns nil if /usr/bin/python3 is
// missing.
func newPyOracle(tb testing.TB) *pyOracle {
	cmd := exec.Command("/usr/bin/python3", "-c", oracleScript)
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		return nil
	}
	tb.Cleanup(func() { in.Close(); cmd.Wait() })
	return &pyOracle{cmd: cmd, in: in, out: bufio.NewReader(out)}
}

// ask returns Python's answer and whether Python succeeded.
func (p *pyOracle) ask(tb testing.TB, kind string, arg []byte) (string, bool) {
	fmt.Fprintf(p.in, "%s %s\n", kind, hex.EncodeToString(arg))
	line, err := p.out.ReadString('\n')
	if err != nil {
		tb.Fatalf("python oracle: %v", err)
	}
	f := strings.Fields(line)
	if len(f) != 2 || f[0] != "ok" {
		return "", false
	}
	if f[1] == "-" {
		return "", true
	}
	b, _ := hex.DecodeString(f[1])
	return string(b), true
}

func (p *pyOracle) float(tb testing.TB, x float64) string {
	var b [8]byte
	for i := range b {
		b[i] = byte(math.Float64bits(x) >> (8 * i))
	}
	s, _ := p.ask(tb, "f", b[:])
	return s
}

// checkPyFloatForm checks what can be checked without Python: the
// string parses back to x exactly, and has Python's notation for its
// magnitude.
func checkPyFloatForm(t *testing.T, x float64, s string) {
	t.Helper()
	switch {
	case math.IsNaN(x):
		if s != "NaN" {
			t.Fatalf("pyFloat(NaN) = %q", s)
		}
		return
	case math.IsInf(x, 0):
		if s != map[bool]string{true: "Infinity", false: "-Infinity"}[x > 0] {
			t.Fatalf("pyFloat(%v) = %q", x, s)
		}
		return
	}
	y, err := strconv.ParseFloat(s, 64)
	if err != nil || y != x || math.Signbit(y) != math.Signbit(x) {
		t.Fatalf("pyFloat(%v) = %q, which parses as %v (%v)", x, s, y, err)
	}
	a := math.Abs(x)
	exp := strings.ContainsRune(s, 'e')
	if want := a != 0 && (a < 1e-4 || a >= 1e16); exp != want {
		t.Fatalf("pyFloat(%v) = %q: exponent notation %v, want %v", x, s, exp, want)
	}
	if !exp && !strings.ContainsRune(s, '.') {
		t.Fatalf("pyFloat(%v) = %q: fixed notation without a decimal point", x, s)
	}
}

// TestPyFloatMatchesPython: every class of float64 (issue 8: 1e70 and the
// infinity it became panicked in the formatter) formats as Python's
// json.dumps, checked against Python on random bit patterns, powers of
// ten around the notation switches and the edges of the range.
func TestPyFloatMatchesPython(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1e70, -1e70, 1e16, 1e16 - 2, 1e-4, 1e-4 - 1e-20, 9.999999999999999e15,
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 2.2250738585072014e-308,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat32, 1e300 * 10}
	for e := -330; e <= 310; e++ {
		xs = append(xs, math.Pow10(e), -1.5*math.Pow10(e), 123456789*math.Pow10(e))
	}
	rng := rand.New(rand.NewPCG(70, 1))
	n := 5000
	if testing.Short() {
		n = 1000
	}
	for range n {
		xs = append(xs, math.Float64frombits(rng.Uint64()))
	}
	for _, x := range xs {
		checkPyFloatForm(t, x, pyFloat(x))
		if got := string(appendPyFloat([]byte("x"), x)); got != "x"+pyFloat(x) {
			t.Fatalf("appendPyFloat(%v) = %q, pyFloat %q", x, got, pyFloat(x))
		}
	}
	py := newPyOracle(t)
	if py == nil {
		t.Skip("no /usr/bin/python3: only the forms were checked")
	}
	for _, x := range xs {
		if got, want := pyFloat(x), py.float(t, x); got != want {
			t.Errorf("pyFloat(%v) = %s, Python writes %s", x, got, want)
		}
	}
}

// TestWritePyJSONMatchesPython: kwargs echoed by cmd/task are written as
// json.dumps(json.loads(kwargs)).
func TestWritePyJSONMatchesPython(t *testing.T) {
	docs := []string{
		`{"cohs":[1e70]}`, `{"cohs":[1e400, -1e400, 1e-400]}`, `{"a":1,"b":{"a":2,"a":3},"a":4}`,
		`{"timing":{"fixation":["truncated_exponential",[100,50300]]}}`, `[1, 1.0, 1E5, -0, -0.0, 123456789012345678901234567890]`,
		`{"s":"é😀\"\\\n\u0001","t":true,"f":false,"n":null}`, `{}`, `[]`, `"x"`, `3.14159`,
		`["\uD800", "\ud83d\ude00", "\udc00\ud800", "\ud800x", "a\/b"]`, `{"\ud800": 1, "\ufffd": 2}`,
	}
	py := newPyOracle(t)
	for _, d := range docs {
		var b bytes.Buffer
		if err := writePyJSON(&b, []byte(d)); err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		if py == nil {
			continue
		}
		if want, ok := py.ask(t, "j", []byte(d)); !ok || b.String() != want {
			t.Errorf("%s: wrote %s, Python %s (ok %v)", d, b.String(), want, ok)
		}
	}
	if py == nil {
		t.Skip("no /usr/bin/python3: only checked that nothing fails")
	}
}

func FuzzPyFloat(f *testing.F) {
	for _, x := range []float64{0, 1e70, 1e16, 1e-4, math.Inf(1), math.NaN(), 5e-324, 0.1} {
		f.Add(math.Float64bits(x))
	}
	py := newPyOracle(f)
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		s := pyFloat(x)
		checkPyFloatForm(t, x, s)
		if py != nil {
			if want := py.float(t, x); s != want {
				t.Fatalf("pyFloat(%v) = %s, Python writes %s", x, s, want)
			}
		}
	})
}

func FuzzWritePyJSON(f *testing.F) {
	for _, d := range []string{`{"cohs":[1e70]}`, `{"a":1,"a":2}`, `[1, 2.5, -0.0, "é", null, true]`, `{"dt":20,"timing":{"stimulus":1000},"sigma":0.3}`} {
		f.Add([]byte(d))
	}
	py := newPyOracle(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var b bytes.Buffer
		if err := writePyJSON(&b, raw); err != nil {
			return
		}
		if py == nil || !isUTF8JSONText(raw) {
			return
		}
		if want, ok := py.ask(t, "j", raw); ok && b.String() != want {
			t.Fatalf("%q: wrote %s, Python %s", raw, b.String(), want)
		}
	})
}

// isUTF8JSONText excludes inputs on which Go and Python legitimately
// differ: invalid UTF-8 (Go substitutes U+FFFD, Python refuses) and deep
// nesting (Python's recursion limit).
func isUTF8JSONText(b []byte) bool {
	if !utf8Valid(b) {
		return false
	}
	depth := 0
	for _, c := range b {
		if c == '[' || c == '{' {
			depth++
		}
	}
	return depth < 500
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }
