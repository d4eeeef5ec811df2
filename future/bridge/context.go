package bridge

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// ctxWatch wakes the latest waker of a future when a context is done. It is
// registered lazily, at the first poll that finds the context not done, with
// context.AfterFunc (no goroutine until the context ends), and deregistered
// when the future completes or is closed. A runtime cleanup deregisters it
// if the future is dropped without either, so abandoned futures do not pile
// up in a long-lived context.
type ctxWatch struct {
	cell *wakeCell
	stop func() bool
	cln  runtime.Cleanup
}

// liveWatches counts context registrations not yet removed, so tests can
// prove that abandoned futures leave none behind.
var liveWatches atomic.Int64

// wakeCell holds the waker the AfterFunc callback wakes. It is the only
// state shared with the callback; it must not point back to the future, or
// the cleanup could never run.
type wakeCell struct {
	mu    sync.Mutex
	w     future.Waker // latest poll's waker, guarded by mu
	fired bool         // the context is done, guarded by mu
}

func (c *wakeCell) set(w future.Waker) {
	c.mu.Lock()
	if c.fired {
		c.mu.Unlock()
		w.Wake()
		return
	}
	c.w = w
	c.mu.Unlock()
}

func (c *wakeCell) fire() {
	c.mu.Lock()
	c.fired = true
	w := c.w
	c.w = nil
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// arm makes the context's end wake w. owner is the future whose collection
// deregisters the watch. A context that can never end (Done is nil) needs
// no registration.
func arm[O any](c *ctxWatch, ctx context.Context, owner *O, w future.Waker) {
	if ctx.Done() == nil {
		return
	}
	if c.cell == nil {
		c.cell = &wakeCell{}
		c.cell.set(w)
		c.stop = context.AfterFunc(ctx, c.cell.fire)
		c.cln = runtime.AddCleanup(owner, func(stop func() bool) {
			stop()
			liveWatches.Add(-1)
		}, c.stop)
		liveWatches.Add(1)
		return
	}
	c.cell.set(w)
}

// disarm deregisters the watch; safe to call more than once.
func (c *ctxWatch) disarm() {
	if c.stop != nil {
		c.stop()
		c.cln.Stop()
		c.stop = nil
		liveWatches.Add(-1)
	}
}

// FromContext returns a future that completes with ctx.Err() when ctx is
// done. For a context that is never done (context.Background()) it never
// completes. Cancel deregisters it from ctx early; it is also deregistered
// when it completes or is garbage collected.
func FromContext(ctx context.Context) *ContextFuture {
	return &ContextFuture{ctx: ctx}
}

// ContextFuture is the future returned by FromContext. It implements
// future.Future[error].
type ContextFuture struct {
	ctx       context.Context
	w         ctxWatch
	done      bool
	cancelled bool
}

// Poll completes with ctx.Err() once ctx is done.
func (f *ContextFuture) Poll(cx *future.Context) future.Poll[error] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.cancelled {
		panicPolledAfterCancel(f)
	}
	if err := f.ctx.Err(); err != nil {
		f.done = true
		f.w.disarm()
		return future.Ready(err)
	}
	arm(&f.w, f.ctx, f, cx.Waker())
	return future.Pending[error]()
}

// Cancel deregisters the future from its context. It must not be polled
// afterwards.
func (f *ContextFuture) Cancel() {
	f.w.disarm()
	f.cancelled = true
}

// WithContext returns a future that completes with Ok(v) when f completes
// with v, or with Err(ctx.Err()) as soon as ctx is done, whichever comes
// first. The context is checked before each poll of f, so a context already
// done wins even over a future that is ready.
//
// On cancellation f is released: it is never polled again and, if it has a
// Cancel or Close method, that is called (a Recv gives up its goroutine, a
// poll.Sleep leaves the timer queue, a stream closes). A task started elsewhere is not aborted by this; abort it
// yourself (for a pool JoinHandle, call Abort when the error is a context
// error).
func WithContext[T any](ctx context.Context, f future.Future[T]) future.Future[future.Result[T]] {
	return &withContext[T]{ctx: ctx, f: f}
}

// withContext: f is nil once the future completed.
type withContext[T any] struct {
	ctx       context.Context
	f         future.Future[T]
	w         ctxWatch
	cancelled bool
}

func (c *withContext[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if c.cancelled {
		panicPolledAfterCancel(c)
	}
	if c.f == nil {
		future.PanicPolledAfterReady(c)
	}
	if err := c.ctx.Err(); err != nil {
		c.drop()
		return future.Ready(future.Err[T](err))
	}
	if v, ok := c.f.Poll(cx).Value(); ok {
		c.w.disarm()
		c.f = nil
		return future.Ready(future.Ok(v))
	}
	arm(&c.w, c.ctx, c, cx.Waker())
	return future.Pending[future.Result[T]]()
}

// Cancel releases the guarded future and deregisters from the context.
func (c *withContext[T]) Cancel() {
	c.drop()
	c.cancelled = true
}

// drop deregisters from the context and releases the guarded future.
func (c *withContext[T]) drop() {
	c.w.disarm()
	if c.f != nil {
		release(c.f)
		c.f = nil
	}
}

// TryWithContext is WithContext for a future that can fail: its error and
// the context's error arrive in the same Result.
func TryWithContext[T any](ctx context.Context, f future.Future[future.Result[T]]) future.Future[future.Result[T]] {
	return &tryWithContext[T]{inner: withContext[future.Result[T]]{ctx: ctx, f: f}}
}

type tryWithContext[T any] struct {
	inner withContext[future.Result[T]]
}

func (c *tryWithContext[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if c.inner.cancelled {
		panicPolledAfterCancel(c)
	}
	if c.inner.f == nil {
		future.PanicPolledAfterReady(c)
	}
	if err := c.inner.ctx.Err(); err != nil {
		c.inner.drop()
		return future.Ready(future.Err[T](err))
	}
	if r, ok := c.inner.f.Poll(cx).Value(); ok {
		c.inner.w.disarm()
		c.inner.f = nil
		return future.Ready(r)
	}
	arm(&c.inner.w, c.inner.ctx, c, cx.Waker())
	return future.Pending[future.Result[T]]()
}

// Cancel releases the guarded future and deregisters from the context.
func (c *tryWithContext[T]) Cancel() { c.inner.Cancel() }
