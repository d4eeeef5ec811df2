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

// closeWake wakes an async accept loop that is backing off for lack of
// descriptors when a connection task closes its connection: a descriptor
// is free, the accept can be retried at once. Outside a back-off, closing
// a connection costs one atomic load.
//
// A close between the refused accept and wait is missed: the loop then
// waits out its back-off, which is short (MinAcceptBackoff) at first.
type closeWake struct {
	waiting atomic.Bool
	sig     stopSignal
}

// wait starts a back-off.
func (w *closeWake) wait() { w.waiting.Store(true) }

// check reports whether a connection closed since wait; if not, cx's
// waker is woken when one does.
func (w *closeWake) check(cx *future.Context) bool { return w.sig.check(cx) }

// done ends the back-off before the accept is retried, so a close after
// this point is seen by the next one.
func (w *closeWake) done() {
	w.waiting.Store(false)
	w.sig.fired.Store(false)
}

// closed is called by a connection task that closed its connection.
func (w *closeWake) closed() {
	if w.waiting.Load() {
		w.sig.fire()
	}
}
