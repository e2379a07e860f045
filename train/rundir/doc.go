// Package rundir is the run-directory contract shared by training,
// analysis and sweeps, without the trainer: the configuration of a run
// (Config, config.json, with exact keys), the names of the files a run
// holds, summary.json, reading a run back (LoadRun), and writing into a
// directory safely (Dir): an exclusive lock so that one process writes a
// directory at a time, and Commit, which replaces a set of files as one
// atomic change so that a directory killed at any moment holds one
// consistent state.
//
// Linux is the target; the lock uses flock(2) and the commit symbolic
// links and rename(2), so any Unix works. Elsewhere the lock is not
// enforced and each file of a commit is atomic on its own (see Dir).
package rundir
