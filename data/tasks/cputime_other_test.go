//go:build !linux

package tasks

func threadCPU() int64 { return -1 }
