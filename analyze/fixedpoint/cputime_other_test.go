//go:build !unix

package fixedpoint

import "time"

func processCPU() time.Duration { return -1 }
