//go:build unix

package fileio

import "golang.org/x/sys/unix"

// FreeSpace returns the bytes available to an unprivileged user on the
// file system holding dir (statfs(2)); ok is false where it cannot be
// read.
func FreeSpace(dir string) (bytes float64, ok bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return float64(st.Bavail) * float64(st.Bsize), true
}
