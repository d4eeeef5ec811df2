package future

// Waker tells an executor that the task it belongs to can make progress and
// should be polled again. Wake may be called any number of times, from any
// goroutine, at any moment; see the waker contract in the package doc.
//
// What a wake guarantees the next poll observes: a call of Wake on the
// waker of a task's latest poll is followed by at least one poll of that
// task that starts after Wake was called, unless the task completes first.
// Wake publishes no memory by itself (wakes merge, and a merged one
// synchronizes with nothing), so a future must write the state its Poll
// reads with an atomic operation or under a lock, then call Wake: the
// poll the wake causes, reading that state the same way, then sees the
// write. In the terms of the Go memory model, the write is synchronized
// before that read by the future's own atomic or lock, and Wake makes sure
// the read comes after it. Every waiting future of this module (locks,
// channels, timers, readiness) publishes its state so. [WakeFrom] and
// [LocalWaker.WakeLocal] guarantee the same.
type Waker interface {
	Wake()
}

// WakerFunc adapts a plain function to the Waker interface.
type WakerFunc func()

// Wake calls f.
func (f WakerFunc) Wake() { f() }

// LocalWaker is implemented by wakers that can schedule more cheaply when
// they know which executor the wake comes from. An executor's task waker
// uses it to put a task woken by the task that is running on the same
// worker into that worker's own queue, instead of a shared one, with no
// goroutine-local state: the executor is named by the Context.
type LocalWaker interface {
	Waker
	// WakeLocal wakes like Wake; ext is the Ext of the Context of the poll
	// that is running on the calling goroutine right now.
	WakeLocal(ext any)
}

// WakeFrom wakes w on behalf of the future being polled with cx. Call it
// instead of w.Wake() when a wake happens inside a Poll (a channel send
// waking the receiver, a task finishing and waking its joiner): executors
// then keep the woken task on the current worker. cx may be nil.
func WakeFrom(cx *Context, w Waker) {
	if cx != nil && cx.ext != nil {
		if lw, ok := w.(LocalWaker); ok {
			lw.WakeLocal(cx.ext)
			return
		}
	}
	w.Wake()
}

// NoopWaker is a Waker that does nothing. Polling with it is useful only for
// futures known to be ready, or in tests that poll by hand.
var NoopWaker Waker = noopWaker{}

type noopWaker struct{}

func (noopWaker) Wake() {}
