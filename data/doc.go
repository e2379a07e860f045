// Package data generates the trials of NeuroGym's PerceptualDecisionMaking
// task and cuts them into training batches, reproducing NeuroGym's trials for
// a given seed.
//
// The package has four layers:
//
//   - RandomState, a NumPy legacy RandomState-compatible random stream
//     (MT19937, bounded integers, doubles, polar normals, exponentials), so
//     that a seed gives the draws NumPy gives for that seed; StreamSeed
//     derives every stream of a run from the run's seed.
//   - A small trial engine (TimingSpec, PeriodSpec, Trial with Schedule,
//     AddOb, AddRandn, SetGt): a task declares its periods and their timing,
//     what is shown in each period and the correct output; the engine does the
//     bookkeeping (durations floored to dt, row indices, observation and
//     target arrays) exactly as NeuroGym's TrialEnv does. Anything with
//     ObsDim and FillTrial is a Task (see the package example).
//   - PerceptualDecisionMaking, the task itself with every NeuroGym parameter
//     (PDMConfig, ParsePDMKwargs), used trial by trial (NewTrial) or step by
//     step (Reset, Step).
//   - Dataset, NeuroGym's ngym.Dataset stream-and-cut batch generator with one
//     deterministically seeded environment per batch column (NewDataset,
//     NewTaskDataset), and an opt-in trial-aligned variant with a loss mask
//     (NewTrialAlignedDataset).
//
// TrialSet and RunTask back cmd/task, which prints trials as JSON in the
// layout of NeuroGym golden files or writes them as .npz.
//
// Parity: ground truths, coherences, targets and float32 observations equal
// NeuroGym's bit for bit (tested against a file made by the real NeuroGym and
// files made by an independent NumPy implementation of the spec, in
// testdata). The float64 normals agree with NumPy's except for one ulp in
// about 0.05% of draws, where glibc's log misrounds (see RandomState).
//
// Units: time in milliseconds, coherence in percent. Observations are
// float32; targets are action indices (0 = fixate, k = choose ring location
// k-1).
package data
