package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// TimingKind names how a period's duration is drawn.
type TimingKind string

// Timing kinds, as in NeuroGym's timing dictionaries.
const (
	// TimingConstant: a fixed duration; JSON 300 or ["constant", 300].
	TimingConstant TimingKind = "constant"
	// TimingList: a uniform pick from a list (one bounded-integer draw);
	// JSON [100, 200, 300].
	TimingList TimingKind = "list"
	// TimingChoice: the same draw as TimingList; JSON ["choice", [100, 200]].
	TimingChoice TimingKind = "choice"
	// TimingUniform: lo + (hi-lo)*u; JSON ["uniform", [lo, hi]].
	TimingUniform TimingKind = "uniform"
	// TimingTruncatedExponential: Exponential(mean) redrawn until
	// min <= x < max (max if min >= max); JSON
	// ["truncated_exponential", [mean, min, max]] with min (default 0) and max
	// (default +Inf) optional.
	TimingTruncatedExponential TimingKind = "truncated_exponential"
	// TimingTruncExp: NeuroGym's ngym.random.TruncExp(mean, min, max)
	// object, the default of some tasks: the same distribution as
	// truncated_exponential, but drawn from the object's own random stream,
	// which env.seed(s) seeds with the same seed as the environment (one
	// stream per period). JSON ["TruncExp", [mean, min, max]].
	TimingTruncExp TimingKind = "TruncExp"
)

// maxTruncExpDraws bounds the expected number of draws of a truncated
// exponential: NeuroGym redraws until a value falls in [min, max), which
// never ends when that interval has almost no probability.
const maxTruncExpDraws = 1000

// TimingSpec is the timing of one period, in ms: a kind and its values.
// Values holds the constant (1 value), the list to pick from (>= 1 values),
// [lo, hi] for uniform, or [mean, min, max] for truncated_exponential.
// Sampled durations are floored to a multiple of dt.
type TimingSpec struct {
	Kind   TimingKind
	Values []float64
}

// Constant returns a fixed-duration timing spec of ms milliseconds.
func Constant(ms float64) TimingSpec { return TimingSpec{TimingConstant, []float64{ms}} }

// Choice returns a spec that picks one of ms uniformly (one bounded-integer draw).
func Choice(ms ...float64) TimingSpec { return TimingSpec{TimingChoice, append([]float64(nil), ms...)} }

// UniformTiming returns a spec drawing lo + (hi-lo)*u milliseconds.
func UniformTiming(lo, hi float64) TimingSpec { return TimingSpec{TimingUniform, []float64{lo, hi}} }

// TruncatedExponential returns a spec drawing Exponential(mean) until
// min <= x < max (returning max without drawing if min >= max), in ms.
func TruncatedExponential(mean, min, max float64) TimingSpec {
	return TimingSpec{TimingTruncatedExponential, []float64{mean, min, max}}
}

// Validate checks the spec: a known kind, the right number of values, all
// finite (max of truncated_exponential may be +Inf) and non-negative, lo <= hi,
// mean > 0.
func (s TimingSpec) Validate() error {
	for i, v := range s.Values {
		if math.IsNaN(v) || math.IsInf(v, -1) || (math.IsInf(v, 1) && !(s.Kind == TimingTruncatedExponential && i == 2)) {
			return fmt.Errorf("%s timing value %v: must be finite", s.Kind, v)
		}
		if v < 0 {
			return fmt.Errorf("%s timing value %v: must be >= 0 ms", s.Kind, v)
		}
	}
	switch s.Kind {
	case TimingConstant:
		if len(s.Values) != 1 {
			return fmt.Errorf("constant timing needs 1 value, got %d", len(s.Values))
		}
	case TimingList, TimingChoice:
		if len(s.Values) == 0 {
			return fmt.Errorf("%s timing needs at least 1 value", s.Kind)
		}
	case TimingUniform:
		if len(s.Values) != 2 {
			return fmt.Errorf("uniform timing needs [lo, hi], got %d values", len(s.Values))
		}
		if s.Values[0] > s.Values[1] {
			return fmt.Errorf("uniform timing [%v, %v]: lo must be <= hi", s.Values[0], s.Values[1])
		}
	case TimingTruncatedExponential, TimingTruncExp:
		if len(s.Values) != 3 {
			return fmt.Errorf("%s timing needs [mean, min, max], got %d values", s.Kind, len(s.Values))
		}
		mean, lo, hi := s.Values[0], s.Values[1], s.Values[2]
		if mean <= 0 {
			return fmt.Errorf("%s mean %v: must be > 0", s.Kind, mean)
		}
		if lo < hi {
			// P(lo <= X < hi) for X ~ Exponential(mean); the sampler needs 1/p draws on average.
			p := math.Exp(-lo/mean) - math.Exp(-hi/mean)
			if !(p*maxTruncExpDraws >= 1) {
				return fmt.Errorf("%s [mean %v, min %v, max %v]: only a fraction %.3g of draws falls in [min, max), so sampling a duration would take about %.3g draws (at most %d allowed); lower min or raise mean",
					s.Kind, mean, lo, hi, p, 1/p, maxTruncExpDraws)
			}
		}
	default:
		return fmt.Errorf("unknown timing kind %q (allowed: a number, a list of numbers, constant, choice, uniform, truncated_exponential)", s.Kind)
	}
	return nil
}

// Max returns the largest duration the spec can produce before flooring to dt
// (+Inf for an unbounded truncated exponential).
func (s TimingSpec) Max() float64 {
	switch s.Kind {
	case TimingUniform:
		return s.Values[1]
	case TimingTruncatedExponential, TimingTruncExp:
		return s.Values[2]
	}
	m := math.Inf(-1)
	for _, v := range s.Values {
		m = math.Max(m, v)
	}
	return m
}

// Min returns the smallest duration the spec can produce before flooring to dt.
func (s TimingSpec) Min() float64 {
	switch s.Kind {
	case TimingUniform:
		return s.Values[0]
	case TimingTruncatedExponential, TimingTruncExp:
		return math.Min(s.Values[1], s.Values[2])
	}
	m := math.Inf(1)
	for _, v := range s.Values {
		m = math.Min(m, v)
	}
	return m
}

// Sample draws a duration in ms from r exactly as NeuroGym's
// TrialEnv.sample_time does, and floors it to a multiple of dt with Python's
// floor division: (t // dt) * dt. Constant specs draw nothing. The spec must
// be valid.
func (s TimingSpec) Sample(r *RandomState, dt float64) float64 {
	var t float64
	switch s.Kind {
	case TimingConstant:
		t = s.Values[0]
	case TimingList, TimingChoice:
		t = s.Values[r.RandInt(len(s.Values))]
	case TimingUniform:
		t = r.Uniform(s.Values[0], s.Values[1])
	case TimingTruncatedExponential, TimingTruncExp:
		t = truncExp(r, s.Values[0], s.Values[1], s.Values[2])
	default:
		panic("data: Sample on invalid TimingSpec kind " + string(s.Kind))
	}
	return pyFloorDiv(t, dt) * dt
}

// truncExp is NeuroGym's trunc_exp(rng, vmean, vmin, vmax): vmax if
// vmin >= vmax, else Exponential(vmean) redrawn until vmin <= x < vmax.
func truncExp(r *RandomState, mean, lo, hi float64) float64 {
	if lo >= hi {
		return hi
	}
	for {
		x := r.Exponential(mean)
		if lo <= x && x < hi {
			return x
		}
	}
}

// pyFloorDiv is Python's (and NumPy's) float floor division a // b, which is
// not always floor(a/b) (e.g. 1 // 0.1 == 9).
func pyFloorDiv(a, b float64) float64 {
	if a >= 0 && b >= 1 && a < 1<<53 && b < 1<<53 && a == math.Trunc(a) && b == math.Trunc(b) {
		return float64(int64(a) / int64(b)) // whole numbers: exact, and what divmod gives
	}
	mod := fmod(a, b)
	div := (a - mod) / b
	if mod != 0 && (b < 0) != (mod < 0) {
		div -= 1
	}
	if div == 0 {
		return math.Copysign(0, a/b)
	}
	fl := math.Floor(div)
	if div-fl > 0.5 {
		fl++
	}
	return fl
}

// fmod is math.Mod(a, b), C's fmod (an exact remainder), computed quickly
// for 0 < a, 0 < b < Inf and a/b < 2^52 (every period duration): q =
// floor(a/b) is off by at most one there, and a - q*b is exact in one FMA
// because the remainder is representable; one correction of q gives 0 <= r < b.
// Other arguments go to math.Mod.
func fmod(a, b float64) float64 {
	if !(a > 0 && b > 0 && b <= math.MaxFloat64 && a/b < 1<<52) {
		return math.Mod(a, b)
	}
	q := math.Floor(a / b)
	r := math.FMA(-q, b, a)
	if r < 0 {
		r = math.FMA(-(q - 1), b, a)
	} else if r >= b {
		r = math.FMA(-(q + 1), b, a)
	}
	return r
}

// MarshalJSON writes the spec in NeuroGym's form: a number for a constant,
// a list for TimingList, otherwise [kind, args].
func (s TimingSpec) MarshalJSON() ([]byte, error) {
	switch s.Kind {
	case TimingConstant:
		if len(s.Values) == 1 {
			return json.Marshal(s.Values[0])
		}
	case TimingList:
		return json.Marshal(s.Values)
	case TimingTruncatedExponential, TimingTruncExp:
		if len(s.Values) == 3 && math.IsInf(s.Values[2], 1) {
			return json.Marshal([]any{s.Kind, s.Values[:2]})
		}
	}
	return json.Marshal([]any{s.Kind, s.Values})
}

// UnmarshalJSON reads NeuroGym's timing forms: 300; [100, 200, 300];
// ["constant", 300]; ["choice", [100, 200]]; ["uniform", [lo, hi]];
// ["truncated_exponential", [mean]], [mean, min] or [mean, min, max].
// The result is validated.
func (s *TimingSpec) UnmarshalJSON(b []byte) error {
	var spec TimingSpec
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return fmt.Errorf("timing spec %s: %w", b, err)
		}
		if len(items) == 0 {
			return fmt.Errorf("timing spec []: empty list (allowed: a number, a list of numbers, [kind, args])")
		}
		var kind string
		if err := json.Unmarshal(items[0], &kind); err != nil {
			// a list of numbers
			vals, err := numberList(items)
			if err != nil {
				return fmt.Errorf("timing spec %s: %w", b, err)
			}
			spec = TimingSpec{TimingList, vals}
			break
		}
		if len(items) != 2 {
			return fmt.Errorf("timing spec %s: want [kind, args]", b)
		}
		spec.Kind = TimingKind(kind)
		switch spec.Kind {
		case TimingConstant:
			v, err := number(items[1])
			if err != nil {
				return fmt.Errorf("timing spec %s: constant needs a number: %w", b, err)
			}
			spec.Values = []float64{v}
		case TimingChoice, TimingUniform, TimingTruncatedExponential, TimingTruncExp:
			var args []json.RawMessage
			if err := json.Unmarshal(items[1], &args); err != nil {
				return fmt.Errorf("timing spec %s: %s needs a list of numbers", b, kind)
			}
			vals, err := numberList(args)
			if err != nil {
				return fmt.Errorf("timing spec %s: %w", b, err)
			}
			if spec.Kind == TimingTruncatedExponential || spec.Kind == TimingTruncExp {
				if len(vals) < 1 || len(vals) > 3 {
					return fmt.Errorf("timing spec %s: %s needs [mean], [mean, min] or [mean, min, max]", b, spec.Kind)
				}
				if len(vals) == 1 {
					vals = append(vals, 0)
				}
				if len(vals) == 2 {
					vals = append(vals, math.Inf(1))
				}
			}
			spec.Values = vals
		default:
			return fmt.Errorf("timing spec %s: unknown kind %q (allowed: constant, choice, uniform, truncated_exponential, TruncExp)", b, kind)
		}
	default:
		v, err := number(b)
		if err != nil {
			return fmt.Errorf("timing spec %s: want a number, a list of numbers or [kind, args]", b)
		}
		spec = Constant(v)
	}
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("timing spec %s: %w", b, err)
	}
	*s = spec
	return nil
}

func number(b json.RawMessage) (float64, error) {
	var v float64
	if err := json.Unmarshal(b, &v); err != nil || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return 0, fmt.Errorf("%s is not a number", b)
	}
	return v, nil
}

func numberList(items []json.RawMessage) ([]float64, error) {
	vals := make([]float64, len(items))
	for i, it := range items {
		v, err := number(it)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// PeriodTiming is the timing of one named period.
type PeriodTiming struct {
	Period string
	Spec   TimingSpec
}

// Timing is a task's timing dictionary (NeuroGym's self.timing): period
// name to TimingSpec, in declaration order. Kwargs.Timing merges a user's
// "timing" keyword over a task's defaults.
type Timing []PeriodTiming

// Clone returns a deep copy.
func (t Timing) Clone() Timing {
	out := make(Timing, len(t))
	for i, p := range t {
		out[i] = PeriodTiming{p.Period, TimingSpec{p.Spec.Kind, append([]float64(nil), p.Spec.Values...)}}
	}
	return out
}

// Periods returns the period names in order.
func (t Timing) Periods() []string {
	out := make([]string, len(t))
	for i, p := range t {
		out[i] = p.Period
	}
	return out
}

// Has reports whether the dictionary has period.
func (t Timing) Has(period string) bool { _, ok := t.Get(period); return ok }

// Get returns period's spec and whether it exists.
func (t Timing) Get(period string) (TimingSpec, bool) {
	for _, p := range t {
		if p.Period == period {
			return p.Spec, true
		}
	}
	return TimingSpec{}, false
}

// Set replaces period's spec, or appends the period if it is new.
func (t *Timing) Set(period string, s TimingSpec) {
	for i := range *t {
		if (*t)[i].Period == period {
			(*t)[i].Spec = s
			return
		}
	}
	*t = append(*t, PeriodTiming{period, s})
}

// Validate checks every spec, naming the period.
func (t Timing) Validate() error {
	for _, p := range t {
		if err := p.Spec.Validate(); err != nil {
			return fmt.Errorf("timing.%s: %w", p.Period, err)
		}
	}
	return nil
}

// MarshalJSON writes the dictionary as a JSON object in period order.
func (t Timing) MarshalJSON() ([]byte, error) {
	return orderedObjectJSON(len(t), func(i int) (string, any) { return t[i].Period, t[i].Spec })
}

// orderedObjectJSON writes a JSON object of n members in the order given
// by member(i) (key, value), which Go maps cannot keep.
func orderedObjectJSON(n int, member func(i int) (string, any)) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		key, val := member(i)
		k, _ := json.Marshal(key)
		v, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Rewards is a task's reward dictionary (NeuroGym's self.rewards): reward
// name to value, in declaration order.
type Rewards []NamedReward

// NamedReward is one reward of a Rewards dictionary.
type NamedReward struct {
	Name  string
	Value float64
}

// Clone returns a copy.
func (r Rewards) Clone() Rewards { return append(Rewards(nil), r...) }

// Names returns the reward names in order.
func (r Rewards) Names() []string {
	out := make([]string, len(r))
	for i, x := range r {
		out[i] = x.Name
	}
	return out
}

// Has reports whether the dictionary has the reward name.
func (r Rewards) Has(name string) bool {
	for _, x := range r {
		if x.Name == name {
			return true
		}
	}
	return false
}

// Get returns reward name; it panics if it is missing (a task's programming error).
func (r Rewards) Get(name string) float64 {
	for _, x := range r {
		if x.Name == name {
			return x.Value
		}
	}
	panic(fmt.Sprintf("data: no reward %q", name))
}

// Set replaces reward name, or appends it.
func (r *Rewards) Set(name string, v float64) {
	for i := range *r {
		if (*r)[i].Name == name {
			(*r)[i].Value = v
			return
		}
	}
	*r = append(*r, NamedReward{name, v})
}

func (r Rewards) asMap() map[string]float64 {
	m := make(map[string]float64, len(r))
	for _, x := range r {
		m[x.Name] = x.Value
	}
	return m
}

// MarshalJSON writes the dictionary as a JSON object in declaration order.
func (r Rewards) MarshalJSON() ([]byte, error) {
	return orderedObjectJSON(len(r), func(i int) (string, any) { return r[i].Name, r[i].Value })
}
