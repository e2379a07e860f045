package tasks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/taskrnn/taskrnn/data"
)

// maker builds one task from its keywords and seed.
type maker func(k *data.Kwargs, seed data.Seed) (data.Task, error)

type entry struct {
	id   string
	make maker
}

// registry lists every task. Each family of tasks lists its own entries.
func registry() []entry {
	return slices.Concat(decisionTasks(), memoryTasks(), motorTasks(), yang19Tasks())
}

func lookup(id string) (entry, error) {
	for _, e := range registry() {
		if e.id == id {
			return e, nil
		}
	}
	return entry{}, UnknownTaskError{ID: id, Closest: closestIDs(id, 5)}
}

// UnknownTaskError is returned for an id that is not a task; it lists the
// closest ids, as NeuroGym's make does.
type UnknownTaskError struct {
	ID      string
	Closest []string
}

func (e UnknownTaskError) Error() string {
	return fmt.Sprintf("no task with id %q; did you mean: %s? (cmd/task -list prints every id)", e.ID, strings.Join(e.Closest, ", "))
}

// closestIDs returns the n ids nearest to id by edit distance, ignoring case
// and NeuroGym's "-v0" suffix.
func closestIDs(id string, n int) []string {
	ids := IDs()
	norm := func(s string) string { return strings.TrimSuffix(strings.ToLower(s), "-v0") }
	q := norm(id)
	d := make([]int, len(ids))
	for i, c := range ids {
		d[i] = data.EditDistance(q, norm(c))
		if strings.Contains(norm(c), q) && len(q) >= 3 {
			d[i] = min(d[i], len(norm(c))-len(q))
		}
	}
	idx := make([]int, len(ids))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return d[idx[a]] < d[idx[b]] })
	out := make([]string, 0, n)
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, ids[i])
	}
	return out
}

// IDs returns every task id (NeuroGym's env ids), sorted.
func IDs() []string {
	var ids []string
	for _, e := range registry() {
		ids = append(ids, e.id)
	}
	sort.Strings(ids)
	return ids
}

// Make returns the task id with the constructor keywords kwargs (a JSON
// object; empty means {}) and seed, as NeuroGym's gym.make(id, **kwargs)
// followed by env.seed(seed). Errors: an unknown id (UnknownTaskError,
// listing the closest ids), malformed kwargs, unknown keywords (listing the
// allowed ones), values of the wrong type or out of range, each naming the
// keyword.
func Make(id string, kwargs []byte, seed data.Seed) (data.Task, error) {
	k, err := data.ParseKwargs(kwargs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return MakeKwargs(id, k, seed)
}

// MakeKwargs is Make with parsed keywords.
func MakeKwargs(id string, k *data.Kwargs, seed data.Seed) (data.Task, error) {
	e, err := lookup(id)
	if err != nil {
		return nil, err
	}
	return e.make(k, seed)
}

// Description describes a task for listings: its spaces, what it models and
// its keywords with their defaults.
type Description struct {
	ID       string
	ObSpace  data.Space
	ActSpace data.Space
	Dt       float64
	Info     data.TaskInfo
	Kwargs   []data.KwargDecl
	// Periods are the periods of the task's timing (of its first task for
	// a schedule).
	Periods []string
}

// HasKwarg reports whether the task declares the keyword name.
func (d Description) HasKwarg(name string) bool {
	for _, k := range d.Kwargs {
		if k.Name == name {
			return true
		}
	}
	return false
}

// KwargNames returns the declared keywords in order.
func (d Description) KwargNames() []string {
	out := make([]string, len(d.Kwargs))
	for i, k := range d.Kwargs {
		out[i] = k.Name
	}
	return out
}

// Describe returns the description of task id with default keywords.
func Describe(id string) (Description, error) {
	e, err := lookup(id)
	if err != nil {
		return Description{}, err
	}
	k := data.NoKwargs()
	t, err := e.make(k, data.IntSeed(0))
	if err != nil {
		return Description{}, err
	}
	return Description{ID: id, ObSpace: t.ObSpace(), ActSpace: t.ActSpace(), Dt: t.Dt(), Info: t.Info(), Kwargs: k.Decl(),
		Periods: t.Envs()[0].Spec().Timing.Periods()}, nil
}

// env builds a single-task environment after the keywords were declared:
// it reports keyword errors first, then the spec's.
func env(k *data.Kwargs, spec data.EnvSpec, rules data.Rules, seed data.Seed) (data.Task, error) {
	if err := k.Err(spec.ID); err != nil {
		return nil, err
	}
	e, err := data.NewEnv(spec, rules, seed)
	if err != nil {
		return nil, err
	}
	return e, nil
}
