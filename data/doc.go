// Package data generates the trials of NeuroGym's PerceptualDecisionMaking
// task and cuts them into training batches, reproducing NeuroGym bit for bit.
//
// The package has four layers:
//
//   - RandomState, a NumPy legacy RandomState-compatible random stream
//     (MT19937, bounded integers, doubles, polar normals, exponentials), so that
//     a seed gives the same draws NumPy gives for that seed;
//   - a small trial engine (TimingSpec, Period, Trial and its Add/Set helpers):
//     a task declares its periods and their timing, what is shown in each
//     period and the correct output, and the engine does the bookkeeping
//     (durations floored to dt, indices, observation and target arrays);
//   - PerceptualDecisionMaking, the task itself with every NeuroGym parameter
//     (PDMConfig), usable trial by trial (NewTrial) or step by step (Step);
//   - Dataset, NeuroGym's ngym.Dataset stream-and-cut batch generator with
//     one deterministically seeded environment per batch column.
//
// Units: time in milliseconds, coherence in percent. Observations are float32,
// targets are action indices (0 = fixate, k = choose ring location k-1).
package data
