package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// mergePatch applies patch to target as JSON Merge Patch (RFC 7386,
// section 2): if patch is an object, each of its keys is merged into target
// (which becomes an object if it was not one), a null value removing the
// key; any other patch replaces target. Neither argument is modified.
// Values are those of decodeJSON: map[string]any, []any, json.Number,
// string, bool or nil.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	out := make(map[string]any, len(t)+len(p))
	if ok {
		for k, v := range t {
			out[k] = v
		}
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = mergePatch(out[k], v)
	}
	return out
}

// pathPatch returns the merge patch that sets the dotted path ("a.b.c") to
// v: {"a": {"b": {"c": v}}}.
func pathPatch(path string, v any) map[string]any {
	parts := strings.Split(path, ".")
	obj := map[string]any{parts[len(parts)-1]: v}
	for i := len(parts) - 2; i >= 0; i-- {
		obj = map[string]any{parts[i]: obj}
	}
	return obj
}

// lookupPath returns the value at the dotted path in v and whether it is
// there.
func lookupPath(v any, path string) (any, bool) {
	for _, p := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

// decodeJSON decodes one JSON value, keeping numbers as json.Number so that
// they are passed on exactly as written.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after %.40s", b)
	}
	return v, nil
}

// rawObject decodes a map of raw JSON values into one object value.
func rawObject(m map[string]json.RawMessage) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for _, k := range sortedKeys(m) {
		v, err := decodeJSON(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}
