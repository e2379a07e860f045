package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file writes JSON the way Python's json.dumps does with its defaults
// (separators ", " and ": ", floats as repr, ASCII-only strings), so that
// cmd/task's output can be compared byte for byte with files written by
// NeuroGym scripts.

// pyFloat formats x like Python's repr(float): the shortest round-trip
// digits, fixed notation with at least one decimal when 1e-4 <= |x| < 1e16,
// otherwise d.ddde+XX; NaN and the infinities as json.dumps writes them
// (NaN, Infinity, -Infinity).
func pyFloat(x float64) string {
	var buf [32]byte
	return string(appendPyFloat(buf[:0], x))
}

// appendPyFloat appends pyFloat(x) to dst. It is defined for every
// float64.
func appendPyFloat(dst []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return append(dst, "NaN"...)
	case math.IsInf(x, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(x, -1):
		return append(dst, "-Infinity"...)
	case x == 0:
		if math.Signbit(x) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], x, 'e', -1, 64) // [-]d[.ddd]e±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		dst = append(dst, '-')
	}
	ei := bytes.IndexByte(e, 'e')
	mant, exp := e[:ei], e[ei+1:]
	exp10, _ := strconv.Atoi(string(exp))
	var digits []byte
	digits = append(digits, mant[0])
	if len(mant) > 2 {
		digits = append(digits, mant[2:]...)
	}
	decpt := exp10 + 1 // value = 0.d1d2... * 10^decpt
	if decpt <= -4 || decpt > 16 {
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if exp10 < 0 {
			dst = append(dst, '-')
			exp10 = -exp10
		} else {
			dst = append(dst, '+')
		}
		if exp10 < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(exp10), 10)
	}
	switch {
	case decpt <= 0:
		dst = append(dst, "0."...)
		for i := 0; i < -decpt; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	case decpt >= len(digits):
		dst = append(dst, digits...)
		for i := len(digits); i < decpt; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, ".0"...)
	default:
		dst = append(dst, digits[:decpt]...)
		dst = append(dst, '.')
		dst = append(dst, digits[decpt:]...)
	}
	return dst
}

// pyString quotes s like json.dumps with ensure_ascii=True.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (r >= 0x7f && r < 0x10000) || r == utf8.RuneError:
				fmt.Fprintf(&b, `\u%04x`, r)
			case r >= 0x10000:
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// writePyJSON re-encodes the JSON value raw as json.dumps(json.loads(raw))
// does: object keys keep their first position and, when a key is repeated,
// its last value (Python's dict); integer literals stay integers (of any
// size); other numbers are written as Python floats, those beyond the
// float64 range as Infinity or -Infinity.
func writePyJSON(w io.Writer, raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	if err := pyValue(dec, &out); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after JSON value")
	}
	_, err := w.Write(out.Bytes())
	return err
}

func pyValue(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			// Values are encoded apart so that a repeated key can replace
			// the value at the key's first position.
			var keys []string
			var vals [][]byte
			index := map[string]int{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				var val bytes.Buffer
				if err := pyValue(dec, &val); err != nil {
					return err
				}
				if i, dup := index[key]; dup {
					vals[i] = val.Bytes()
					continue
				}
				index[key] = len(keys)
				keys = append(keys, key)
				vals = append(vals, val.Bytes())
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			out.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					out.WriteString(", ")
				}
				out.WriteString(pyString(k))
				out.WriteString(": ")
				out.Write(vals[i])
			}
			out.WriteByte('}')
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteString(", ")
				}
				if err := pyValue(dec, out); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			out.WriteByte(']')
		}
	case json.Number:
		s := string(v)
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				out.WriteString(strconv.FormatInt(n, 10))
				return nil
			}
			out.WriteString(s) // a big integer: Python keeps it exact too
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range: ±Inf, as Python's float()
			return err
		}
		out.WriteString(pyFloat(f))
	case string:
		out.WriteString(pyString(v))
	case bool:
		if v {
			out.WriteString("true")
		} else {
			out.WriteString("false")
		}
	case nil:
		out.WriteString("null")
	}
	return nil
}
