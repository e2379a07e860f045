//go:build !unix

package fileio

// FreeSpace is not implemented outside Unix: ok is always false.
func FreeSpace(dir string) (bytes float64, ok bool) { return 0, false }
