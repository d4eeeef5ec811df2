package future

import (
	"sync"
	"time"
)

// BlockOn runs f to completion on the calling goroutine and returns its
// value. Between polls the goroutine is parked (it does not spin) until f's
// waker is woken. f runs without an executor (cx.Ext() is nil) and without
// a driver; use BlockOnDriver to run futures that need I/O or timers.
//
// A panic in f's Poll propagates to the caller of BlockOn.
//
// Do not call BlockOn from inside a Poll: it would block a worker.
func BlockOn[T any](f Future[T]) T {
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
func BlockOnDriver[T any](d Driver, f Future[T]) T {
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
