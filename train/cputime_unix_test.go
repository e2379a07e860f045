//go:build unix

package train

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) of the whole process, so
// that benchmarks can report it beside wall time on a shared machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
