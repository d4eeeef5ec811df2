package channel

// MPSC state (all under mu):
//
//	buf      accepted values, oldest first
//	sendq    bounded only: sends waiting for room, each holding its value
//	senders  live sender handles; 0 means closed for the receiver
//	rxClosed the receiver closed
//
// Invariant: sendq is non-empty only while buf is full (a send queues only
// behind a full buffer or other queued sends, and each receive moves the
// oldest queued value into the slot it frees), so FIFO order across
// buffered and queued values is kept and a queued send is complete, its
// value accepted, the moment it leaves sendq as Granted.
//
// The receiver polls with its one waker slot, replaced on every Pending
// poll; sends take it and wake it after unlocking.

import (
	"runtime"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

type mpsc[T any] struct {
	mu       sync.Mutex
	buf      ring[T]
	cap      int // 0: unbounded
	senders  int
	rxClosed bool
	rxWaker  future.Waker
	sendq    waitq.List[T]
}

// Bounded returns the ends of a multi-producer single-consumer channel that
// holds up to capacity values: a send to a full channel waits (it is a
// Future) until the receiver makes room, in FIFO order. Clone the sender
// for each producer; the receiver sees ErrClosed once every sender closed
// and the buffer is drained.
func Bounded[T any](capacity int) (*Sender[T], *Receiver[T]) {
	if capacity < 1 {
		misuse("channel.Bounded", ErrZeroCapacity)
	}
	c := &mpsc[T]{cap: capacity, senders: 1}
	c.buf.buf = make([]T, min(capacity, 1024))
	return newSender(c), newReceiver(c)
}

// Unbounded returns the ends of a multi-producer single-consumer channel
// whose sends never wait. Memory is the producers' responsibility: prefer
// Bounded when producers can outrun the consumer.
func Unbounded[T any]() (*UnboundedSender[T], *Receiver[T]) {
	c := &mpsc[T]{senders: 1}
	return newUnboundedSender(c), newReceiver(c)
}

// trySendLocked accepts v if there is room and nobody queued ahead of it,
// returning the receiver's waker to wake.
func (c *mpsc[T]) trySendLocked(v T) (future.Waker, bool) {
	if c.sendq.Len() > 0 || (c.cap > 0 && c.buf.len() >= c.cap) {
		return nil, false
	}
	c.buf.push(v)
	w := c.rxWaker
	c.rxWaker = nil
	return w, true
}

// closeSender drops one sender reference; the last one wakes the receiver.
func (c *mpsc[T]) closeSender() {
	c.mu.Lock()
	c.senders--
	var w future.Waker
	if c.senders == 0 {
		w = c.rxWaker
		c.rxWaker = nil
	}
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// closeReceiver refuses further sends and fails every queued send, handing
// its value back. Buffered values stay receivable.
func (c *mpsc[T]) closeReceiver() {
	var wl waitq.WakeList
	c.mu.Lock()
	c.rxClosed = true
	c.rxWaker = nil
	// Each send's next poll finds its node Idle and hands its value back.
	waitq.DrainLocked(&c.mu, &c.sendq, &wl, nil, waitq.Idle)
	c.mu.Unlock()
	wl.WakeAll(nil)
}

// Receiver is the receiving end of an MPSC channel. It is owned by one task
// (or goroutine) at a time.
type Receiver[T any] struct {
	c  *mpsc[T]
	cl runtime.Cleanup
}

func newReceiver[T any](c *mpsc[T]) *Receiver[T] {
	r := &Receiver[T]{c: c}
	r.cl = runtime.AddCleanup(r, (*mpsc[T]).closeReceiver, c)
	return r
}

// PollRecv is the poll function of Recv, for futures and streams that
// receive in their own Poll without a separate future: Ready(Ok(v)) with
// the oldest value, Ready(Err(ErrClosed)) once every sender closed (or the
// receiver did) and the buffer is empty, else Pending.
func (r *Receiver[T]) PollRecv(cx *future.Context) future.Poll[future.Result[T]] {
	if !future.Coop(cx) {
		return future.Pending[future.Result[T]]()
	}
	c := r.c
	c.mu.Lock()
	res, w, ok := c.recvLocked()
	if !ok {
		c.rxWaker = cx.Waker()
	}
	c.mu.Unlock()
	if w != nil {
		future.WakeFrom(cx, w)
	}
	if !ok {
		return future.Pending[future.Result[T]]()
	}
	return future.Ready(res)
}

// recvLocked takes the oldest value, refilling the buffer from the oldest
// queued send, whose waker it returns; or reports ErrClosed; or returns
// ok == false when the receiver must wait.
func (c *mpsc[T]) recvLocked() (res future.Result[T], w future.Waker, ok bool) {
	if v, ok := c.buf.pop(); ok {
		if h := c.sendq.PopFront(); h != nil {
			c.buf.push(h.Val)
			var zero T
			h.Val = zero
			h.State = waitq.Granted
			w = h.Waker
			h.Waker = nil
		}
		return future.Ok(v), w, true
	}
	if c.senders == 0 || c.rxClosed {
		return future.Err[T](ErrClosed), nil, true
	}
	return res, nil, false
}

// Recv returns a future of the next value (see PollRecv). Each call
// allocates a small future; loops that receive inside their own Poll can
// call PollRecv instead, which does not.
func (r *Receiver[T]) Recv() *RecvFuture[T] {
	return &RecvFuture[T]{r: r}
}

// TryRecv returns the oldest value, ErrEmpty if there is none yet, or
// ErrClosed.
func (r *Receiver[T]) TryRecv() (T, error) {
	c := r.c
	c.mu.Lock()
	res, w, ok := c.recvLocked()
	c.mu.Unlock()
	if w != nil {
		w.Wake()
	}
	if !ok {
		return res.Value, ErrEmpty
	}
	return res.Get()
}

// Len returns how many values are buffered.
func (r *Receiver[T]) Len() int {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	return r.c.buf.len()
}

// Close refuses further sends: queued and later sends fail with a
// *SendError holding their value. Values accepted before Close can still
// be received; after them Recv reports ErrClosed. Close is idempotent.
func (r *Receiver[T]) Close() {
	r.cl.Stop()
	r.c.closeReceiver()
}

// RecvFuture is the future returned by Receiver.Recv.
//
// Cancel safety: it is cancel-safe, as tokio's recv is: a value is taken
// from the channel only in the poll that returns it, so a future dropped
// while Pending (it lost a race, its task was aborted) loses nothing, and
// the next Recv gets that value. It holds no queue place, only the
// receiver's one waker slot, replaced on every poll.
type RecvFuture[T any] struct {
	r    *Receiver[T]
	done bool
}

// Poll implements future.Future.
func (f *RecvFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	p := f.r.PollRecv(cx)
	f.done = p.IsReady()
	return p
}
