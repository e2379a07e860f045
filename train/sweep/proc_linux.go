//go:build linux

package sweep

import (
	"os/exec"
	"syscall"
)

// setDeathSignal asks the kernel to send the worker SIGTERM if the sweep
// process dies (prctl PR_SET_PDEATHSIG), so that a killed sweep never
// leaves workers training behind its back: they save the run so far and
// exit. The signal follows the death of the thread that started the
// worker, so the caller keeps that thread locked until the worker ends.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
