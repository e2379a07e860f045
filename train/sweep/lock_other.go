//go:build !unix

package sweep

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

var errLocked = errors.New("locked by another process")

func lockFile(path string) (*os.File, error) {
	return nil, fmt.Errorf("lock %s: file locks are not implemented on %s", path, runtime.GOOS)
}

func isLocked(path string) bool { return false }
