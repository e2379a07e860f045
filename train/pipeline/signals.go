package pipeline

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Signals records the interrupting signals a command received (see
// NotifySignals).
type Signals struct {
	mu    sync.Mutex
	first os.Signal
	stop  func()
}

// NotifySignals returns a context that is cancelled when the process
// receives SIGINT or SIGTERM, and the Signals that records which. A
// second such signal calls second (if not nil) with it; commands use it
// to exit at once, which leaves every run directory in its last committed
// state. Call Stop to restore the default handling.
func NotifySignals(parent context.Context, second func(os.Signal)) (context.Context, *Signals) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	s := &Signals{}
	done := make(chan struct{})
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
	go func() {
		for {
			select {
			case sig := <-ch:
				s.mu.Lock()
				again := s.first != nil
				if !again {
					s.first = sig
				}
				s.mu.Unlock()
				cancel()
				if again && second != nil {
					second(sig)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, s
}

// Received returns the first signal received, or nil.
func (s *Signals) Received() os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

// ExitCode returns the conventional exit status of a command interrupted
// by the first signal received (see SignalExitCode), 130 if none was.
func (s *Signals) ExitCode() int { return SignalExitCode(s.Received()) }

// SignalExitCode returns the conventional exit status of a command
// interrupted by sig: 128 + the signal number, 130 for SIGINT and 143 for
// SIGTERM; 130 for nil.
func SignalExitCode(sig os.Signal) int {
	if n, ok := sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 130
}

// Stop stops recording signals and restores their default handling.
func (s *Signals) Stop() { s.stop() }
