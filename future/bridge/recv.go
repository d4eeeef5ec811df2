package bridge

import (
	"errors"
	"runtime"
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// ErrChanClosed is the error of a Recv from a channel that was closed.
var ErrChanClosed = errors.New("bridge: receive from closed channel")

// Recv returns a future of one receive from ch: Ok(v) for a value,
// Err(ErrChanClosed) if ch is closed.
//
// A Go channel cannot wake a task, so if ch has nothing ready at the first
// poll, Recv starts one goroutine that blocks on the receive and wakes the
// task when it completes. That goroutine exits when the value arrives, when
// Cancel or Stop is called, or when the future is garbage collected
// without either. A value the goroutine has already taken when the future
// is abandoned is lost unless Stop returns it; use Stop where that
// matters. For task-to-task messages use the channel package instead, whose
// receives need no goroutine.
func Recv[T any](ch <-chan T) *RecvFuture[T] { return &RecvFuture[T]{ch: ch} }

// RecvFuture is the future returned by Recv. It implements
// future.Future[future.Result[T]].
type RecvFuture[T any] struct {
	ch        <-chan T
	sh        *recvShared[T] // nil until a goroutine is started
	cln       runtime.Cleanup
	done      bool
	cancelled bool
}

// recvShared is what the receiving goroutine shares with the future. It
// does not point to the future, so an abandoned future can be collected
// and its cleanup can stop the goroutine.
//
// States: waiting (!finished) -> finished (value or closed stored, waker
// woken) or cancelled (cancel closed; the goroutine exits; a value it won
// the race for is still stored and Stop returns it).
type recvShared[T any] struct {
	mu       sync.Mutex
	w        future.Waker  // guarded by mu
	v        T             // guarded by mu
	ok       bool          // a value (not a close) was received, guarded by mu
	finished bool          // guarded by mu
	cancel   chan struct{} // closed by stop
	exited   chan struct{} // closed when run returns
	once     sync.Once
}

func (sh *recvShared[T]) run(ch <-chan T) {
	defer close(sh.exited)
	select {
	case v, ok := <-ch:
		sh.mu.Lock()
		sh.v, sh.ok, sh.finished = v, ok, true
		w := sh.w
		sh.w = nil
		sh.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	case <-sh.cancel:
	}
}

func (sh *recvShared[T]) stop() { sh.once.Do(func() { close(sh.cancel) }) }

// Poll completes with the received value, or Err(ErrChanClosed).
func (f *RecvFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if f.cancelled {
		panicPolledAfterCancel(f)
	}
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.sh == nil {
		select {
		case v, ok := <-f.ch:
			f.done = true
			return future.Ready(recvResult(v, ok))
		default:
		}
		sh := &recvShared[T]{cancel: make(chan struct{}), exited: make(chan struct{}), w: cx.Waker()}
		f.sh = sh
		f.cln = runtime.AddCleanup(f, func(sh *recvShared[T]) { sh.stop() }, sh)
		go sh.run(f.ch)
		return future.Pending[future.Result[T]]()
	}
	sh := f.sh
	sh.mu.Lock()
	if !sh.finished {
		sh.w = cx.Waker()
		sh.mu.Unlock()
		return future.Pending[future.Result[T]]()
	}
	v, ok := sh.v, sh.ok
	sh.mu.Unlock()
	f.done = true
	f.cln.Stop()
	return future.Ready(recvResult(v, ok))
}

func recvResult[T any](v T, ok bool) future.Result[T] {
	if !ok {
		return future.Err[T](ErrChanClosed)
	}
	return future.Ok(v)
}

// Stop stops the receive and returns the value that the helper goroutine
// had already taken from the channel, if any (received is false otherwise,
// including when the channel was closed). It waits for the goroutine to
// exit, which takes no longer than a goroutine switch since the goroutine
// blocks on nothing but the receive. After Cancel the goroutine takes
// nothing more from the channel. The future must not be polled afterwards.
func (f *RecvFuture[T]) Stop() (v T, received bool) {
	if f.done {
		return v, false // completed (or already cancelled): nothing to stop
	}
	f.done, f.cancelled = true, true
	sh := f.sh
	if sh == nil {
		return v, false // never polled: no goroutine
	}
	f.cln.Stop()
	sh.stop()
	<-sh.exited
	sh.mu.Lock()
	v, received = sh.v, sh.finished && sh.ok
	sh.mu.Unlock()
	return v, received
}

// Cancel stops the receive without waiting, so it is safe inside a poll: a
// value the goroutine took in the same instant is dropped. The future must
// not be polled afterwards. Use Stop to get such a value back. Cancel makes
// RecvFuture a future.Canceler.
func (f *RecvFuture[T]) Cancel() {
	if f.done {
		return
	}
	f.done, f.cancelled = true, true
	if f.sh != nil {
		f.cln.Stop()
		f.sh.stop()
	}
}
