package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalDuringAnalysis runs the cmd/analyze binary on a large test and
// sends SIGTERM while it evaluates: it exits with 143, says that nothing
// was written, and the output directory holds no analysis file.
func TestSignalDuringAnalysis(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "analyze")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("cannot build cmd/analyze: %v\n%s", err, out)
	}
	dir := fakeRun(t)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "-run", dir, "-n_trials", "300000", "-out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 143 || !strings.Contains(stderr.String(), "interrupted by terminated: nothing written") {
		t.Errorf("exit %v, stderr:\n%s", err, stderr.String())
	}
	for _, f := range []string{"metrics.json", "activity.npz"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s written", f)
		}
	}
	if es, _ := os.ReadDir(filepath.Join(out, ".taskrnn")); len(es) > 1 {
		t.Errorf("scratch left in %s/.taskrnn: %d entries", out, len(es))
	}
}
