package channel

// Sender's Closed future (tokio's oneshot::Sender::closed), under the
// oneshot's mu:
//
//	waiting --Poll: receiver closed--> Ready --> done
//	waiting --Poll: not closed--> Pending: registered as c.closed with the
//	        poll's waker (a later Closed future that goes Pending takes
//	        the slot over)
//	waiting --receiver Close--> woken, slot cleared --Poll--> Ready
//	waiting --Cancel--> slot cleared if it is this future's
//	done --Poll--> panic ErrPolledAfterReady; cancelled --Poll--> panic
//	        ErrPolledAfterCancel
//
// The slot is one pointer in the oneshot rather than a waker (two words),
// so that a oneshot that never uses Closed stays in its size class; the
// waker lives in the future.

import "github.com/spindle-rt/spindle/future"

// OneshotClosed is the future returned by OneshotSender.Closed.
type OneshotClosed[T any] struct {
	c     *oneshot[T]
	waker future.Waker // guarded by c.mu
	st    uint8
}

const (
	closedWaiting = iota
	closedDone
	closedCancelled
)

// Closed returns a future that completes once the receiver has gone away,
// so that a sender can stop computing a value nobody will read: it lets a
// producer race its work against the receiver's departure.
//
// "Gone away" means the receiver's Close was called, exactly when
// IsClosed turns true. Go has no destructors, so a receiver that is merely
// dropped (its task aborted, or it lost a future.Select and is never
// polled again) is not seen: the receiver is reachable from the sender,
// so the garbage collector cannot report it either. A receiver that may
// stop waiting should therefore call Close (defer rx.Close()). The
// receiver taking the value is not going away: after a Send, Closed
// completes only if the receiver is then closed.
//
// Only one task should wait on Closed: if several Closed futures wait at
// once, only the one polled last is woken. Calling Closed after the
// sender's own Close panics with a *future.MisuseError wrapping
// ErrHandleClosed.
//
// Cancel safety: cancelling the future (its Cancel, or dropping it) loses
// nothing; the receiver's Close is remembered, and a new Closed future is
// Ready at once if it happened meanwhile.
func (s *OneshotSender[T]) Closed() *OneshotClosed[T] {
	c := s.c
	c.mu.Lock()
	txClosed := c.state&osTxClosed != 0
	c.mu.Unlock()
	if txClosed {
		misuse("*channel.OneshotSender", ErrHandleClosed)
	}
	return &OneshotClosed[T]{c: c}
}

// Poll implements future.Future.
func (f *OneshotClosed[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	switch f.st {
	case closedDone:
		future.PanicPolledAfterReady(f)
	case closedCancelled:
		misuse("*channel.OneshotClosed", ErrPolledAfterCancel)
	}
	if !future.Coop(cx) {
		return future.Pending[struct{}]()
	}
	c := f.c
	c.mu.Lock()
	if c.state&osRxClosed != 0 {
		if c.closed == f {
			c.closed = nil
		}
		f.waker = nil
		c.mu.Unlock()
		f.st = closedDone
		return future.Ready(struct{}{})
	}
	c.closed = f
	f.waker = cx.Waker()
	c.mu.Unlock()
	return future.Pending[struct{}]()
}

// Cancel stops waiting; the channel is not affected. Cancel after Ready
// does nothing.
func (f *OneshotClosed[T]) Cancel() {
	if f.st != closedWaiting {
		return
	}
	f.st = closedCancelled
	c := f.c
	c.mu.Lock()
	if c.closed == f {
		c.closed = nil
	}
	f.waker = nil
	c.mu.Unlock()
}

// takeClosedLocked clears the Closed slot and returns the waker to wake.
func (c *oneshot[T]) takeClosedLocked() future.Waker {
	f := c.closed
	if f == nil {
		return nil
	}
	c.closed = nil
	w := f.waker
	f.waker = nil
	return w
}
