//go:build !linux

package data

func threadCPU() int64 { return -1 }
