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
func pyString(s string) string { return pyRunes([]rune(s)) }

// pyRunes quotes the code points r like json.dumps with ensure_ascii=True.
// Code points may be lone surrogates (U+D800-U+DFFF), which Python strings
// can hold and json.dumps writes as \udXXX escapes.
func pyRunes(rs []rune) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range rs {
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
			case r < 0x20 || (r >= 0x7f && r < 0x10000):
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
// its last value (Python's dict); strings keep lone surrogate escapes
// (\ud800), as Python's str does; integer literals stay integers (of any
// size); other numbers are written as Python floats, those beyond the
// float64 range as Infinity or -Infinity. raw must be valid JSON
// (encoding/json's error otherwise).
func writePyJSON(w io.Writer, raw []byte) error {
	if !json.Valid(raw) {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		return errors.New("invalid JSON")
	}
	var out bytes.Buffer
	p := &jsonText{b: raw}
	if err := p.value(&out); err != nil {
		return err
	}
	_, err := w.Write(out.Bytes())
	return err
}

// jsonText walks JSON text that json.Valid accepted.
type jsonText struct {
	b []byte
	i int
}

func (p *jsonText) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// value appends the Python form of the value at p.i to out.
func (p *jsonText) value(out *bytes.Buffer) error {
	p.space()
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		// Values are encoded apart so that a repeated key can replace the
		// value at the key's first position.
		var keys []string
		var vals [][]byte
		index := map[string]int{}
		for {
			p.space()
			if p.b[p.i] == '}' {
				p.i++
				break
			}
			if p.b[p.i] == ',' {
				p.i++
				p.space()
			}
			key := pyRunes(p.str())
			p.space()
			p.i++ // ':'
			var val bytes.Buffer
			if err := p.value(&val); err != nil {
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
		out.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				out.WriteString(", ")
			}
			out.WriteString(k)
			out.WriteString(": ")
			out.Write(vals[i])
		}
		out.WriteByte('}')
	case c == '[':
		p.i++
		out.WriteByte('[')
		for n := 0; ; n++ {
			p.space()
			if p.b[p.i] == ']' {
				p.i++
				break
			}
			if p.b[p.i] == ',' {
				p.i++
			}
			if n > 0 {
				out.WriteString(", ")
			}
			if err := p.value(out); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	case c == '"':
		out.WriteString(pyRunes(p.str()))
	case c == 't':
		p.i += 4
		out.WriteString("true")
	case c == 'f':
		p.i += 5
		out.WriteString("false")
	case c == 'n':
		p.i += 4
		out.WriteString("null")
	default:
		start := p.i
		for p.i < len(p.b) && strings.IndexByte("+-0123456789.eE", p.b[p.i]) >= 0 {
			p.i++
		}
		return p.number(out, string(p.b[start:p.i]))
	}
	return nil
}

// number appends the Python form of a JSON number literal.
func (p *jsonText) number(out *bytes.Buffer, s string) error {
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
	return nil
}

// str reads the string at p.i (starting with its quote) into code points,
// as Python's json.loads does: escaped surrogate pairs become one code
// point, lone surrogates stay.
func (p *jsonText) str() []rune {
	p.i++ // opening quote
	var rs []rune
	for {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return rs
		case c == '\\':
			e := p.b[p.i+1]
			p.i += 2
			switch e {
			case 'b':
				rs = append(rs, '\b')
			case 'f':
				rs = append(rs, '\f')
			case 'n':
				rs = append(rs, '\n')
			case 'r':
				rs = append(rs, '\r')
			case 't':
				rs = append(rs, '\t')
			case 'u':
				r := p.hex4()
				if utf16.IsSurrogate(r) && r < 0xdc00 && p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if lo := p.hex4(); lo >= 0xdc00 && lo <= 0xdfff {
						r = utf16.DecodeRune(r, lo)
					} else {
						p.i = save
					}
				}
				rs = append(rs, r)
			default: // '"', '\\', '/'
				rs = append(rs, rune(e))
			}
		default:
			r, n := utf8.DecodeRune(p.b[p.i:])
			rs = append(rs, r)
			p.i += n
		}
	}
}

// hex4 reads four hex digits at p.i.
func (p *jsonText) hex4() rune {
	v, _ := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	p.i += 4
	return rune(v)
}
