package sweep

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// testWorkerEnv makes the test binary a sweep worker: the Local backend of
// these tests starts it with this variable set and the run directory as its
// only argument, as cmd/sweep starts itself with -worker.
const testWorkerEnv = "TASKRNN_SWEEP_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(testWorkerEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		rec, err := RunWorker(ctx, os.Args[len(os.Args)-1], os.Stdout)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if rec.Status.Done() {
			os.Exit(0)
		}
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// testLocal returns a Local backend whose workers are this test binary.
func testLocal(jobs int) Local {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	return Local{Jobs: jobs, Command: []string{exe}, Env: []string{testWorkerEnv + "=1"}}
}
