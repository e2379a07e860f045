package data

import (
	"bytes"
	"encoding/json"
)

// Literal returns the JSON text given for keyword name, or, with members,
// for a member of the object given for it (Literal("timing", "delay") is
// the text given for the delay period), and whether it was given. JSON null
// counts as not given, as for the typed methods. Literal declares nothing:
// the task declares the keyword with a typed method as usual.
//
// Tasks use it where the Python type NeuroGym ends up with depends on how a
// value was written: Python's json module reads 300 as an int and 300.0 as
// a float, and NumPy keeps the difference (an int64 array, np.int64 trial
// variables), so a trial variable computed from a keyword prints as 900 in
// one case and 900.0 in the other.
func (k *Kwargs) Literal(name string, members ...string) (json.RawMessage, bool) {
	raw, ok := k.raw[name]
	for _, m := range members {
		if !ok || isNull(raw) {
			return nil, false
		}
		obj, err := decodeObject(raw)
		if err != nil {
			return nil, false
		}
		raw, ok = obj[m]
	}
	if !ok || isNull(raw) {
		return nil, false
	}
	return raw, true
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// IsIntLiteral reports whether raw is a JSON number written without a
// fraction or an exponent (e.g. 300 or -2, not 300.0 or 3e2): Python's json
// module reads exactly these as ints.
func IsIntLiteral(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
