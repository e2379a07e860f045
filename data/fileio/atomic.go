package fileio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FsyncDelayEnv names an environment variable that, when set to a Go
// duration (e.g. "50ms"), makes every Sync of this package sleep that long
// first. It is a fault-injection hook: tests that kill a process at random
// moments set it to widen the window in which files are being written. It
// changes no result.
const FsyncDelayEnv = "TASKRNN_TEST_FSYNC_DELAY"

// TempPattern is the os.CreateTemp pattern of WriteFile's temporary files:
// base + ".tmp-*" beside the target.
func TempPattern(base string) string { return base + ".tmp-*" }

// IsTemp reports whether name (a base name) is one of WriteFile's
// temporary files.
func IsTemp(name string) bool { return strings.Contains(name, ".tmp-") }

// WriteFile writes path atomically with permission 0644: write is called
// with a buffered writer on a new temporary file in path's directory (see
// TempPattern), which is then flushed, fsynced, closed and renamed over
// path, and the directory is fsynced. A reader of path sees the old file
// or the complete new one, never a part of it. If write returns an error,
// or panics, or any step fails, the temporary file is removed (the panic
// continues) and path is left as it was. Errors name path.
func WriteFile(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, TempPattern(base))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done { // also on panic
			f.Close()
			os.Remove(tmp)
		}
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = Sync(f); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	done = true
	return SyncDir(dir)
}

// WriteFileBytes writes b to path atomically, as WriteFile does.
func WriteFileBytes(path string, b []byte) error {
	return WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// Sync fsyncs f (after the FsyncDelayEnv delay, if set).
func Sync(f *os.File) error {
	if d, err := time.ParseDuration(os.Getenv(FsyncDelayEnv)); err == nil && d > 0 {
		time.Sleep(d)
	}
	return f.Sync()
}

// SyncDir fsyncs the directory dir, so that entries created, renamed or
// removed in it are durable. File systems that cannot sync a directory
// (they return EINVAL or ENOTSUP) are not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = Sync(d)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && isSyncUnsupported(err) {
		return nil
	}
	return err
}
