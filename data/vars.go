package data

import (
	"fmt"
	"math"
	"strconv"
)

// VarKind is the type of a trial variable, as Python holds it in NeuroGym's
// trial dict.
type VarKind int

// Trial variable kinds.
const (
	IntVar    VarKind = iota // Python int or numpy integer
	FloatVar                 // Python float or numpy float64
	BoolVar                  // Python bool
	StringVar                // Python str
	IntsVar                  // list (or array) of integers
	FloatsVar                // list (or array) of floats
)

// String names the kind: "int", "float", "bool", "str", "list of int", "list of float".
func (k VarKind) String() string {
	switch k {
	case IntVar:
		return "int"
	case FloatVar:
		return "float"
	case BoolVar:
		return "bool"
	case StringVar:
		return "str"
	case IntsVar:
		return "list of int"
	case FloatsVar:
		return "list of float"
	}
	return fmt.Sprintf("VarKind(%d)", int(k))
}

// Var is one trial variable: NeuroGym's trial[name]. Num holds an int (exact
// up to 2^53), a float or a bool (0 or 1); List holds a list's elements;
// Str a string.
type Var struct {
	Name string
	Kind VarKind
	Num  float64
	Str  string
	List []float64
}

// Int returns the variable as an integer (ints and bools; floats truncated).
func (v Var) Int() int { return int(v.Num) }

// Float returns the variable's number (ints, floats, bools as 0 or 1).
func (v Var) Float() float64 { return v.Num }

// Bool returns whether the variable's number is non-zero.
func (v Var) Bool() bool { return v.Num != 0 }

// IsScalar reports whether the variable is a single number or bool (not a
// string or list).
func (v Var) IsScalar() bool { return v.Kind == IntVar || v.Kind == FloatVar || v.Kind == BoolVar }

// JSON returns the value as Python's json.dumps writes it (floats as repr).
func (v Var) JSON() string { return string(v.appendJSON(nil)) }

func (v Var) appendJSON(dst []byte) []byte {
	switch v.Kind {
	case IntVar:
		return strconv.AppendInt(dst, int64(v.Num), 10)
	case FloatVar:
		return appendJSONFloat(dst, v.Num)
	case BoolVar:
		if v.Num != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case StringVar:
		return append(dst, pyString(v.Str)...)
	}
	dst = append(dst, '[')
	for i, x := range v.List {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		if v.Kind == IntsVar {
			dst = strconv.AppendInt(dst, int64(x), 10)
		} else {
			dst = appendJSONFloat(dst, x)
		}
	}
	return append(dst, ']')
}

// Vars is a trial's variables in insertion order: NeuroGym's trial dict
// (ground_truth, coh, context, sample, ...). Setting an existing name
// replaces its value in place, as dict assignment does. The zero value is an
// empty dict. Vars reuses its memory across Reset calls.
type Vars struct {
	v []Var
}

// Reset empties the dict, keeping its memory.
func (vs *Vars) Reset() { vs.v = vs.v[:0] }

// Len returns the number of variables.
func (vs *Vars) Len() int { return len(vs.v) }

// At returns the i-th variable in insertion order.
func (vs *Vars) At(i int) Var { return vs.v[i] }

// All returns the variables in insertion order (shared; do not modify).
func (vs *Vars) All() []Var { return vs.v }

// Get returns the variable called name and whether it exists.
func (vs *Vars) Get(name string) (Var, bool) {
	for _, x := range vs.v {
		if x.Name == name {
			return x, true
		}
	}
	return Var{}, false
}

// Has reports whether the dict has a variable called name.
func (vs *Vars) Has(name string) bool { _, ok := vs.Get(name); return ok }

// Int returns variable name as an int; it panics if it is missing (a task's
// programming error).
func (vs *Vars) Int(name string) int { return vs.must(name).Int() }

// Float returns variable name's number; it panics if it is missing.
func (vs *Vars) Float(name string) float64 { return vs.must(name).Float() }

// Bool returns variable name as a bool; it panics if it is missing.
func (vs *Vars) Bool(name string) bool { return vs.must(name).Bool() }

// String returns string variable name; it panics if it is missing.
func (vs *Vars) String(name string) string { return vs.must(name).Str }

// List returns list variable name's elements (shared); it panics if missing.
func (vs *Vars) List(name string) []float64 { return vs.must(name).List }

func (vs *Vars) must(name string) Var {
	v, ok := vs.Get(name)
	if !ok {
		panic(fmt.Sprintf("data: trial has no variable %q", name))
	}
	return v
}

func (vs *Vars) slot(name string) *Var {
	for i := range vs.v {
		if vs.v[i].Name == name {
			return &vs.v[i]
		}
	}
	if len(vs.v) < cap(vs.v) {
		vs.v = vs.v[:len(vs.v)+1]
	} else {
		vs.v = append(vs.v, Var{})
	}
	p := &vs.v[len(vs.v)-1]
	p.Name = name
	return p
}

// SetInt sets name to the integer x.
func (vs *Vars) SetInt(name string, x int) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str, p.List = IntVar, float64(x), "", p.List[:0]
}

// SetFloat sets name to the float x.
func (vs *Vars) SetFloat(name string, x float64) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str, p.List = FloatVar, x, "", p.List[:0]
}

// SetBool sets name to the bool b.
func (vs *Vars) SetBool(name string, b bool) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str, p.List = BoolVar, 0, "", p.List[:0]
	if b {
		p.Num = 1
	}
}

// SetString sets name to the string s.
func (vs *Vars) SetString(name, s string) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str, p.List = StringVar, 0, s, p.List[:0]
}

// SetInts sets name to a list of integers (copied).
func (vs *Vars) SetInts(name string, x []int) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str = IntsVar, 0, ""
	p.List = p.List[:0]
	for _, v := range x {
		p.List = append(p.List, float64(v))
	}
}

// SetFloats sets name to a list of floats (copied).
func (vs *Vars) SetFloats(name string, x []float64) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str = FloatsVar, 0, ""
	p.List = append(p.List[:0], x...)
}

// Set sets name to a copy of v's value (v.Name is ignored).
func (vs *Vars) Set(name string, v Var) {
	p := vs.slot(name)
	p.Kind, p.Num, p.Str = v.Kind, v.Num, v.Str
	p.List = append(p.List[:0], v.List...)
}

// Update is Python's trial.update(cond): every variable of cond is set in
// vs, replacing an existing value or appending a new one. A forced value of
// a different kind than the drawn one is an error naming the variable,
// except that ints and floats may replace each other (Python accepts both;
// the forced value's type is kept, as Python keeps it).
func (vs *Vars) Update(cond *Vars) error {
	if cond == nil {
		return nil
	}
	number := func(k VarKind) bool { return k == IntVar || k == FloatVar }
	for _, c := range cond.v {
		if old, ok := vs.Get(c.Name); ok && old.Kind != c.Kind && !(number(old.Kind) && number(c.Kind)) {
			return fmt.Errorf("trial variable %s: forced value %s is a %s, the task draws a %s", c.Name, c.JSON(), c.Kind, old.Kind)
		}
		vs.Set(c.Name, c)
	}
	return nil
}

// CopyFrom makes vs a deep copy of src, reusing vs's memory.
func (vs *Vars) CopyFrom(src *Vars) {
	vs.Reset()
	for _, x := range src.v {
		vs.Set(x.Name, x)
	}
}

// Clone returns a deep copy.
func (vs *Vars) Clone() Vars {
	var c Vars
	c.CopyFrom(vs)
	return c
}

// JSON returns the dict as Python's json.dumps writes it, e.g.
// {"ground_truth": 1, "coh": 6.4}.
func (vs *Vars) JSON() string { return string(vs.AppendJSON(nil)) }

// AppendJSON appends the dict's JSON (see JSON) to dst.
func (vs *Vars) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, x := range vs.v {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, pyString(x.Name)...)
		dst = append(dst, ": "...)
		dst = x.appendJSON(dst)
	}
	return append(dst, '}')
}

// finite reports whether every number of the variable is finite.
func (v Var) finite() bool {
	if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
		return false
	}
	for _, x := range v.List {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// BadTrialVar returns an error for a forced trial variable whose value the
// task cannot use.
func BadTrialVar(name string, v *Vars, want string, args ...any) error {
	x, _ := v.Get(name)
	return fmt.Errorf("trial variable %s = %s: want %s", name, x.JSON(), fmt.Sprintf(want, args...))
}

// appendJSONFloat appends x as json.dumps writes a float (NaN and
// Infinity included).
func appendJSONFloat(dst []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(dst, pyFloat(x)...)
	}
	return appendPyFloat(dst, x)
}
