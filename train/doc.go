// Package train trains the leaky RNN of package model on the
// PerceptualDecisionMaking task of package data, as the NeuroGym PyTorch
// tutorial does: batches of the task's inputs and targets, the cross-entropy
// (or L1/L2) loss of the network's outputs, and Adam (or RMSprop/SGD) steps,
// for a fixed number of iterations.
//
// Config (an alias of rundir.Config) holds every hyperparameter under the
// tutorial's names; Train runs the loop and returns the per-iteration loss
// and accuracy; EstimateMemory and CheckMemory say before it starts whether
// a run fits in memory; RunFiles and WriteRun save a run into a locked run
// directory as one atomic commit (package train/rundir, which also reads
// runs back with LoadRun). Package train/pipeline runs training, saving and
// analysis together, as cmd/train does.
package train
