package channel

// Send future state machine (bounded MPSC):
//
//	fresh --Poll: receiver closed--> Ready(Err(*SendError{v})) --> done
//	fresh --Poll: room and nobody queued--> value buffered, Ready(Ok) --> done
//	fresh --Poll: full--> queued in sendq holding v (Pending; waker
//	        replaced on each poll; cleanup registered)
//	queued --receive makes room--> Granted (v is in the buffer) --Poll--> Ready(Ok)
//	queued --receiver Close--> Idle --Poll--> Ready(Err(*SendError{v}))
//	queued --Cancel / future collected--> removed, v not sent
//	done --Reset(v)--> fresh, same future and node
//	done / cancelled --Poll--> panic *future.MisuseError

import (
	"runtime"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// senderRef is one sender handle's claim on the channel: one count of
// c.senders (see handle.go).
type senderRef[T any] struct {
	releaseOnce
	c *mpsc[T]
}

func (s *senderRef[T]) release() {
	if s.first() {
		s.c.closeSender()
	}
}

func (s *senderRef[T]) clone(what string) *senderRef[T] {
	s.check(what)
	c := s.c
	c.mu.Lock()
	c.senders++
	c.mu.Unlock()
	return &senderRef[T]{c: c}
}

// trySend buffers v if there is room right now, waking the receiver
// through future.WakeFrom(cx, ...) (cx may be nil); otherwise it returns a
// *SendError wrapping ErrFull (only a bounded channel fills) or ErrClosed
// and holding v. what names the handle in a used-after-Close panic.
func (s *senderRef[T]) trySend(cx *future.Context, what string, v T) error {
	s.check(what)
	c := s.c
	c.mu.Lock()
	if c.rxClosed {
		c.mu.Unlock()
		return &SendError[T]{Value: v, Err: ErrClosed}
	}
	w, ok := c.trySendLocked(v)
	c.mu.Unlock()
	if !ok {
		return &SendError[T]{Value: v, Err: ErrFull}
	}
	if w != nil {
		future.WakeFrom(cx, w)
	}
	return nil
}

// Sender is a sending end of a bounded MPSC channel. Each producer should
// hold its own (Clone) and Close it when done: the receiver sees ErrClosed
// after the last Close. A Sender dropped without Close is closed when the
// garbage collector finds it.
type Sender[T any] struct {
	h handle[*senderRef[T]]
}

func newSender[T any](c *mpsc[T]) *Sender[T] { return wrapSender(&senderRef[T]{c: c}) }

func wrapSender[T any](ref *senderRef[T]) *Sender[T] {
	s := &Sender[T]{}
	bind(s, &s.h, ref)
	return s
}

// Clone returns another sender of the same channel.
func (s *Sender[T]) Clone() *Sender[T] { return wrapSender(s.h.claim.clone("*channel.Sender")) }

// Close releases this sender. Idempotent.
func (s *Sender[T]) Close() { s.h.close() }

// IsClosed reports whether the receiver closed.
func (s *Sender[T]) IsClosed() bool {
	c := s.h.claim.c
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rxClosed
}

// Send returns a future that buffers v, waiting for room if the channel is
// full. It is Ready(Ok) once v is accepted (it will be received unless the
// receiver closes first and never drains), or Ready(Err(*SendError)) with
// v if the receiver closed. Using a closed Sender panics with a
// *future.MisuseError.
func (s *Sender[T]) Send(v T) *SendFuture[T] {
	ref := s.h.claim
	ref.check("*channel.Sender")
	return &SendFuture[T]{c: ref.c, v: v}
}

// TrySend buffers v if there is room right now; otherwise it returns a
// *SendError wrapping ErrFull or ErrClosed and holding v.
func (s *Sender[T]) TrySend(v T) error { return s.h.claim.trySend(nil, "*channel.Sender", v) }

// unguardedSends is how many queued sends of a channel may go without the
// GC backstop. A dropped send that is still queued blocks nobody: the next
// receive that makes room delivers its value and takes it out of the queue
// (a send future dropped without Cancel may be delivered, see Withdraw).
// So for sends the backstop only bounds memory while the channel stays
// full, and the first few queued sends can skip its cost (a runtime
// special under a global lock, the top item of the contended profiles).
// Beyond them every queued send registers it, so abandoned sends cannot
// pile up: at most unguardedSends of them stay until a receive.
const unguardedSends = 32

// sendNode is a queued send. It does not point to its SendFuture, so an
// abandoned future can be collected and its cleanup can dequeue the node.
type sendNode[T any] struct {
	node waitq.Node[T]
	c    *mpsc[T]
	cl   runtime.Cleanup
}

func (n *sendNode[T]) cancel() { n.withdraw() }

// withdraw dequeues the node and returns its value, unless a receive
// already moved the value into the buffer (ok == false).
func (n *sendNode[T]) withdraw() (v T, ok bool) {
	c := n.c
	c.mu.Lock()
	switch n.node.State {
	case waitq.Queued:
		c.sendq.Remove(&n.node)
		v, ok = n.node.Val, true
	case waitq.Idle: // failed by the receiver's Close: not sent either
		v, ok = n.node.Val, true
	}
	var zero T
	n.node.Val = zero
	n.node.Waker = nil
	n.node.State = waitq.Done
	c.mu.Unlock()
	return v, ok
}

// SendFuture is the future returned by Sender.Send.
//
// Cancel safety: cancel with Withdraw (or Cancel) to know the value's
// fate: Withdraw returns it if it was not sent, and nothing is lost. A
// send that had to wait completes the moment a receive makes room, before
// its next poll, so a SendFuture dropped after that was sent; one dropped
// before, without Withdraw, stays queued and may still be delivered until
// the collector removes it (see the package doc). It is therefore not
// cancel-safe in tokio's sense unless you Withdraw.
type SendFuture[T any] struct {
	c      *mpsc[T]
	v      T
	node   *sendNode[T] // allocated at the first wait, reused after Reset
	queued bool         // this round's value is in node
	st     uint8
}

const (
	sfWaiting = iota
	sfDone
	sfCancelled
)

// Poll implements future.Future.
func (f *SendFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[struct{}]] {
	switch f.st {
	case sfDone:
		future.PanicPolledAfterReady(f)
	case sfCancelled:
		misuse("*channel.SendFuture", ErrPolledAfterCancel)
	}
	if !future.Coop(cx) {
		return future.Pending[future.Result[struct{}]]()
	}
	c := f.c
	c.mu.Lock()
	if !f.queued {
		if c.rxClosed {
			c.mu.Unlock()
			return f.fail(f.v)
		}
		if w, ok := c.trySendLocked(f.v); ok {
			c.mu.Unlock()
			var zero T
			f.v = zero
			if w != nil {
				future.WakeFrom(cx, w)
			}
			return f.ok()
		}
		n := f.node
		if n == nil {
			n = &sendNode[T]{c: c}
			f.node = n
		}
		n.node.Val = f.v
		var zero T
		f.v = zero
		c.sendq.PushBack(&n.node)
		n.node.Waker = cx.Waker()
		f.queued = true
		backstop := c.sendq.Len() > unguardedSends
		c.mu.Unlock()
		if backstop {
			n.cl = runtime.AddCleanup(f, (*sendNode[T]).cancel, n)
		}
		return future.Pending[future.Result[struct{}]]()
	}
	n := f.node
	switch n.node.PollLocked(cx) {
	case waitq.Granted:
		c.mu.Unlock()
		n.cl.Stop()
		return f.ok()
	case waitq.Queued:
		c.mu.Unlock()
		return future.Pending[future.Result[struct{}]]()
	}
	// Idle: the receiver closed while we were queued.
	v := n.node.Val
	var zero T
	n.node.Val = zero
	n.node.State = waitq.Done
	c.mu.Unlock()
	n.cl.Stop()
	return f.fail(v)
}

func (f *SendFuture[T]) ok() future.Poll[future.Result[struct{}]] {
	f.st = sfDone
	return future.Ready(future.Ok(struct{}{}))
}

func (f *SendFuture[T]) fail(v T) future.Poll[future.Result[struct{}]] {
	f.st = sfDone
	return future.Ready(future.Err[struct{}](&SendError[T]{Value: v, Err: ErrClosed}))
}

// Cancel gives up the send (see Withdraw). Idempotent.
func (f *SendFuture[T]) Cancel() { f.Withdraw() }

// Withdraw gives up the send and returns the value if it was not sent. A
// send that had to wait is complete as soon as a receive makes room for it,
// before its next poll: then Withdraw returns ok == false and the value
// will be received. Withdraw after Ready, or a second time, returns
// ok == false.
func (f *SendFuture[T]) Withdraw() (v T, ok bool) {
	if f.st != sfWaiting {
		return v, false
	}
	f.st = sfCancelled
	if !f.queued {
		v, f.v = f.v, v
		return v, true
	}
	f.node.cl.Stop()
	return f.node.withdraw()
}

// Reset makes a finished send future send v, and returns it, so a producer
// that sends in a loop can keep one future instead of allocating one per
// value (and reuses its queue node too). Reset of a future that has not
// finished panics with a *future.MisuseError wrapping ErrResetBusy.
func (f *SendFuture[T]) Reset(v T) *SendFuture[T] {
	if f.st != sfDone {
		misuse("*channel.SendFuture", ErrResetBusy)
	}
	if f.node != nil {
		// The node left the queue when the round ended: only this future
		// refers to it now.
		f.node.node = waitq.Node[T]{}
		f.node.cl = runtime.Cleanup{}
	}
	f.v, f.queued, f.st = v, false, sfWaiting
	return f
}

// UnboundedSender is a sending end of an unbounded MPSC channel; its Send
// never waits. Clone and Close as for Sender.
type UnboundedSender[T any] struct {
	h handle[*senderRef[T]]
}

func newUnboundedSender[T any](c *mpsc[T]) *UnboundedSender[T] {
	return wrapUnbounded(&senderRef[T]{c: c})
}

func wrapUnbounded[T any](ref *senderRef[T]) *UnboundedSender[T] {
	s := &UnboundedSender[T]{}
	bind(s, &s.h, ref)
	return s
}

// Clone returns another sender of the same channel.
func (s *UnboundedSender[T]) Clone() *UnboundedSender[T] {
	return wrapUnbounded(s.h.claim.clone("*channel.UnboundedSender"))
}

// Close releases this sender. Idempotent.
func (s *UnboundedSender[T]) Close() { s.h.close() }

// Send buffers v and wakes the receiver. It fails with a *SendError
// wrapping ErrClosed, holding v, if the receiver closed.
func (s *UnboundedSender[T]) Send(v T) error { return s.SendFrom(nil, v) }

// SendFrom is Send from inside a Poll: the receiver is woken through
// future.WakeFrom(cx, ...).
func (s *UnboundedSender[T]) SendFrom(cx *future.Context, v T) error {
	return s.h.claim.trySend(cx, "*channel.UnboundedSender", v) // never full
}
