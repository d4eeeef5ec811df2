package count

import (
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// stopSignal tells a task, from any goroutine, to stop. The task checks it
// in every poll; fire wakes the task if it is waiting for something else.
//
// Invariant: fire sets fired before it takes the waker, and check stores
// the waker before it reads fired again, so either check sees fired or
// fire sees the stored waker: a stop is never missed.
type stopSignal struct {
	fired atomic.Bool
	mu    sync.Mutex
	w     future.Waker
}

// The accept task also uses one as a wake that fires many times (a
// connection closed), resetting it before each wait.

// fire stops the task; it may be called any number of times.
func (s *stopSignal) fire() {
	s.fired.Store(true)
	s.mu.Lock()
	w := s.w
	s.w = nil
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// check reports whether the signal fired; if not, cx's waker is woken when
// it fires.
func (s *stopSignal) check(cx *future.Context) bool {
	if s.fired.Load() {
		return true
	}
	s.mu.Lock()
	s.w = cx.Waker()
	s.mu.Unlock()
	return s.fired.Load()
}

// reset makes the signal unfired. Only the task that checks it may call
// reset, between its checks.
func (s *stopSignal) reset() { s.fired.Store(false) }
