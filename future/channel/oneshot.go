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
// goes Pending with no value yet, it registers a cleanup on the sender, so
// a sender that is dropped without Send or Close (its task aborted) closes
// the channel when collected and the receiver is not left hanging. Until
// then the sender waits in the receiver's waker slot (as a *txSlot, a
// Waker that does nothing), which the receiver's first wait takes over: no
// field of its own. A oneshot whose value arrives before anyone waits pays
// nothing for this. Send and Close leave the registration in place (the
// cleanup then finds the channel sent or closed and does nothing):
// removing it would cost them a call into the runtime.
//
// The cleanup is a finalizer (runtime.SetFinalizer) rather than
// runtime.AddCleanup, which allocates 24 bytes of heap per registration (a
// box for its argument and a closure over its generic caller) where a
// finalizer allocates none; both cost the runtime's off-heap record.
// AddCleanup's advantages do not apply here: the finalizer only reads the
// 8-byte sender and keeps nothing alive that the sender does not already
// reach, and a cycle through the sender (a sender reachable from its own
// channel, through a Closed future's waker) would keep a cleanup whose
// argument is the channel from running just the same.

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

// oneshotCore is the part of a oneshot that does not depend on T.
type oneshotCore struct {
	mu    sync.Mutex
	state uint8
	// waker is the receiver's; until the receiver first waits, the
	// sender as a *txSlot (see above).
	waker future.Waker
}

type oneshot[T any] struct {
	oneshotCore
	val T
	// closed is the sender's Closed future that last went Pending; the
	// receiver's Close wakes it (see oneshot_closed.go).
	closed *OneshotClosed[T]
}

// txSlot is the sender while it waits in the receiver's waker slot.
type txSlot[T any] OneshotSender[T]

// Wake does nothing: a txSlot is a Waker only to fit the slot, and whoever
// takes the slot before the receiver waits has nobody to wake.
func (*txSlot[T]) Wake() {}

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
	c.waker = (*txSlot[T])(tx)
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
func (c *oneshotCore) closeTx() {
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
	prev := c.waker
	c.waker = cx.Waker()
	c.mu.Unlock()
	if tx, first := prev.(*txSlot[T]); first {
		runtime.SetFinalizer((*OneshotSender[T])(tx), closeDroppedSender)
	}
	return future.Pending[future.Result[T]]()
}

// senderCore is what the finalizer of a sender needs from it.
type senderCore interface{ core() *oneshotCore }

func (s *OneshotSender[T]) core() *oneshotCore { return &s.c.oneshotCore }

// closeDroppedSender is the finalizer of a sender dropped without Send or
// Close. It is not generic: a method value of a generic type would be a
// closure allocated at every registration.
func closeDroppedSender(s senderCore) { s.core().closeTx() }

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
	if _, tx := c.waker.(*txSlot[T]); !tx {
		c.waker = nil // a sender still in the slot stays for a later wait
	}
	w := c.takeClosedLocked()
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}
