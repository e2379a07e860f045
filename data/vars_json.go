package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// ParseVars reads forced trial variables from a JSON object, the keyword
// arguments of NeuroGym's env.new_trial(**kwargs) (which the task applies
// with trial.update), e.g. {"coh": 0, "ground_truth": 1}. Values are typed
// as Python's json module reads them: a number written without a fraction
// or an exponent is an int (IntVar), any other number a float (FloatVar),
// true and false bools, a string a str, and an array of numbers a list of
// int (every element an int literal) or of float. The variables keep the
// order of the keys. An empty or all-space js is an empty set.
//
// Errors name the variable: not a JSON object, a key given twice, null,
// nested objects, arrays of anything but numbers, and ints beyond
// ±(2^53 - 1) (the exact range of Var.Num).
func ParseVars(js []byte) (*Vars, error) {
	vs := &Vars{}
	if len(bytes.TrimSpace(js)) == 0 {
		return vs, nil
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("trial variables: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("trial variables: want a JSON object such as {\"coh\": 0}, got %s", short(js))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("trial variables: %w", err)
		}
		name := tok.(string) // object keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("trial variable %s: %w", name, err)
		}
		if vs.Has(name) {
			return nil, fmt.Errorf("trial variable %s is given twice", name)
		}
		v, err := parseVar(raw)
		if err != nil {
			return nil, fmt.Errorf("trial variable %s = %s: %w", name, short(raw), err)
		}
		vs.Set(name, v)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("trial variables: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trial variables: unexpected text after the object in %s", short(js))
	}
	return vs, nil
}

// maxExactInt is 2^53: every int below it in magnitude is exact in a float64.
const maxExactInt = 1 << 53

// parseVar types one JSON value as ParseVars does.
func parseVar(raw json.RawMessage) (Var, error) {
	s := bytes.TrimSpace(raw)
	switch {
	case len(s) == 0:
		return Var{}, errors.New("want a value")
	case bytes.Equal(s, []byte("null")):
		return Var{}, errors.New("null is not a trial variable value (want a number, bool, string or list of numbers)")
	case bytes.Equal(s, []byte("true")):
		return Var{Kind: BoolVar, Num: 1}, nil
	case bytes.Equal(s, []byte("false")):
		return Var{Kind: BoolVar}, nil
	case s[0] == '"':
		var str string
		if err := json.Unmarshal(s, &str); err != nil {
			return Var{}, err
		}
		return Var{Kind: StringVar, Str: str}, nil
	case s[0] == '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(s, &elems); err != nil {
			return Var{}, err
		}
		v := Var{Kind: IntsVar, List: make([]float64, len(elems))}
		for i, e := range elems {
			x, isInt, err := parseNumber(e)
			if err != nil {
				return Var{}, fmt.Errorf("element %d: %w (a list holds numbers only)", i, err)
			}
			v.List[i] = x
			if !isInt {
				v.Kind = FloatsVar
			}
		}
		return v, nil
	case s[0] == '{':
		return Var{}, errors.New("an object is not a trial variable value (want a number, bool, string or list of numbers)")
	}
	x, isInt, err := parseNumber(s)
	if err != nil {
		return Var{}, err
	}
	if isInt {
		return Var{Kind: IntVar, Num: x}, nil
	}
	return Var{Kind: FloatVar, Num: x}, nil
}

// parseNumber reads a JSON number and whether it is an int literal.
func parseNumber(raw json.RawMessage) (float64, bool, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, false, fmt.Errorf("want a number, got %s", short(raw))
	}
	x, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, false, fmt.Errorf("%s is out of the float64 range", n)
	}
	isInt := IsIntLiteral(raw)
	if isInt && math.Abs(x) >= maxExactInt {
		return 0, false, fmt.Errorf("the int %s is beyond ±(2^53 - 1), where trial variables are exact", n)
	}
	return x, isInt, nil
}
