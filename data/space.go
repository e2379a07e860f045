package data

import (
	"fmt"
	"strconv"
	"strings"
)

// SpaceKind is the kind of a gym space.
type SpaceKind int

// The space kinds NeuroGym's supervised tasks use.
const (
	// Discrete(n): an action is one integer in [0, n).
	Discrete SpaceKind = iota
	// Box(shape): a float32 vector (all tasks here use one-dimensional boxes).
	Box
)

// String returns "Discrete" or "Box" (gym's class names).
func (k SpaceKind) String() string {
	if k == Box {
		return "Box"
	}
	return "Discrete"
}

// Space is a gym observation or action space with NeuroGym's named channels
// (neurogym/utils/spaces.py): Discrete(n) or a one-dimensional Box of Dim
// float32 values.
type Space struct {
	Kind SpaceKind
	// Dim is n for Discrete(n) and the length of a Box vector.
	Dim int
	// Names are the named channels (NeuroGym's name dict), in declaration
	// order. A task may leave them empty.
	Names []Channel
	// Low and High are a Box's bounds (nil means unbounded); informational.
	Low, High []float64
}

// DiscreteSpace returns Discrete(n) with the given named channels.
func DiscreteSpace(n int, names ...Channel) Space {
	return Space{Kind: Discrete, Dim: n, Names: names}
}

// BoxSpace returns a one-dimensional, unbounded Box of dim values with the
// given named channels.
func BoxSpace(dim int, names ...Channel) Space {
	return Space{Kind: Box, Dim: dim, Names: names}
}

// Shape returns the space's shape as gym reports it: [] for Discrete and
// [Dim] for Box.
func (s Space) Shape() []int {
	if s.Kind == Discrete {
		return []int{}
	}
	return []int{s.Dim}
}

// Channel returns the indices of the named channel and whether it exists.
func (s Space) Channel(name string) ([]int, bool) {
	for _, c := range s.Names {
		if c.Name == name {
			return c.Index, true
		}
	}
	return nil, false
}

// ChannelNames returns the names of the channels in declaration order.
func (s Space) ChannelNames() []string {
	out := make([]string, len(s.Names))
	for i, c := range s.Names {
		out[i] = c.Name
	}
	return out
}

// Label returns a name for element i: the channel name, with the position
// within the channel when it has several elements (e.g. "stimulus[2]"), or
// "i" when no channel covers it.
func (s Space) Label(i int) string {
	for _, c := range s.Names {
		for k, j := range c.Index {
			if j == i {
				if len(c.Index) == 1 {
					return c.Name
				}
				return fmt.Sprintf("%s[%d]", c.Name, k)
			}
		}
	}
	return strconv.Itoa(i)
}

// Channel is one named group of elements of a space, as in NeuroGym's name
// dictionaries: {'fixation': 0, 'stimulus': range(1, 3), 'choice': [1, 2]}.
// The form records how NeuroGym wrote it, so that it prints the same way.
type Channel struct {
	Name  string
	Index []int
	form  channelForm
	start int // range start, for the range form
}

type channelForm int

const (
	formInt channelForm = iota
	formList
	formRange
)

// Ch names one element: {'name': i}.
func Ch(name string, i int) Channel { return Channel{Name: name, Index: []int{i}, form: formInt} }

// ChList names a list of elements: {'name': [i, j, ...]}.
func ChList(name string, idx ...int) Channel {
	return Channel{Name: name, Index: append([]int(nil), idx...), form: formList}
}

// ChRange names the elements start..stop-1: {'name': range(start, stop)}.
func ChRange(name string, start, stop int) Channel {
	idx := make([]int, 0, max(0, stop-start))
	for i := start; i < stop; i++ {
		idx = append(idx, i)
	}
	return Channel{Name: name, Index: idx, form: formRange, start: start}
}

// JSON returns the channel's value as NeuroGym's golden files print it
// (Python's json.dumps of the jsonable value): an integer, a list, or the
// string "range(a, b)".
func (c Channel) JSON() string {
	switch c.form {
	case formInt:
		return strconv.Itoa(c.Index[0])
	case formRange:
		return strconv.Quote(fmt.Sprintf("range(%d, %d)", c.start, c.start+len(c.Index)))
	}
	parts := make([]string, len(c.Index))
	for i, v := range c.Index {
		parts[i] = strconv.Itoa(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Validate checks that every channel index lies in [0, Dim) and names are
// unique and not empty.
func (s Space) Validate() error {
	if s.Dim < 1 {
		return fmt.Errorf("%s space of size %d: must be >= 1", s.Kind, s.Dim)
	}
	seen := map[string]bool{}
	for _, c := range s.Names {
		if c.Name == "" || seen[c.Name] {
			return fmt.Errorf("channel name %q is empty or repeated", c.Name)
		}
		seen[c.Name] = true
		for _, i := range c.Index {
			if i < 0 || i >= s.Dim {
				return fmt.Errorf("channel %q index %d outside [0, %d)", c.Name, i, s.Dim)
			}
		}
	}
	return nil
}
