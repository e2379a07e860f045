// Package train trains the leaky RNN of package model on the
// PerceptualDecisionMaking task of package data, as the NeuroGym PyTorch
// tutorial does: batches of the task's inputs and targets, the cross-entropy
// (or L1/L2) loss of the network's outputs, and Adam (or RMSprop/SGD) steps,
// for a fixed number of iterations.
//
// Config holds every hyperparameter under the tutorial's names; Train runs
// the loop and returns the per-iteration loss and accuracy; WriteRun writes a
// run directory (config.json, model.npz, train_log.csv, summary.json,
// training.png) and LoadRun reads one back.
package train
