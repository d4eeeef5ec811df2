package future

import "time"

// BlockOn runs f to completion on the calling goroutine and returns its
// value. Between polls the goroutine is parked (it does not spin) until f's
// waker is woken. f runs without an executor (cx.Ext() is nil) and without
// a driver; use BlockOnDriver to run futures that need I/O or timers.
//
// Do not call BlockOn from inside a Poll: it would block a worker.
func BlockOn[T any](f Future[T]) T {
	p := newChanParker()
	cx := NewContext(p)
	for {
		if v, ok := f.Poll(cx).Value(); ok {
			return v
		}
		p.park()
	}
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
