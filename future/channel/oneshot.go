package channel

// Oneshot state machine (all under mu):
//
//	empty --Send--> sent --receiver Poll/TryRecv--> taken (Ready(Ok(v)))
//	empty --sender Close--> dropped --receiver Poll--> Ready(Err(ErrClosed))
//	empty / sent --receiver Close--> rxClosed: Send fails with *SendError
//	        (the value comes back), the sender's Closed completes; a value
//	        sent before the Close can still be taken with TryRecv
//	taken / receiver failed --Poll--> panic *future.MisuseError
//
// The receiver's waker is replaced on every Pending poll; Send and Close
// take it and wake it after unlocking.
//
// Drop backstop: the sender is a separate small object that the receiver
// does not reach once the receiver has waited. The first time the receiver
// goes Pending with no value yet, it registers a cleanup on the sender
// (through the state's tx field, which it then clears), so a sender that is
// dropped without Send or Close (its task aborted) closes the channel when
// collected and the receiver is not left hanging. A oneshot whose value
// arrives before anyone waits pays nothing for this. Send and Close leave
// the registration in place (the cleanup then finds the channel sent or
// closed and does nothing): a handle to stop it would cost every oneshot
// 16 bytes, a size class.

import (
	"runtime"
	"sync"

	"github.com/spindle-rt/spindle/future"
)

const (
	osSent     = 1 << iota // the value is in val
	osTxClosed             // the sender closed without sending
	osRxClosed             // the receiver closed
	osTaken                // the receiver took the value or saw ErrClosed
)

type oneshot[T any] struct {
	mu    sync.Mutex
	state uint8
	val   T
	waker future.Waker
	tx    *OneshotSender[T] // until the receiver first waits (see above)
	// closed is the sender's Closed future that last went Pending; the
	// receiver's Close wakes it (see oneshot_closed.go).
	closed *OneshotClosed[T]
}

// OneshotSender sends the single value of a Oneshot channel.
type OneshotSender[T any] struct {
	c *oneshot[T]
}

// OneshotReceiver receives the single value of a Oneshot channel. It is
// itself the future of that value: Ready(Ok(v)) once sent, or
// Ready(Err(ErrClosed)) if the sender closed without sending.
//
// Cancel safety: it is cancel-safe: the value stays in the channel until
// a poll returns it, so a receiver that stops being polled (it lost a
// race) can be polled again later and gets the value. Dropping the
// receiver itself closes the channel (see the package doc), and a value
// sent then is gone.
type OneshotReceiver[T any] oneshot[T]

// NewOneshot returns the two ends of a channel that carries one value.
// Close the sender if it may be abandoned without sending; a sender that
// is dropped without Send or Close while the receiver waits is closed when
// the garbage collector finds it.
func NewOneshot[T any]() (*OneshotSender[T], *OneshotReceiver[T]) {
	c := &oneshot[T]{}
	tx := &OneshotSender[T]{c: c}
	c.tx = tx
	return tx, (*OneshotReceiver[T])(c)
}

// Send delivers v and wakes the receiver. It fails with a *SendError
// wrapping ErrClosed (and holding v) if the receiver closed. A second Send,
// or a Send after Close, panics with a *future.MisuseError.
func (s *OneshotSender[T]) Send(v T) error { return s.SendFrom(nil, v) }

// SendFrom is Send from inside a Poll: the receiver is woken through
// future.WakeFrom(cx, ...), so the pool keeps it on the current worker.
func (s *OneshotSender[T]) SendFrom(cx *future.Context, v T) error {
	c := s.c
	c.mu.Lock()
	switch {
	case c.state&osSent != 0:
		c.mu.Unlock()
		misuse("*channel.OneshotSender", ErrAlreadySent)
	case c.state&osTxClosed != 0:
		c.mu.Unlock()
		misuse("*channel.OneshotSender", ErrHandleClosed)
	case c.state&osRxClosed != 0:
		c.mu.Unlock()
		return &SendError[T]{Value: v, Err: ErrClosed}
	}
	c.val = v
	c.state |= osSent
	w := c.waker
	c.waker = nil
	c.mu.Unlock()
	if w != nil {
		future.WakeFrom(cx, w)
	}
	return nil
}

// Close drops the sender without a value: the receiver sees ErrClosed.
// After Send, or a second time, it does nothing.
func (s *OneshotSender[T]) Close() { s.c.closeTx() }

// closeTx is Close; it is also the cleanup of a dropped sender.
func (c *oneshot[T]) closeTx() {
	c.mu.Lock()
	if c.state&(osSent|osTxClosed) != 0 {
		c.mu.Unlock()
		return
	}
	c.state |= osTxClosed
	w := c.waker
	c.waker = nil
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// IsClosed reports whether the receiver closed, so that a sender can stop
// computing a value nobody will read.
func (s *OneshotSender[T]) IsClosed() bool {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state&osRxClosed != 0
}

// Poll implements future.Future[future.Result[T]].
func (r *OneshotReceiver[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	c := (*oneshot[T])(r)
	if !future.Coop(cx) {
		return future.Pending[future.Result[T]]()
	}
	c.mu.Lock()
	if c.state&osTaken != 0 {
		c.mu.Unlock()
		future.PanicPolledAfterReady(r)
	}
	if res, ok := c.takeLocked(); ok {
		c.mu.Unlock()
		return future.Ready(res)
	}
	c.waker = cx.Waker()
	tx := c.tx
	c.tx = nil
	c.mu.Unlock()
	if tx != nil {
		runtime.AddCleanup(tx, closeDroppedSender, txCloser(c))
	}
	return future.Pending[future.Result[T]]()
}

// txCloser is what the cleanup of a dropped sender needs. An interface,
// so that the cleanup function is not generic: a method value of a
// generic type is a closure allocated at every registration.
type txCloser interface{ closeTx() }

func closeDroppedSender(c txCloser) { c.closeTx() }

// takeLocked returns the outcome if there is one, and marks it taken.
func (c *oneshot[T]) takeLocked() (future.Result[T], bool) {
	switch {
	case c.state&osSent != 0:
		v := c.val
		var zero T
		c.val = zero
		c.state |= osTaken
		return future.Ok(v), true
	case c.state&osTxClosed != 0:
		c.state |= osTaken
		return future.Err[T](ErrClosed), true
	}
	return future.Result[T]{}, false
}

// TryRecv returns the value if it was sent, ErrClosed if the sender closed
// without one (or the value was already taken), or ErrEmpty.
func (r *OneshotReceiver[T]) TryRecv() (T, error) {
	c := (*oneshot[T])(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state&osTaken != 0 {
		var zero T
		return zero, ErrClosed
	}
	if res, ok := c.takeLocked(); ok {
		return res.Get()
	}
	var zero T
	return zero, ErrEmpty
}

// Close tells the sender that the value is not wanted: a later Send fails
// and hands the value back, IsClosed reports true and the sender's Closed
// future completes. A value sent before Close can still be taken with
// TryRecv. Go has no destructors: Close is how a receiver is dropped, so a
// receiver that may stop waiting early should be closed (defer rx.Close()).
func (r *OneshotReceiver[T]) Close() {
	c := (*oneshot[T])(r)
	c.mu.Lock()
	c.state |= osRxClosed
	c.waker = nil
	w := c.takeClosedLocked()
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}
