// Package analyze tests a trained network on fresh trials and turns the
// result into the numbers and figures of the NeuroGym perceptual decision
// making tutorial: accuracy overall and per coherence, a psychometric curve
// with a fitted logistic, principal components of the hidden-state
// trajectories, an activity.npz archive for Python users and talk-ready PNG
// figures, and the fixed points and slow points of the network's dynamics
// (AddFixedPoints, with package analyze/fixedpoint).
//
// The central value is Activity: every test trial's inputs, hidden states,
// outputs and targets, plus the per-trial ground truth, coherence, choice and
// correctness. Evaluate fills one by running a forward-only graph; everything
// else (Accuracy, Psychometric, FitPCA, WriteNPZ, the figures) works on an
// Activity and can be used on data from anywhere.
//
// Units follow the task: time in milliseconds, coherence in percent, and
// accuracies in percent.
package analyze
