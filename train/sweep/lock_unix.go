//go:build unix

package sweep

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// errLocked is returned by lockFile when another process holds the lock.
var errLocked = errors.New("locked by another process")

// lockFile creates path if needed and takes an exclusive flock(2) on it
// without waiting; the lock lasts until the returned file is closed or the
// process ends (also when it is killed), so a stale lock file never blocks
// anything. On success the file holds the holder's pid and host name, which
// an error for a later caller quotes. flock works on local file systems
// and on NFSv4, where clusters keep shared sweep directories.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			if holder := strings.TrimSpace(string(b)); holder != "" {
				return nil, fmt.Errorf("%w (%s)", errLocked, holder)
			}
			return nil, errLocked
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "pid %d on %s\n", os.Getpid(), host)
	}
	return f, nil
}

// isLocked reports whether another process holds the lock on path (false
// if path does not exist).
func isLocked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		return errors.Is(err, unix.EWOULDBLOCK)
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}
