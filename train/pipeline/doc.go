// Package pipeline runs one training run from start to finish: it takes
// the run directory's lock, trains with periodic checkpoints, saves the
// run, and tests the network (package analyze), each save one atomic
// commit of a set of files (package train/rundir). cmd/train is a thin
// front end to Run, and sweeps run many Runs.
//
// Run takes a context: when it is cancelled (NotifySignals cancels it on
// SIGINT or SIGTERM) training stops after the current iteration, what
// exists is saved, and the analysis is skipped; a commit that has begun is
// always finished first. The error says what happened: StatusOf tells an
// interrupted run from a diverged or a failed one, and the Result says
// what is on disk.
package pipeline
