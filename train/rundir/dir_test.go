package rundir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// text returns a File writing s.
func text(name, s string) File {
	return File{Name: name, Write: func(w io.Writer) error { _, err := io.WriteString(w, s); return err }}
}

func readView(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, err := viewNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || st.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		m[n] = string(b)
	}
	return m
}

func mustOpen(t *testing.T, dir string) *Dir {
	t.Helper()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "run")
	d := mustOpen(t, dir)
	if !d.Atomic() {
		t.Fatal("no symbolic links on this file system: the atomic scheme is not tested")
	}
	if e, err := d.Empty(); !e || err != nil {
		t.Errorf("new directory: Empty() = %v, %v", e, err)
	}
	if err := d.Commit([]File{text("a.txt", "a1"), text("b.txt", "b1")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := readView(t, dir); !equalMaps(got, map[string]string{"a.txt": "a1", "b.txt": "b1"}) {
		t.Errorf("after commit 1: %v", got)
	}
	// Other users can read the committed files: the state directory the
	// names link into is world-readable (MkdirTemp alone makes it 0700).
	for _, name := range []string{"a.txt", "b.txt"} {
		target, err := filepath.EvalSymlinks(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for p := target; p != dir && p != filepath.Dir(p); p = filepath.Dir(p) {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm()&0o044 != 0o044 || fi.IsDir() && fi.Mode().Perm()&0o011 != 0o011 {
				t.Errorf("%s has mode %v: other users cannot read %s", p, fi.Mode().Perm(), name)
			}
		}
	}
	// Files that are not named are kept (hard links, not copies); removed
	// ones disappear with the same switch; other files are left alone.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	before, _ := os.Stat(filepath.Join(dir, "b.txt"))
	if err := d.Commit([]File{text("a.txt", "a2"), text("c.txt", "c2")}, []string{"b.txt", "never.txt"}); err != nil {
		t.Fatal(err)
	}
	if got := readView(t, dir); !equalMaps(got, map[string]string{"a.txt": "a2", "c.txt": "c2", "notes.txt": "mine"}) {
		t.Errorf("after commit 2: %v", got)
	}
	if err := d.Commit(nil, []string{"c.txt"}); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit([]File{text("b.txt", "b3")}, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(filepath.Join(dir, "a.txt"))
	if got := readView(t, dir); !equalMaps(got, map[string]string{"a.txt": "a2", "b.txt": "b3", "notes.txt": "mine"}) {
		t.Errorf("after commits 3, 4: %v", got)
	}
	_ = before
	if after == nil {
		t.Fatal("a.txt vanished")
	}
	// Nothing is left over: one state, no temporary links.
	es, _ := os.ReadDir(filepath.Join(dir, MetaDir))
	var meta []string
	for _, e := range es {
		meta = append(meta, e.Name())
	}
	if len(meta) != 3 || !slices.Contains(meta, "current") || !slices.Contains(meta, "lock") {
		t.Errorf("%s holds %v, want lock, current and one state", MetaDir, meta)
	}
	if e, _ := d.Empty(); e {
		t.Error("Empty() with files")
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCommitFailureKeepsOldState: a failing or panicking writer (issue 8:
// a failed re-analysis left new metrics beside old figures; a panic left
// training.png.tmp-*) leaves the previous set and no debris.
func TestCommitFailureKeepsOldState(t *testing.T) {
	dir := t.TempDir()
	d := mustOpen(t, dir)
	if err := d.Commit([]File{text("metrics.json", "old"), text("fig.png", "old")}, nil); err != nil {
		t.Fatal(err)
	}
	full := errors.New("no space left on device")
	err := d.Commit([]File{text("metrics.json", "new"), {Name: "fig.png", Write: func(io.Writer) error { return full }}}, nil)
	if !errors.Is(err, full) || !strings.Contains(err.Error(), "fig.png") {
		t.Errorf("err = %v, want the writer's error naming fig.png", err)
	}
	func() {
		defer func() { recover() }()
		d.Commit([]File{text("metrics.json", "new"), {Name: "fig.png", Write: func(io.Writer) error { panic("NaN in the palette") }}}, nil)
	}()
	if got := readView(t, dir); !equalMaps(got, map[string]string{"metrics.json": "old", "fig.png": "old"}) {
		t.Errorf("after failed commits: %v", got)
	}
	es, _ := os.ReadDir(filepath.Join(dir, MetaDir))
	if len(es) != 3 {
		t.Errorf("%d entries in %s after failed commits, want 3 (lock, current, one state)", len(es), MetaDir)
	}
}

func TestCommitErrors(t *testing.T) {
	dir := t.TempDir()
	d := mustOpen(t, dir)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("/etc/hostname", filepath.Join(dir, "foreign"))
	for _, c := range []struct {
		files  []File
		remove []string
		want   string
	}{
		{[]File{text("a", "1"), text("a", "2")}, nil, `"a" given twice`},
		{[]File{text("a", "1")}, []string{"a"}, `"a" given twice`},
		{[]File{text("x/y", "1")}, nil, "not a valid run-directory file name"},
		{[]File{text(MetaDir, "1")}, nil, "not a valid"},
		{[]File{text("m.tmp-1", "1")}, nil, "not a valid"},
		{[]File{text("sub", "1")}, nil, "is not a file this program wrote"},
		{nil, []string{"foreign"}, "is not a file this program wrote"},
	} {
		if err := d.Commit(c.files, c.remove); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Commit(%v, %v) = %v, want %q", fileNames(c.files), c.remove, err, c.want)
		}
	}
	d.Close()
	if err := d.Commit(nil, nil); err == nil {
		t.Error("commit after Close: no error")
	}
}

// TestCommitAdoptsPlainFiles: a directory written before the commit scheme
// (plain files, as -force may find) is taken over without a reader ever
// seeing a file vanish or change early.
func TestCommitAdoptsPlainFiles(t *testing.T) {
	dir := t.TempDir()
	for n, s := range map[string]string{"config.json": "old-config", "metrics.json": "old-metrics", "keep.txt": "keep"} {
		os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644)
	}
	d := mustOpen(t, dir)
	if err := d.Commit([]File{text("config.json", "new-config")}, []string{"metrics.json"}); err != nil {
		t.Fatal(err)
	}
	if got := readView(t, dir); !equalMaps(got, map[string]string{"config.json": "new-config", "keep.txt": "keep"}) {
		t.Errorf("after commit: %v", got)
	}
}

// TestReadersSeeWholeSets: a reader that opens a set of files while
// another goroutine commits new versions always gets one version.
func TestReadersSeeWholeSets(t *testing.T) {
	dir := t.TempDir()
	d := mustOpen(t, dir)
	names := []string{"config.json", "model.npz", "summary.json", "train_log.csv"}
	commit := func(v int) error {
		var files []File
		for _, n := range names {
			files = append(files, text(n, strconv.Itoa(v)))
		}
		return d.Commit(files, nil)
	}
	if err := commit(0); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for v := 1; v <= 40; v++ {
			if err := commit(v); err != nil {
				t.Error(err)
				break
			}
		}
		close(done)
	})
	reads := 0
	for stop := false; !stop; reads++ {
		select {
		case <-done:
			stop = true
		default:
		}
		got, err := ReadFiles(dir, 100, names...)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range got[1:] {
			if string(b) != string(got[0]) {
				t.Fatalf("read %q: a mixture of versions", got)
			}
		}
	}
	wg.Wait()
	t.Logf("%d consistent reads during 40 commits", reads)
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	d := mustOpen(t, dir)
	_, err := Open(dir)
	var le *LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second Open: %v, want a LockedError naming pid %d", err, os.Getpid())
	}
	d.Close()
	d2, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	d2.Close()
}

// TestLockAcrossProcesses: a child process holds the lock; the parent's
// Open is refused naming the child's pid and command, and succeeds once
// the child is killed (the kernel releases flock locks).
func TestLockAcrossProcesses(t *testing.T) {
	if os.Getenv("RUNDIR_HOLD_LOCK") != "" {
		d, err := Open(os.Getenv("RUNDIR_HOLD_LOCK"))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		d.Close()
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLockAcrossProcesses$")
	cmd.Env = append(os.Environ(), "RUNDIR_HOLD_LOCK="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "locked") {
		t.Fatalf("child: %q", buf[:n])
	}
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) || !strings.Contains(err.Error(), "TestLockAcrossProcesses") {
		t.Errorf("Open while the child holds the lock: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	d, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after the holder was killed: %v", err)
	}
	d.Close()
}

// TestCreateUnique: runs started in the same second never share a
// directory (issue 8/12: DefaultRunDir collided).
func TestCreateUnique(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "runs")
	name := DefaultName(time.Date(2026, 11, 27, 8, 40, 7, 0, time.UTC))
	if name != "20261127-084007" {
		t.Errorf("DefaultName = %q", name)
	}
	const n = 8
	paths := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			d, err := CreateUnique(parent, name)
			if err == nil {
				paths[i] = d.Path()
				d.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, p := range paths {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[p] {
			t.Errorf("two runs got %s", p)
		}
		seen[p] = true
	}
	if !seen[filepath.Join(parent, name)] || !seen[filepath.Join(parent, name+"-2")] || !seen[filepath.Join(parent, name+"-8")] {
		t.Errorf("got %v", paths)
	}
}

// TestOpenCleansUp: what a killed commit leaves (a state never switched
// to, a link to nothing) is removed by the next Open.
func TestOpenCleansUp(t *testing.T) {
	dir := t.TempDir()
	d := mustOpen(t, dir)
	if err := d.Commit([]File{text("a", "1")}, nil); err != nil {
		t.Fatal(err)
	}
	d.Close()
	os.Mkdir(filepath.Join(dir, MetaDir, "state-dead"), 0o755)
	os.Symlink(linkTarget("b"), filepath.Join(dir, "b"))
	d = mustOpen(t, dir)
	if _, err := os.Lstat(filepath.Join(dir, "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("dangling link left")
	}
	if _, err := os.Stat(filepath.Join(dir, MetaDir, "state-dead")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("dead state left")
	}
	if got := readView(t, dir); !equalMaps(got, map[string]string{"a": "1"}) {
		t.Errorf("view %v", got)
	}
}

func TestOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Open(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open(file) = %v", err)
	}
	if _, err := Open(filepath.Join(file, "sub")); err == nil {
		t.Error("Open below a file: no error")
	}
	if _, err := Open(""); err == nil {
		t.Error(`Open(""): no error`)
	}
}
