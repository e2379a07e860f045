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
	Path   string // the run directory
	Holder string // what the holder wrote into the lock file: pid, command, start time
}

func (e *LockedError) Error() string {
	h := strings.TrimSpace(e.Holder)
	if h == "" {
		h = "holder unknown"
	}
	return fmt.Sprintf("run directory %q is in use by another process (%s): wait for it to finish, or write somewhere else",
		e.Path, strings.ReplaceAll(h, "\n", ", "))
}

// noLockError is tryLock's report that the file system cannot lock.
type noLockError struct{}

func (noLockError) Error() string { return "the file system does not support flock(2)" }

// lock opens (creating if needed) path/MetaDir/lock and takes an exclusive
// lock on it. On success it writes this process's pid, command line and
// start time into the file, for a refused writer's error message.
// unlocked reports a file system without locks: the file is open but a
// second writer would not be refused.
func lock(path string) (f *os.File, unlocked bool, err error) {
	meta := filepath.Join(path, MetaDir)
	if err := os.Mkdir(meta, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, false, fmt.Errorf("run directory %q: %w", path, err)
	}
	f, err = os.OpenFile(filepath.Join(meta, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("run directory %q: lock file: %w", path, err)
	}
	ok, err := tryLock(f)
	if errors.As(err, new(noLockError)) {
		unlocked, err = true, nil
	}
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("run directory %q: lock: %w", path, err)
	}
	if !ok {
		holder, _ := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		return nil, false, &LockedError{Path: path, Holder: string(holder)}
	}
	info := fmt.Sprintf("pid %d\ncommand %s\nsince %s\n", os.Getpid(), strings.Join(os.Args, " "), time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(info), 0) // best effort: only read for error messages
	}
	return f, unlocked, nil
}
