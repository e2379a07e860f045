//go:build !unix

package rundir

import "os"

// tryLock does not lock on systems without flock(2): the run directory's
// lock file is created and its holder recorded, but a second writer is not
// refused. (Linux is the target; see the package documentation.)
func tryLock(*os.File) (bool, error) { return true, noLockError{} }

// heldElsewhere is false without flock(2).
func heldElsewhere(*os.File) bool { return false }
