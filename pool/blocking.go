package pool

import (
	"runtime/debug"

	"github.com/spindle-rt/spindle/future"
)

// SpawnBlocking runs fn on a new goroutine outside the workers, for code
// that blocks (file I/O, cgo, locks, long computations), and returns a
// handle that tasks can await and goroutines can Wait on. A panic in fn
// becomes a *PanicError. fn cannot be interrupted: Abort and Shutdown's
// cancellation do not stop it, and its handle completes when it returns.
// Shutdown waits for it like for any task until its context ends. On a
// pool that is shutting down the handle completes at once with ErrClosed.
func SpawnBlocking[T any](p *Pool, fn func() T) *JoinHandle[T] {
	if fn == nil {
		panic(&future.MisuseError{Future: "pool.SpawnBlocking", Err: ErrNilFuture})
	}
	h := &JoinHandle[T]{}
	t := &h.t
	t.h.setSelf(t)
	t.h.pool = p
	p.liveOutside.Add(1)
	if p.closed.Load() {
		p.liveOutside.Add(-1)
		return h.closed()
	}
	p.spawnedOutside.Add(1)
	var rec *taskRecord
	if p.observed() {
		rec = observeBlocking(p, &t.h)
	}
	// The goroutine holds the poll lock for the task's whole life, so
	// wakes are no-ops and Abort only marks it cancelled.
	t.h.state.v.Store(stRunning)
	go func() {
		v, err := runBlocking(rec, fn)
		t.finish(v, err, nil)
	}()
	return h
}

func callBlocking[T any](fn func() T) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(), nil
}
