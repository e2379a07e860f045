package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Kwargs reads a task's constructor keywords (NeuroGym's **kwargs) from a
// JSON object. A task declares each keyword once, with its default, by
// calling one of the typed methods (Float, Int, Bool, Floats, Timing,
// Rewards, ...) in its constructor; the method returns the given value or the
// default. Err then reports, all at once, values of the wrong type or out of
// range and keywords the task did not declare (with the closest declared
// name). Decl lists what was declared, so that the keywords of a task can be
// printed without a separate hand-kept list.
//
// The JSON forms are NeuroGym's: numbers, booleans, lists, {"timing":
// {"period": spec}} (see TimingSpec), {"rewards": {"name": value}}.
type Kwargs struct {
	raw  map[string]json.RawMessage
	used map[string]bool
	decl []KwargDecl
	errs []error
}

// KwargDecl is one declared keyword: its name, its default as JSON and a
// short description of the allowed values.
type KwargDecl struct {
	Name    string
	Default string
	Allowed string
}

// ParseKwargs reads the JSON object js (empty or "null" means {}). Malformed
// JSON, a value that is not an object and duplicate keys are errors.
func ParseKwargs(js []byte) (*Kwargs, error) {
	k := &Kwargs{raw: map[string]json.RawMessage{}, used: map[string]bool{}}
	js = bytes.TrimSpace(js)
	if len(js) == 0 || bytes.Equal(js, []byte("null")) {
		return k, nil
	}
	raw, err := decodeObject(js)
	if err != nil {
		return nil, fmt.Errorf("kwargs: %w", err)
	}
	k.raw = raw
	return k, nil
}

// NoKwargs returns an empty Kwargs (every keyword at its default).
func NoKwargs() *Kwargs {
	k, _ := ParseKwargs(nil)
	return k
}

// decodeObject decodes a JSON object into its raw members, refusing
// duplicate keys and trailing data.
func decodeObject(js []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want a JSON object, got %s", short(js))
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("malformed JSON: %w", err)
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("malformed JSON at %q: %w", key, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		out[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after the JSON object")
	}
	return out, nil
}

func short(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// Has reports whether the keyword was given.
func (k *Kwargs) Has(name string) bool { _, ok := k.raw[name]; return ok }

// Given returns the names of the keywords that were given, sorted.
func (k *Kwargs) Given() []string {
	out := make([]string, 0, len(k.raw))
	for n := range k.raw {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Decl returns the declared keywords in declaration order.
func (k *Kwargs) Decl() []KwargDecl { return k.decl }

// Errorf records an error about keyword name (for checks a task makes
// across several keywords).
func (k *Kwargs) Errorf(name, format string, args ...any) {
	k.errs = append(k.errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
}

// take declares name and returns its raw value if given.
func (k *Kwargs) take(name string, def any, allowed string) (json.RawMessage, bool) {
	d, _ := json.Marshal(def)
	k.decl = append(k.decl, KwargDecl{Name: name, Default: string(d), Allowed: allowed})
	k.used[name] = true
	raw, ok := k.raw[name]
	if ok && bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, false // Python's None: the default
	}
	return raw, ok
}

// Check restricts a number keyword; it returns "" when v is allowed, else a
// description of what is allowed.
type Check func(v float64) string

// Positive allows finite numbers > 0.
func Positive(v float64) string {
	if !(v > 0) || math.IsInf(v, 0) {
		return "must be a finite number > 0"
	}
	return ""
}

// NonNegative allows finite numbers >= 0.
func NonNegative(v float64) string {
	if !(v >= 0) || math.IsInf(v, 0) {
		return "must be a finite number >= 0"
	}
	return ""
}

// Finite allows any finite number.
func Finite(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "must be finite"
	}
	return ""
}

// Between allows finite numbers in [lo, hi].
func Between(lo, hi float64) Check {
	return func(v float64) string {
		if !(v >= lo && v <= hi) {
			return fmt.Sprintf("must be in [%v, %v]", lo, hi)
		}
		return ""
	}
}

// AtLeast allows finite numbers >= lo.
func AtLeast(lo float64) Check {
	return func(v float64) string {
		if !(v >= lo) || math.IsInf(v, 0) {
			return fmt.Sprintf("must be a finite number >= %v", lo)
		}
		return ""
	}
}

func checks(v float64, cs []Check) string {
	if s := Finite(v); s != "" {
		return s
	}
	for _, c := range cs {
		if s := c(v); s != "" {
			return s
		}
	}
	return ""
}

// Float declares a number keyword (checks restrict it; every number must be
// finite) and returns its value or def.
func (k *Kwargs) Float(name string, def float64, cs ...Check) float64 {
	raw, ok := k.take(name, def, "a number")
	if !ok {
		return def
	}
	v, err := number(raw)
	if err != nil {
		k.Errorf(name, "%s: want a number", short(raw))
		return def
	}
	if s := checks(v, cs); s != "" {
		k.Errorf(name, "%v %s", v, s)
		return def
	}
	return v
}

// Int declares an integer keyword and returns its value or def. A number
// with a fractional part is an error; checks restrict it.
func (k *Kwargs) Int(name string, def int, cs ...Check) int {
	raw, ok := k.take(name, def, "an integer")
	if !ok {
		return def
	}
	v, err := number(raw)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<40 {
		k.Errorf(name, "%s: want an integer", short(raw))
		return def
	}
	if s := checks(v, cs); s != "" {
		k.Errorf(name, "%v %s", v, s)
		return def
	}
	return int(v)
}

// Bool declares a true/false keyword and returns its value or def.
func (k *Kwargs) Bool(name string, def bool) bool {
	raw, ok := k.take(name, def, "true or false")
	if !ok {
		return def
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil {
		k.Errorf(name, "%s: want true or false", short(raw))
		return def
	}
	return v
}

// String declares a string keyword whose value must be one of allowed, and
// returns it or def.
func (k *Kwargs) String(name, def string, allowed ...string) string {
	raw, ok := k.take(name, def, "one of "+strings.Join(allowed, ", "))
	if !ok {
		return def
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		k.Errorf(name, "%s: want a string (one of %s)", short(raw), strings.Join(allowed, ", "))
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	k.Errorf(name, "%q: allowed %s", v, strings.Join(allowed, ", "))
	return def
}

// Floats declares a list-of-numbers keyword with at least minLen elements,
// each passing checks, and returns a copy of it or of def.
func (k *Kwargs) Floats(name string, def []float64, minLen int, cs ...Check) []float64 {
	raw, ok := k.take(name, def, fmt.Sprintf("a list of >= %d numbers", minLen))
	if !ok {
		return append([]float64(nil), def...)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		k.Errorf(name, "%s: want a list of numbers", short(raw))
		return append([]float64(nil), def...)
	}
	vals, err := numberList(items)
	if err != nil {
		k.Errorf(name, "%v", err)
		return append([]float64(nil), def...)
	}
	if len(vals) < minLen {
		k.Errorf(name, "%d values: want at least %d", len(vals), minLen)
		return append([]float64(nil), def...)
	}
	for i, v := range vals {
		if s := checks(v, cs); s != "" {
			k.Errorf(name, "element %d = %v %s", i, v, s)
			return append([]float64(nil), def...)
		}
	}
	return vals
}

// Numbers is Floats for a list whose Python type matters: it also
// reports whether every element was written as an integer (no decimal point
// or exponent), because NumPy then holds integers and the values drawn from
// the list are ints in the trial dict. defInt says the same of def.
func (k *Kwargs) Numbers(name string, def []float64, defInt bool, minLen int, cs ...Check) ([]float64, bool) {
	raw, given := k.raw[name]
	given = given && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
	vals := k.Floats(name, def, minLen, cs...)
	if !given || len(k.errs) > 0 && strings.HasPrefix(k.errs[len(k.errs)-1].Error(), name+":") {
		return vals, defInt
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return vals, defInt
	}
	for _, it := range items {
		if bytes.ContainsAny(it, ".eE") {
			return vals, false
		}
	}
	return vals, true
}

// FloatRows declares a keyword holding a list of lists of numbers (e.g.
// DelayComparison's vpairs), each inner list of length rowLen, and returns a
// copy of it or of def.
func (k *Kwargs) FloatRows(name string, def [][]float64, rowLen int, cs ...Check) [][]float64 {
	copyRows := func(r [][]float64) [][]float64 {
		out := make([][]float64, len(r))
		for i := range r {
			out[i] = append([]float64(nil), r[i]...)
		}
		return out
	}
	raw, ok := k.take(name, def, fmt.Sprintf("a list of lists of %d numbers", rowLen))
	if !ok {
		return copyRows(def)
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil || len(rows) == 0 {
		k.Errorf(name, "%s: want a non-empty list of lists of %d numbers", short(raw), rowLen)
		return copyRows(def)
	}
	out := make([][]float64, len(rows))
	for i, r := range rows {
		vals, err := numberList(r)
		if err != nil || len(vals) != rowLen {
			k.Errorf(name, "element %d: want a list of %d numbers", i, rowLen)
			return copyRows(def)
		}
		for _, v := range vals {
			if s := checks(v, cs); s != "" {
				k.Errorf(name, "element %d: %v %s", i, v, s)
				return copyRows(def)
			}
		}
		out[i] = vals
	}
	return out
}

// Raw declares a keyword the task decodes itself and returns its raw JSON
// (nil if absent). allowed describes the accepted values.
func (k *Kwargs) Raw(name string, def any, allowed string) json.RawMessage {
	raw, ok := k.take(name, def, allowed)
	if !ok {
		return nil
	}
	return raw
}

// Rewards declares the "rewards" keyword: a JSON object whose members update
// def (NeuroGym's self.rewards.update(rewards)). Reward names not in def are
// errors naming the allowed ones. It returns the merged rewards.
func (k *Kwargs) Rewards(def Rewards) Rewards {
	out := def.Clone()
	raw, ok := k.take("rewards", def, "an object with numbers for "+strings.Join(def.Names(), ", "))
	if !ok {
		return out
	}
	m, err := decodeObject(raw)
	if err != nil {
		k.Errorf("rewards", "%v", err)
		return out
	}
	for _, name := range sortedNames(m) {
		v, err := number(m[name])
		switch {
		case !def.Has(name):
			k.Errorf("rewards", "unknown reward %q%s (allowed: %s)", name, didYouMean(name, def.Names()), strings.Join(def.Names(), ", "))
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			k.Errorf("rewards", "%s = %s: want a finite number", name, short(m[name]))
		default:
			out.Set(name, v)
		}
	}
	return out
}

// Timing declares the "timing" keyword: a JSON object whose members update
// def (NeuroGym's self.timing.update(timing)), each a TimingSpec form.
// Period names not in def are errors naming the allowed ones. It returns the
// merged timing.
func (k *Kwargs) Timing(def Timing) Timing {
	out := def.Clone()
	raw, ok := k.take("timing", def, "an object of period: duration in ms for "+strings.Join(def.Periods(), ", "))
	if !ok {
		return out
	}
	m, err := decodeObject(raw)
	if err != nil {
		k.Errorf("timing", "%v", err)
		return out
	}
	for _, name := range sortedNames(m) {
		if !def.Has(name) {
			k.Errorf("timing", "unknown period %q%s (allowed: %s)", name, didYouMean(name, def.Periods()), strings.Join(def.Periods(), ", "))
			continue
		}
		var s TimingSpec
		if err := json.Unmarshal(m[name], &s); err != nil {
			k.Errorf("timing."+name, "%v", err)
			continue
		}
		out.Set(name, s)
	}
	return out
}

// Err returns every error recorded so far, plus one for each given keyword
// that was never declared, naming the closest declared keyword and listing
// the allowed ones; nil if all is well. task names the task in messages.
func (k *Kwargs) Err(task string) error {
	errs := append([]error(nil), k.errs...)
	var declared []string
	for _, d := range k.decl {
		declared = append(declared, d.Name)
	}
	for _, name := range k.Given() {
		if !k.used[name] {
			errs = append(errs, fmt.Errorf("unknown keyword %q%s (allowed: %s)", name, didYouMean(name, declared), strings.Join(declared, ", ")))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s kwargs: %w", task, errors.Join(errs...))
}

func sortedNames(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// didYouMean returns `, did you mean "x"?` for the closest candidate within
// a small edit distance, or "".
func didYouMean(name string, candidates []string) string {
	if c := Closest(name, candidates, 1); len(c) == 1 {
		return fmt.Sprintf(" (did you mean %q?)", c[0])
	}
	return ""
}

// Closest returns up to n candidates closest to name by case-insensitive
// edit distance, nearest first, among those within max(2, len(name)/3) edits
// or sharing a prefix of at least 4 characters; ties keep the candidates'
// order.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
		i int
	}
	lname := strings.ToLower(name)
	limit := max(2, len(name)/3)
	var sc []scored
	for i, c := range candidates {
		lc := strings.ToLower(c)
		d := EditDistance(lname, lc)
		if d <= limit || (len(lname) >= 4 && (strings.HasPrefix(lc, lname) || strings.HasPrefix(lname, lc))) || strings.Contains(lc, lname) && len(lname) >= 4 {
			sc = append(sc, scored{c, d, i})
		}
	}
	sort.SliceStable(sc, func(a, b int) bool { return sc[a].d < sc[b].d })
	out := []string{}
	for i := 0; i < len(sc) && i < n; i++ {
		out = append(out, sc[i].s)
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b (bytes), for
// "did you mean" suggestions.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
