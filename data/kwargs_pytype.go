package data

import (
	"bytes"
	"encoding/json"
)

// Python's number types leak into NeuroGym's trial dicts: a duration drawn by
// sample_time is (t // dt) * dt, an int when both t and dt are Python ints or
// NumPy integers and a float otherwise, and a keyword such as ReadySetGo's
// gain is copied into the trial as given. The helpers here tell a task which
// of the given keywords Python holds as integers, from how the JSON wrote
// them (json.loads makes 20 an int and 20.0 or 2e1 a float).

// Number is Float for a keyword whose Python type reaches the trial dict: it
// also reports whether the value is a Python int, i.e. was written as a JSON
// integer (no decimal point or exponent). defInt says the same of def (the
// type of the Python default). Checks and errors are Float's.
func (k *Kwargs) Number(name string, def float64, defInt bool, cs ...Check) (float64, bool) {
	n := len(k.errs)
	v := k.Float(name, def, cs...)
	raw, given := k.raw[name]
	if !given || len(k.errs) > n || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return v, defInt
	}
	return v, jsonInt(raw)
}

// TimingInt reports whether the duration that NeuroGym's sample_time draws
// for period is a Python int or NumPy integer before flooring to dt: for a
// period given in the "timing" keyword, whether its spec is an integer, a
// list or ["choice", list] whose elements are all integers, ["constant",
// integer], or a truncated exponential whose min >= max with an integer max
// (returned without a draw); uniform and other truncated exponential draws
// are floats. For a period not given, defInt (the type of the task's default
// spec). The keyword's errors are reported by Timing, which must be called
// first.
func (k *Kwargs) TimingInt(period string, defInt bool) bool {
	raw, ok := k.raw["timing"]
	if !ok {
		return defInt
	}
	m, err := decodeObject(raw)
	if err != nil {
		return defInt
	}
	spec, ok := m[period]
	if !ok {
		return defInt
	}
	var s TimingSpec
	if json.Unmarshal(spec, &s) != nil {
		return defInt
	}
	spec = bytes.TrimSpace(spec)
	if len(spec) == 0 || spec[0] != '[' {
		return jsonInt(spec) // a constant
	}
	var items []json.RawMessage
	if json.Unmarshal(spec, &items) != nil {
		return defInt
	}
	var args []json.RawMessage
	switch s.Kind {
	case TimingList:
		return allJSONInts(items)
	case TimingConstant:
		return jsonInt(items[1])
	case TimingChoice:
		if json.Unmarshal(items[1], &args) != nil {
			return defInt
		}
		return allJSONInts(args)
	case TimingTruncatedExponential, TimingTruncExp:
		if json.Unmarshal(items[1], &args) != nil {
			return defInt
		}
		// trunc_exp returns vmax itself when vmin >= vmax, else a draw
		return len(args) == 3 && s.Values[1] >= s.Values[2] && jsonInt(args[2])
	}
	return false // uniform: rng.uniform returns a float
}

// jsonInt reports whether raw is a JSON number written as an integer.
func jsonInt(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return false
	}
	return !bytes.ContainsAny(raw, ".eE")
}

func allJSONInts(items []json.RawMessage) bool {
	for _, it := range items {
		if !jsonInt(it) {
			return false
		}
	}
	return len(items) > 0
}
