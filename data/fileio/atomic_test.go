package fileio

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.txt")
	if err := WriteFileBytes(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	// A failing writer leaves the old file and no temporary file.
	boom := errors.New("boom")
	err := WriteFile(p, func(w io.Writer) error { w.Write([]byte("partial")); return boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	// So does a panicking one (issue 8: a panic in a figure left training.png.tmp-*).
	func() {
		defer func() { recover() }()
		WriteFile(p, func(w io.Writer) error { w.Write([]byte("partial")); panic("figure") })
	}()
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("content %q, want the old one", b)
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want only f.txt", names)
	}
	if err := WriteFileBytes(filepath.Join(dir, "missing", "f"), nil); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

func TestIsTemp(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), TempPattern("model.npz"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if !IsTemp(filepath.Base(f.Name())) || IsTemp("model.npz") {
		t.Error("IsTemp disagrees with TempPattern")
	}
}
