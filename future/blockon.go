package future

import (
	"errors"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/internal/noblock"
)

// ErrInWorker is the error of a blocking call (BlockOn, a JoinHandle's
// Wait, Shutdown, bridge.Wait, ...) made from a goroutine that must not
// block: a pool worker, or the body of an async Task that a worker is
// running. Blocking there would stall the worker, maybe while the very
// task waited for sits behind it in its queue; on a one-worker pool it is
// a deadlock. The calls that return an error return it (pool.ErrInWorker
// is the same value); BlockOn and BlockOnDriver, which have no error
// result, panic with a *MisuseError wrapping it. Inside a task, await
// the future (async.Await, or poll it) instead of blocking on it.
var ErrInWorker = errors.New("spindle: blocking call from inside a task (a pool worker, or an async body a worker runs)")

func panicInWorker(name string) {
	panic(&MisuseError{Future: name, Err: ErrInWorker})
}

// BlockOn runs f to completion on the calling goroutine and returns its
// value. Between polls the goroutine is parked (it does not spin) until f's
// waker is woken. f runs without an executor (cx.Ext() is nil) and without
// a driver; use BlockOnDriver to run futures that need I/O or timers.
//
// A panic in f's Poll propagates to the caller of BlockOn.
//
// BlockOn is for futures that need no executor and no driver: tests, and
// goroutine code waiting for a channel or lock future. To run a program's
// futures, use pool.BlockOn (or poll.BlockOn without a pool). Called from
// a pool worker or from an async body a worker runs, where blocking would
// stall the worker, it panics with a *MisuseError wrapping ErrInWorker.
func BlockOn[T any](f Future[T]) T {
	if noblock.Forbidden() {
		panicInWorker("future.BlockOn")
	}
	b := blockers.Get().(*blocker)
	b.cx = Context{waker: &b.p}
	for {
		if v, ok := f.Poll(&b.cx).Value(); ok {
			b.release()
			return v
		}
		b.p.park()
	}
}

// blocker is the parker and Context of one BlockOn call, recycled through
// a sync.Pool so that BlockOn does not allocate. A waker that a future kept
// after completing and wakes later reaches a recycled parker: the BlockOn
// using it then polls once for nothing, which the waker contract allows (a
// future tolerates spurious polls). On a panic the blocker is not reused.
type blocker struct {
	p  chanParker
	cx Context
}

var blockers = sync.Pool{New: func() any { return &blocker{p: *newChanParker()} }}

func (b *blocker) release() {
	select {
	case <-b.p.ch: // a wake that arrived during the last poll
	default:
	}
	b.cx = Context{}
	blockers.Put(b)
}

// BlockOnDriver is BlockOn with d as the driver: between polls the calling
// goroutine parks inside d.Park, so a program can do I/O and wait on timers
// with no executor and no other goroutine. The caller keeps ownership of d.
// It is the building block of poll.BlockOn, which programs use instead.
// Like BlockOn it panics with a *MisuseError wrapping ErrInWorker when
// called where blocking is forbidden.
func BlockOnDriver[T any](d Driver, f Future[T]) T {
	if noblock.Forbidden() {
		panicInWorker("future.BlockOnDriver")
	}
	w := &driverWaker{d: d}
	cx := NewContext(w)
	cx.SetDriver(d)
	for {
		w.woken.Store(false)
		if v, ok := f.Poll(cx).Value(); ok {
			return v
		}
		for !w.woken.Load() {
			d.Park(cx, -1*time.Nanosecond)
		}
	}
}
