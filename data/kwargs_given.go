package data

import (
	"bytes"
	"encoding/json"
)

// GivenJSON returns the JSON of keyword name exactly as it was given, or nil
// if it was not given (or is null), without declaring the keyword. A task
// declares each keyword once with a typed method (Float, Timing, ...) and may
// then ask how a value was written where NeuroGym's result depends on the
// Python type that Python's json module decodes it to: an integer stays an
// int through NeuroGym's arithmetic (e.g. IntervalDiscrimination's sampled
// durations, (t // dt) * dt, are ints in the trial dict when the timing and
// dt are integers) where a float gives a float.
func (k *Kwargs) GivenJSON(name string) json.RawMessage {
	raw, ok := k.raw[name]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	return raw
}

// IsJSONInt reports whether raw is a JSON number written as an integer (no
// fraction and no exponent, e.g. 300 or -2 but not 300.0 or 3e2), which
// Python's json module decodes to an int rather than a float.
func IsJSONInt(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.ContainsAny(raw, ".eE") || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return false
	}
	var v float64
	return json.Unmarshal(raw, &v) == nil
}
