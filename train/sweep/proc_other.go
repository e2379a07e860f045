//go:build !linux

package sweep

import "os/exec"

// setDeathSignal does nothing outside Linux: there a killed sweep's workers
// finish their current run (the run directory's lock keeps a second sweep
// from training the same run meanwhile).
func setDeathSignal(cmd *exec.Cmd) {}
