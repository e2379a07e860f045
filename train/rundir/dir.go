package rundir

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// Dir is a run directory opened for writing. It holds the directory's
// exclusive lock from Open until Close, so that two writers never mix
// their files, and Commit replaces a set of files at once, so that the
// directory holds one consistent state whenever the process is killed.
//
// How (Linux and other Unix systems): every file that Commit writes lives
// in a state directory MetaDir/state-*; MetaDir/current is a symbolic link
// to the committed one, and each file's name in the run directory is a
// symbolic link to MetaDir/current/<name>. A commit builds the next state
// beside the current one (files it does not change are hard-linked, not
// copied), fsyncs it, and then renames a new current link over the old,
// which switches every file at once; rename(2) is atomic on every POSIX
// file system, network file systems included. Readers that open
// run/<name> (NumPy, PyTorch, LoadRun) see the old set or the new set,
// never a mixture; names that exist only in the new set are links that
// dangle (read as absent) until the switch. Subdirectories and files that
// Commit never wrote are left alone.
//
// A run directory written before this scheme (plain files) is converted on
// its first commit, one file at a time, each keeping its content. Where
// symbolic links cannot be made (some file systems, Windows without
// developer mode) Commit falls back to writing each file atomically on its
// own (fileio.WriteFile): every file is whole, but a kill between two files
// leaves a mixture.
type Dir struct {
	path     string
	lock     *os.File
	unlocked bool
	symlink  bool
}

// File is one file of a commit: its name in the run directory and the
// function that writes its content.
type File struct {
	Name  string
	Write func(w io.Writer) error
}

const currentLink = "current"

// linkTarget is the symbolic link that run/<name> holds.
func linkTarget(name string) string { return MetaDir + "/" + currentLink + "/" + name }

// Open opens the run directory at path for writing, creating it and its
// parents if needed, and takes its exclusive lock; a second Open of the
// same directory, in this process or another, fails with a *LockedError
// naming the holder until Close. It also removes what an interrupted
// commit left (states never switched to, links to nothing).
func Open(path string) (*Dir, error) {
	if path == "" {
		return nil, errors.New("run directory: empty path")
	}
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("run directory %q exists and is not a directory", path)
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	f, unlocked, err := lock(path)
	if err != nil {
		return nil, err
	}
	d := &Dir{path: path, lock: f, unlocked: unlocked, symlink: symlinksWork(filepath.Join(path, MetaDir))}
	if err := d.cleanup(); err != nil {
		d.Close()
		return nil, fmt.Errorf("run directory %q: %w", path, err)
	}
	return d, nil
}

// CreateUnique creates a new directory parent/name, or parent/name-2,
// parent/name-3, ... if that exists, with an exclusive mkdir(2) so that
// two processes never get the same one, and opens it (Open).
func CreateUnique(parent, name string) (*Dir, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	for i := 1; i <= 10000; i++ {
		p := filepath.Join(parent, name)
		if i > 1 {
			p = fmt.Sprintf("%s-%d", p, i)
		}
		err := os.Mkdir(p, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create run directory: %w", err)
		}
		return Open(p)
	}
	return nil, fmt.Errorf("create run directory: %s and 9999 numbered variants all exist", filepath.Join(parent, name))
}

// DefaultName returns the name of the run directory used when none is
// given: the UTC time as 20060102-150405 (CreateUnique appends -2, -3, ...
// for runs started in the same second).
func DefaultName(now time.Time) string { return now.UTC().Format("20060102-150405") }

// Path returns the run directory's path.
func (d *Dir) Path() string { return d.path }

// Close releases the lock. The directory and its files stay.
func (d *Dir) Close() error {
	if d.lock == nil {
		return nil
	}
	err := d.lock.Close()
	d.lock = nil
	return err
}

// ScratchDir returns a new empty directory inside the run directory (on
// its file system) for files that a commit is built from, such as
// streamed arrays; the caller removes it when done, and Open removes any
// that a killed process left.
func (d *Dir) ScratchDir() (string, error) {
	return os.MkdirTemp(filepath.Join(d.path, MetaDir), "scratch-")
}

// Locked reports whether the directory's lock is enforced: false on file
// systems without flock(2) (Lustre mounted without -o flock, non-Unix
// systems), where a second writer is not refused.
func (d *Dir) Locked() bool { return !d.unlocked }

// Atomic reports whether Commit switches its files as one set (false in
// the fallback mode described at Dir).
func (d *Dir) Atomic() bool { return d.symlink }

// Empty reports whether the directory holds no file (the lock directory
// MetaDir and links to nothing aside).
func (d *Dir) Empty() (bool, error) {
	names, err := viewNames(d.path)
	return len(names) == 0, err
}

// viewNames lists the entries of a run directory that a reader sees:
// everything but MetaDir and links that resolve to nothing.
func viewNames(path string) ([]string, error) {
	es, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range es {
		if e.Name() == MetaDir {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			if _, err := os.Stat(filepath.Join(path, e.Name())); err != nil {
				continue
			}
		}
		names = append(names, e.Name())
	}
	return names, nil
}

func symlinksWork(meta string) bool {
	p := filepath.Join(meta, fmt.Sprintf("symlink-test-%d", os.Getpid()))
	os.Remove(p)
	if err := os.Symlink("x", p); err != nil {
		return false
	}
	os.Remove(p)
	return true
}

// current returns the name of the committed state directory inside
// MetaDir, or "" if there is none.
func current(path string) (string, error) {
	t, err := os.Readlink(filepath.Join(path, MetaDir, currentLink))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(t, "state-") || strings.ContainsAny(t, `/\`) {
		return "", fmt.Errorf("%s/%s points to %q, not a state directory", MetaDir, currentLink, t)
	}
	return t, nil
}

// stateNames lists the files of state directory st ("" = none).
func (d *Dir) stateNames(st string) ([]string, error) {
	if st == "" {
		return nil, nil
	}
	es, err := os.ReadDir(filepath.Join(d.path, MetaDir, st))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names, nil
}

// isOurLink reports whether run/<name> is the link Commit makes.
func (d *Dir) isOurLink(name string) bool {
	t, err := os.Readlink(filepath.Join(d.path, name))
	return err == nil && t == linkTarget(name)
}

// cleanup removes state directories that are not current, temporary
// links, and run-directory links to files the current state lacks.
func (d *Dir) cleanup() error {
	meta := filepath.Join(d.path, MetaDir)
	if !d.symlink {
		es, _ := os.ReadDir(meta)
		for _, e := range es {
			if strings.HasPrefix(e.Name(), "scratch-") {
				os.RemoveAll(filepath.Join(meta, e.Name()))
			}
		}
		return nil
	}
	cur, err := current(d.path)
	if err != nil {
		return err
	}
	es, err := os.ReadDir(meta)
	if err != nil {
		return err
	}
	for _, e := range es {
		n := e.Name()
		if (strings.HasPrefix(n, "state-") && n != cur) || strings.HasPrefix(n, currentLink+".tmp-") || strings.HasPrefix(n, "scratch-") {
			if err := os.RemoveAll(filepath.Join(meta, n)); err != nil {
				return err
			}
		}
	}
	es, err = os.ReadDir(d.path)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Type()&fs.ModeSymlink != 0 && strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".link-") {
			os.Remove(filepath.Join(d.path, e.Name())) // adopt's temporary link
			continue
		}
		if e.Type()&fs.ModeSymlink == 0 || !d.isOurLink(e.Name()) {
			continue
		}
		if _, err := os.Stat(filepath.Join(d.path, e.Name())); errors.Is(err, fs.ErrNotExist) {
			if err := os.Remove(filepath.Join(d.path, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" || name == "." || name == ".." || name == MetaDir || strings.ContainsAny(name, `/\`) || fileio.IsTemp(name) {
		return fmt.Errorf("%q is not a valid run-directory file name", name)
	}
	return nil
}

// Commit writes files and removes the files named in remove, all as one
// change: after Commit returns nil every reader sees the new set; if it
// returns an error, or the process dies at any moment during it, readers
// see the set as it was before (in the fallback mode, see Dir, each file
// is whole but the set may be mixed). The files' Write functions run
// concurrently, each on its own file. Names must be plain file names;
// removing a file that does not exist is not an error. An existing entry
// of the same name that Commit did not write is replaced if it is a
// regular file (its content is carried over first, so that it never
// vanishes early) and is an error otherwise (a directory, a foreign link).
func (d *Dir) Commit(files []File, remove []string) (err error) {
	if d.lock == nil {
		return errors.New("commit: run directory is closed")
	}
	all := map[string]bool{}
	for _, n := range append(fileNames(files), remove...) {
		if err := checkName(n); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		if all[n] {
			return fmt.Errorf("commit: %q given twice", n)
		}
		all[n] = true
	}
	if !d.symlink {
		return d.commitFallback(files, remove)
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("commit to %s: %w", d.path, err)
		}
	}()
	var legacy []string
	for n := range all {
		top := filepath.Join(d.path, n)
		st, err := os.Lstat(top)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case st.Mode().IsRegular():
			legacy = append(legacy, n)
		case st.Mode()&fs.ModeSymlink != 0 && d.isOurLink(n):
		default:
			return fmt.Errorf("%s exists and is not a file this program wrote (%v): move it away", top, st.Mode().Type())
		}
	}
	if len(legacy) > 0 {
		slices.Sort(legacy)
		if err := d.adopt(legacy); err != nil {
			return err
		}
	}
	cur, err := current(d.path)
	if err != nil {
		return err
	}
	keep, err := d.stateNames(cur)
	if err != nil {
		return err
	}
	keep = slices.DeleteFunc(keep, func(n string) bool { return all[n] })
	next, err := d.build(cur, keep, files)
	if err != nil {
		return err
	}
	switched := false
	defer func() {
		if !switched {
			os.RemoveAll(filepath.Join(d.path, MetaDir, next))
		}
	}()
	// Links for new names dangle (read as absent) until the switch.
	for _, f := range files {
		if !d.isOurLink(f.Name) {
			if err := os.Symlink(linkTarget(f.Name), filepath.Join(d.path, f.Name)); err != nil {
				return err
			}
		}
	}
	if err := fileio.SyncDir(d.path); err != nil {
		return err
	}
	if err := d.switchTo(next); err != nil {
		return err
	}
	switched = true
	// The switch is done; what follows only tidies up.
	if cur != "" {
		os.RemoveAll(filepath.Join(d.path, MetaDir, cur))
	}
	for _, n := range remove {
		if d.isOurLink(n) {
			os.Remove(filepath.Join(d.path, n))
		}
	}
	return fileio.SyncDir(d.path)
}

func fileNames(files []File) []string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names
}

// build makes a new state directory holding the files keep of state cur
// (hard links) and files, all fsynced, and returns its name.
func (d *Dir) build(cur string, keep []string, files []File) (string, error) {
	meta := filepath.Join(d.path, MetaDir)
	dir, err := os.MkdirTemp(meta, "state-")
	if err != nil {
		return "", err
	}
	// MkdirTemp makes 0700; the run's files live here, so give it the
	// permissions of every other directory of the run (other users of a
	// shared disk read runs through the links into it).
	if err := os.Chmod(dir, 0o755); err != nil {
		os.Remove(dir)
		return "", err
	}
	ok := false
	defer func() {
		if !ok { // also on panic in a Write function
			os.RemoveAll(dir)
		}
	}()
	for _, n := range keep {
		if err := linkOrCopy(filepath.Join(meta, cur, n), filepath.Join(dir, n)); err != nil {
			return "", err
		}
	}
	errs := make([]error, len(files))
	panics := make([]string, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() {
				// A panic in a Write function is raised again on the
				// caller's goroutine, after the new state is removed.
				if r := recover(); r != nil {
					panics[i] = fmt.Sprintf("%v\n\n%s", r, debug.Stack())
				}
				<-sem
				wg.Done()
			}()
			errs[i] = writeNew(filepath.Join(dir, f.Name), f.Write)
		}()
	}
	wg.Wait()
	for i, p := range panics {
		if p != "" {
			panic(fmt.Sprintf("rundir: writing %s: %s", files[i].Name, p))
		}
	}
	for i, err := range errs {
		if err != nil {
			return "", fmt.Errorf("%s: %w", files[i].Name, err)
		}
	}
	if err := fileio.SyncDir(dir); err != nil {
		return "", err
	}
	ok = true
	return filepath.Base(dir), nil
}

// writeNew creates path (which must not exist), writes it through a
// buffer and fsyncs it.
func writeNew(path string, write func(io.Writer) error) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return fileio.Sync(f)
}

// linkOrCopy hard-links src to dst, or copies it where hard links are not
// possible.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeNew(dst, func(w io.Writer) error { _, err := io.Copy(w, in); return err })
}

// switchTo points MetaDir/current at state next, atomically.
func (d *Dir) switchTo(next string) error {
	meta := filepath.Join(d.path, MetaDir)
	tmp := filepath.Join(meta, fmt.Sprintf("%s.tmp-%d-%d", currentLink, os.Getpid(), time.Now().UnixNano()))
	if err := os.Symlink(next, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(meta, currentLink)); err != nil {
		os.Remove(tmp)
		return err
	}
	return fileio.SyncDir(meta)
}

// adopt brings the regular files names of the run directory under the
// scheme without changing what a reader sees: a state holding them (hard
// links) becomes current, then each file is replaced by its link, which
// resolves to the same content.
func (d *Dir) adopt(names []string) error {
	meta := filepath.Join(d.path, MetaDir)
	cur, err := current(d.path)
	if err != nil {
		return err
	}
	keep, err := d.stateNames(cur)
	if err != nil {
		return err
	}
	keep = slices.DeleteFunc(keep, func(n string) bool { return slices.Contains(names, n) })
	next, err := d.build(cur, keep, nil)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := linkOrCopy(filepath.Join(d.path, n), filepath.Join(meta, next, n)); err != nil {
			os.RemoveAll(filepath.Join(meta, next))
			return err
		}
	}
	if err := fileio.SyncDir(filepath.Join(meta, next)); err != nil {
		os.RemoveAll(filepath.Join(meta, next))
		return err
	}
	if err := d.switchTo(next); err != nil {
		os.RemoveAll(filepath.Join(meta, next))
		return err
	}
	if cur != "" {
		os.RemoveAll(filepath.Join(meta, cur))
	}
	for _, n := range names {
		tmp := filepath.Join(d.path, fmt.Sprintf(".%s.link-%d", n, os.Getpid()))
		os.Remove(tmp)
		if err := os.Symlink(linkTarget(n), tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(d.path, n)); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	return fileio.SyncDir(d.path)
}

// commitFallback writes each file atomically on its own and then removes
// the files in remove.
func (d *Dir) commitFallback(files []File, remove []string) error {
	for _, f := range files {
		if err := fileio.WriteFile(filepath.Join(d.path, f.Name), f.Write); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	for _, n := range remove {
		if err := os.Remove(filepath.Join(d.path, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("commit: %w", err)
		}
	}
	return fileio.SyncDir(d.path)
}
