package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// MaxNameLen is the longest run name, in bytes; longer names are cut and
// end in "~" and 16 hex digits of the SHA-256 of the full name, which keeps
// them distinct and well below the 255-byte file name limit of common file
// systems.
const MaxNameLen = 200

// RunName returns the directory name of a run: "key=value" for each
// parameter in the order given, then "seed=N", joined by commas, e.g.
// "activation_fun=relu,learning_rate=0.01,seed=3". Every byte that is not
// an ASCII letter, digit, '.', '_', '+' or '-' inside a key or value
// becomes '_' (so names are safe in shells, job scripts and on every file
// system); names longer than MaxNameLen are shortened as MaxNameLen says.
// The name depends only on the values, never on the order of keys in the
// spec file, because Plan.Keys are sorted.
func RunName(params []Param, seed int64) string {
	var b strings.Builder
	for _, p := range params {
		b.WriteString(sanitize(p.Key))
		b.WriteByte('=')
		b.WriteString(sanitize(p.String()))
		b.WriteByte(',')
	}
	b.WriteString("seed=")
	b.WriteString(strconv.FormatInt(seed, 10))
	name := b.String()
	if len(name) <= MaxNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:MaxNameLen-17] + "~" + hex.EncodeToString(sum[:8])
}

func sanitize(s string) string {
	if s == "" {
		return "_"
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '+', c == '-':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}
