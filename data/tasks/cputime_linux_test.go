package tasks

import "syscall"

// threadCPU returns the CPU time (user + system) of the calling OS thread in
// ns, or -1 if unavailable. Benchmarks lock their goroutine to its thread and
// report CPU ns/op beside wall ns/op, which a busy shared machine inflates.
func threadCPU() int64 {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
