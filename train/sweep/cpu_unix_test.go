//go:build unix

package sweep

import "syscall"

// childCPUSeconds returns the user and system CPU time of every child
// process that has ended and been waited for (getrusage RUSAGE_CHILDREN).
func childCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
