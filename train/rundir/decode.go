package rundir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/taskrnn/taskrnn/data"
)

// MaxConfigBytes is the largest configuration file accepted (1 MiB; a
// configuration is a few hundred bytes).
const MaxConfigBytes = 1 << 20

// runConfig is the content of config.json: Config plus the program version
// that wrote it, which is informational.
type runConfig struct {
	Config
	Version string `json:"version,omitempty"`
}

// configKeys returns the JSON keys of Config in field order, derived from
// its struct tags.
func configKeys() []string {
	t := reflect.TypeFor[Config]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

// decodeRunConfig reads a JSON configuration object: every key must be
// exactly one of Config's keys or "version" (a near miss gets "did you
// mean"), no key may appear twice, values must have the key's type and
// must not be null, and nothing may follow the object. Keys that are
// absent keep their DefaultConfig values. The result is canonical (see
// Config.Canonical) but not validated.
func decodeRunConfig(r io.Reader) (runConfig, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxConfigBytes+1))
	if err != nil {
		return runConfig{}, fmt.Errorf("read JSON configuration: %w", err)
	}
	if len(b) > MaxConfigBytes {
		return runConfig{}, fmt.Errorf("JSON configuration is longer than %d bytes", MaxConfigBytes)
	}
	if err := checkKeys(b); err != nil {
		return runConfig{}, fmt.Errorf("JSON configuration: %w", err)
	}
	rc := runConfig{Config: baseConfig()}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rc); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return runConfig{}, fmt.Errorf("JSON configuration: key %q: got %s, want %s", strings.TrimPrefix(te.Field, "Config."), te.Value, jsonTypeName(te.Type))
		}
		return runConfig{}, fmt.Errorf("JSON configuration: %w", err)
	}
	rc.Config = rc.Config.Canonical()
	return rc, nil
}

// checkKeys checks that b is one JSON object, alone, whose keys are all
// known exactly, unique, and not null.
func checkKeys(b []byte) error {
	known := append(configKeys(), "version")
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object {\"key\": value, ...}, found %v", tokenName(tok))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		key := tok.(string) // object keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("key %q: not JSON: %w", key, err)
		}
		if !contains(known, key) {
			return unknownKeyError(key, known)
		}
		if seen[key] {
			return fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		if string(raw) == "null" {
			return fmt.Errorf("key %q is null: give a value or leave the key out for the default", key)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

func tokenName(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", v.String())
	case string:
		return "a string"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// unknownKeyError names key, the closest known keys (same letters in
// another case, or at most two edits away) and every allowed key.
func unknownKeyError(key string, known []string) error {
	var near []string
	for _, k := range known {
		if strings.EqualFold(k, key) || data.EditDistance(strings.ToLower(k), strings.ToLower(key)) <= 2 {
			near = append(near, fmt.Sprintf("%q", k))
		}
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	msg := fmt.Sprintf("unknown key %q", key)
	if len(near) > 0 {
		msg += fmt.Sprintf(" (did you mean %s? keys are exact, lower case)", strings.Join(near, " or "))
	}
	return fmt.Errorf("%s; allowed keys: %s", msg, strings.Join(sorted, ", "))
}

// jsonTypeName describes a Go field type in JSON terms.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}
