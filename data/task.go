package data

// Task is a source of trials: one task environment (*Env) or a schedule of
// several (*Schedule). The batch generator, the analysis and cmd/task work
// on any Task.
type Task interface {
	// ID is the NeuroGym env id (or the schedule's name).
	ID() string
	// ObSpace and ActSpace are the observation and action spaces.
	ObSpace() Space
	ActSpace() Space
	// Dt is the step length in ms.
	Dt() float64
	// Info describes the task (for a schedule, what the tasks share).
	Info() TaskInfo
	// Envs returns the task environments: the Env itself, or the scheduled
	// ones in schedule order (Trial.Task indexes them).
	Envs() []*Env
	// Seed reseeds every random stream like NeuroGym's env.seed(s).
	Seed(s Seed)
	// NewTrial draws the next trial (NeuroGym's new_trial(**cond); cond may
	// be nil). The trial is owned by the Task and overwritten by the next
	// call.
	NewTrial(cond *Vars) (*Trial, error)
	// Replay scores per-step actions on a trial this Task made, with
	// NeuroGym's stepping rules (see Env.Replay).
	Replay(tr *Trial, actions []Action) (Outcome, error)
}

// Envs returns []*Env{e}.
func (e *Env) Envs() []*Env { return []*Env{e} }

var (
	_ Task = (*Env)(nil)
	_ Task = (*Schedule)(nil)
)
