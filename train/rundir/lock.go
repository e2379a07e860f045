package rundir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MetaDir is the hidden directory inside a run directory that holds the
// lock file and the committed states (see Dir).
const MetaDir = ".taskrnn"

// lockFile is the lock file's name inside MetaDir.
const lockFile = "lock"

// LockedError reports that another process holds a run directory's lock.
type LockedError struct {
	Path   string // the run directory (or the locked file, for LockFile)
	Holder string // what the holder wrote into the lock file: pid, command, start time
}

func (e *LockedError) Error() string {
	h := strings.TrimSpace(e.Holder)
	if h == "" {
		h = "holder unknown"
	}
	return fmt.Sprintf("%q is in use by another process (%s): wait for it to finish, or write somewhere else",
		e.Path, strings.ReplaceAll(h, "\n", ", "))
}

// noLockError is tryLock's report that the file system cannot lock.
type noLockError struct{}

func (noLockError) Error() string { return "the file system does not support flock(2)" }

// lock opens (creating if needed) path/MetaDir/lock and takes an exclusive
// lock on it (LockFile). unlocked reports a file system without locks: the
// file is open but a second writer would not be refused.
func lock(path string) (f *os.File, unlocked bool, err error) {
	meta := filepath.Join(path, MetaDir)
	if err := os.Mkdir(meta, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, false, fmt.Errorf("run directory %q: %w", path, err)
	}
	f, unlocked, err = LockFile(filepath.Join(meta, lockFile))
	var le *LockedError
	if errors.As(err, &le) {
		le.Path = path
		return nil, false, le
	}
	if err != nil {
		return nil, false, fmt.Errorf("run directory %q: %w", path, err)
	}
	return f, unlocked, nil
}

// LockPath returns the lock file of the run directory dir (held while a
// process writes the directory).
func LockPath(dir string) string { return filepath.Join(dir, MetaDir, lockFile) }

// LockFile opens (creating if needed) the file path and takes an exclusive
// flock(2) on it without waiting; the lock lasts until the file is closed
// or the process ends, however it ends, so a stale lock file never blocks
// anything. On success it writes this process's pid, host, command line and
// start time into the file, for a refused caller's error message. A lock
// held by another process is a *LockedError quoting the holder; unlocked
// reports a file system without locks (the file is open, but nobody would
// be refused). Sweeps lock their directory with it.
func LockFile(path string) (f *os.File, unlocked bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("lock file: %w", err)
	}
	ok, err := tryLock(f)
	if errors.As(err, new(noLockError)) {
		unlocked, err = true, nil
	}
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		holder, _ := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		return nil, false, &LockedError{Path: path, Holder: string(holder)}
	}
	host, _ := os.Hostname()
	info := fmt.Sprintf("pid %d on %s\ncommand %s\nsince %s\n", os.Getpid(), host, strings.Join(os.Args, " "), time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(info), 0) // best effort: only read for error messages
	}
	return f, unlocked, nil
}

// IsLocked reports whether another process holds the lock on the file
// path (false if it does not exist or the system has no flock).
func IsLocked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return heldElsewhere(f)
}
