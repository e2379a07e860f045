// Package analyze tests a trained network on fresh trials of its task (any
// NeuroGym task or schedule) and turns the result into the numbers and
// figures of the NeuroGym tutorial, generalised: accuracy (the tutorial's
// choice at the last step) and NeuroGym's own performance, overall and per
// value of each condition variable the task declares; a psychometric curve
// with a fitted logistic where the task declares a signed evidence
// variable; principal components of the hidden-state trajectories; an
// activity.npz archive for Python users and talk-ready PNG figures labelled
// with the task's channel names; and the fixed points and slow points of
// the network's dynamics (AddFixedPoints, with package analyze/fixedpoint).
//
// The central value is Activity: every test trial's inputs, hidden states,
// outputs and targets, plus the per-trial trial variables, choice,
// correctness and performance. Evaluate fills one by running a
// forward-only graph; everything else (Accuracy, Psychometric, FitPCA,
// WriteNPZ, the figures) works on an Activity and can be used on data from
// anywhere.
//
// Units follow the task: time in milliseconds, coherence in percent, and
// accuracies in percent; performance is NeuroGym's, in [0, 1].
package analyze
