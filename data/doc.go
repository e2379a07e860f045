// Package data is the task-agnostic engine of NeuroGym's supervised tasks
// (NeuroGym commit ee0a140c): trials, periods, spaces, stepping, task
// schedules, a NumPy-compatible random stream and the batch generator. The
// tasks themselves, one file each, are in package data/tasks.
//
// The package has five layers:
//
//   - RandomState, a NumPy legacy RandomState-compatible random stream
//     (MT19937, init_by_array, bounded integers, doubles, polar normals,
//     exponentials), so that a seed gives the draws NumPy gives for that
//     seed; StreamKey and StreamSeed derive every stream of a run from the
//     run's seed, one key per purpose and index.
//   - The trial engine (Env, EnvSpec, Period, TimingSpec, Trial): a task's
//     Rules declare its periods and their timing, what is shown in each
//     period and the correct output; the engine does the bookkeeping
//     (durations floored to dt, row indices, observation and target arrays)
//     and the generic stepping (rewards, performance, abort, new_trial)
//     exactly as NeuroGym's TrialEnv does.
//   - Spaces (Space: Discrete or Box, with NeuroGym's channel names),
//     keywords (Kwargs: declared once per task, unknown keywords listed) and
//     trial variables (Vars: NeuroGym's trial dict).
//   - Schedule, NeuroGym's ScheduleEnvs: several tasks in one stream, at
//     random or in sequence, with optional rule inputs.
//   - Dataset, NeuroGym's ngym.Dataset stream-and-cut batch generator with
//     one deterministically seeded task per batch column (NewDataset), and
//     an opt-in trial-aligned variant with a loss mask
//     (NewTrialAlignedDataset).
//
// TrialSet backs cmd/task, which prints trials as JSON in the layout of
// NeuroGym golden files or writes them as .npz.
//
// Parity: trial variables, targets and float32 observations equal
// NeuroGym's bit for bit (tested in data/tasks against files made by the
// real NeuroGym). The float64 normals agree with NumPy's except for one ulp
// in about 0.05% of draws, where glibc's log misrounds (see RandomState).
//
// Units: time in milliseconds. Observations are float32; targets are
// action indices for Discrete action spaces (0 = fixate in every task that
// has a fixation action) and float32 vectors for Box action spaces.
package data
