package channel

// Watch state (all under mu): the latest value, its version (bumped by
// every Send), whether the sender closed, and the receivers waiting for a
// version newer than the one they saw. A receiver remembers the version it
// saw last; Changed is Ready(Ok) as soon as the channel's version is
// newer (and marks it seen), Ready(Err(ErrClosed)) if it is not and the
// sender closed, else Pending with the receiver's one node queued. So a
// change made just before Close is still reported: no value is lost.

import "github.com/spindle-rt/spindle/future"

type watch[T any] struct {
	hub
	val      T
	version  uint64
	txClosed bool
}

// NewWatch returns a channel that holds one value, initially initial:
// the sender replaces it and receivers read the latest one or wait for the
// next change. Intermediate values may be skipped; use Broadcast when every
// value counts.
func NewWatch[T any](initial T) (*WatchSender[T], *WatchReceiver[T]) {
	w := &watch[T]{val: initial}
	s := &WatchSender[T]{}
	bind(s, &s.h, &watchTx[T]{w: w})
	return s, w.subscribe()
}

func (w *watch[T]) subscribe() *WatchReceiver[T] {
	w.mu.Lock()
	w.receivers++
	st := &watchRx[T]{w: w, seen: w.version}
	w.mu.Unlock()
	r := &WatchReceiver[T]{}
	bind(r, &r.h, st)
	return r
}

// watchTx is the sender's claim (see handle.go): while it is held the
// channel is open.
type watchTx[T any] struct {
	releaseOnce
	w *watch[T]
}

func (t *watchTx[T]) release() {
	if !t.first() {
		return
	}
	w := t.w
	w.mu.Lock()
	w.txClosed = true
	w.wakeAllUnlock(nil)
}

// WatchSender is the one sending end of a Watch channel. Receivers see
// ErrClosed from Changed after it closes (once they saw its last value). A
// sender dropped without Close is closed when it is collected.
type WatchSender[T any] struct {
	h handle[*watchTx[T]]
}

// open returns the channel, or panics if s was closed.
func (s *WatchSender[T]) open() *watch[T] {
	s.h.claim.check("*channel.WatchSender")
	return s.h.claim.w
}

// Send replaces the value and wakes every receiver waiting in Changed. The
// value is kept even with no receiver, for later subscribers.
func (s *WatchSender[T]) Send(v T) { s.SendFrom(nil, v) }

// SendFrom is Send from inside a Poll: receivers are woken through
// future.WakeFrom(cx, ...).
func (s *WatchSender[T]) SendFrom(cx *future.Context, v T) {
	w := s.open()
	w.mu.Lock()
	w.val = v
	w.version++
	w.wakeAllUnlock(cx)
}

// Borrow returns the current value.
func (s *WatchSender[T]) Borrow() T {
	w := s.h.claim.w
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.val
}

// Receivers returns how many receivers are open.
func (s *WatchSender[T]) Receivers() int { return s.h.claim.w.count() }

// Subscribe returns a new receiver that has seen the current value.
func (s *WatchSender[T]) Subscribe() *WatchReceiver[T] {
	return s.open().subscribe()
}

// Close closes the channel for receivers. Idempotent.
func (s *WatchSender[T]) Close() { s.h.close() }

// watchRx is a receiver's state and its claim, a subscription (see
// handle.go).
type watchRx[T any] struct {
	hubRx
	w    *watch[T]
	seen uint64
}

func (r *watchRx[T]) release() { r.w.leave(&r.hubRx) }

// WatchReceiver is a receiving end of a Watch channel, owned by one task
// (or goroutine) at a time.
type WatchReceiver[T any] struct {
	h handle[*watchRx[T]]
}

// lock takes the channel's lock, or panics if r was closed.
func (r *WatchReceiver[T]) lock() *watch[T] {
	st := r.h.claim
	st.w.lockOpen(&st.hubRx, "*channel.WatchReceiver")
	return st.w
}

// Borrow returns the current value without marking it seen.
func (r *WatchReceiver[T]) Borrow() T {
	w := r.lock()
	defer w.mu.Unlock()
	return w.val
}

// BorrowAndUpdate returns the current value and marks it seen.
func (r *WatchReceiver[T]) BorrowAndUpdate() T {
	w := r.lock()
	defer w.mu.Unlock()
	r.h.claim.seen = w.version
	return w.val
}

// HasChanged reports whether a value not yet seen was sent. It returns
// ErrClosed if none was and the sender closed.
func (r *WatchReceiver[T]) HasChanged() (bool, error) {
	w := r.lock()
	defer w.mu.Unlock()
	if w.version != r.h.claim.seen {
		return true, nil
	}
	if w.txClosed {
		return false, ErrClosed
	}
	return false, nil
}

// PollChanged is the poll function of Changed.
func (r *WatchReceiver[T]) PollChanged(cx *future.Context) future.Poll[future.Result[struct{}]] {
	if !future.Coop(cx) {
		return future.Pending[future.Result[struct{}]]()
	}
	w := r.lock()
	st := r.h.claim
	if w.version != st.seen {
		st.seen = w.version
		w.mu.Unlock()
		return future.Ready(future.Ok(struct{}{}))
	}
	if w.txClosed {
		w.mu.Unlock()
		return future.Ready(future.Err[struct{}](ErrClosed))
	}
	w.waitUnlock(&st.hubRx, cx)
	return future.Pending[future.Result[struct{}]]()
}

// Changed returns a future that is Ready(Ok) once a value newer than the
// last one seen was sent (and marks it seen; read it with Borrow), or
// Ready(Err(ErrClosed)) if the sender closed first.
func (r *WatchReceiver[T]) Changed() *ChangedFuture[T] {
	return &ChangedFuture[T]{r: r}
}

// Clone returns another receiver that has seen what r has seen.
func (r *WatchReceiver[T]) Clone() *WatchReceiver[T] {
	w := r.lock()
	seen := r.h.claim.seen
	w.mu.Unlock()
	c := w.subscribe()
	c.h.claim.seen = seen // c is not shared yet
	return c
}

// Close releases the receiver. Idempotent.
func (r *WatchReceiver[T]) Close() { r.h.close() }

// ChangedFuture is the future returned by WatchReceiver.Changed.
//
// Cancel safety: it is cancel-safe, as tokio's changed is: the receiver
// marks a value seen only in the poll that returns Ready, so after a
// ChangedFuture is dropped while Pending the next Changed still reports a
// change made meanwhile.
type ChangedFuture[T any] struct {
	r    *WatchReceiver[T]
	done bool
}

// Poll implements future.Future.
func (f *ChangedFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[struct{}]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	p := f.r.PollChanged(cx)
	f.done = p.IsReady()
	return p
}
