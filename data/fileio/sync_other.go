//go:build !unix

package fileio

// isSyncUnsupported: directories cannot be opened for sync on non-Unix
// systems such as Windows; renames are durable there without it.
func isSyncUnsupported(error) bool { return true }
