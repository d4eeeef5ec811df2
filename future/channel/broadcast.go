package channel

// Broadcast state (all under mu):
//
//	buf      ring of cap slots; value number s lives in buf[s % cap]
//	tail     number of the next value sent; values tail-cap .. tail-1 are kept
//	senders, receivers  live handles
//	waiters  receivers that have seen everything and wait for more
//
// A receiver's cursor next is the number of the next value it receives.
// If tail-next > cap it has lagged: its next receive reports the count
// overwritten (*LaggedError) and moves the cursor to the oldest kept value.
// Sends never wait; they wake every waiting receiver. Each receiver owns
// one node, queued at most once and replaced-waker on every Pending poll,
// so the waiter list is bounded by the number of receivers.

import "github.com/spindle-rt/spindle/future"

type bcast[T any] struct {
	hub
	buf     []T
	tail    uint64
	senders int
}

// NewBroadcast returns a channel on which every value sent is received by
// every receiver subscribed at the time. It keeps the last capacity values;
// a receiver that falls further behind is told how many it missed.
func NewBroadcast[T any](capacity int) (*BroadcastSender[T], *BroadcastReceiver[T]) {
	if capacity < 1 {
		misuse("channel.NewBroadcast", ErrZeroCapacity)
	}
	b := &bcast[T]{buf: make([]T, capacity), senders: 1}
	return newBcastSender(b), b.subscribe()
}

// subscribe adds a receiver whose first value is the next one sent.
func (b *bcast[T]) subscribe() *BroadcastReceiver[T] {
	b.mu.Lock()
	b.receivers++
	st := &bcastRx[T]{b: b, next: b.tail}
	b.mu.Unlock()
	r := &BroadcastReceiver[T]{}
	bind(r, &r.h, st)
	return r
}

// bcastTx is a sender handle's claim: one count of b.senders (see
// handle.go). The last one to go wakes every receiver to see ErrClosed.
type bcastTx[T any] struct {
	releaseOnce
	b *bcast[T]
}

func (t *bcastTx[T]) release() {
	if !t.first() {
		return
	}
	b := t.b
	b.mu.Lock()
	b.senders--
	if b.senders > 0 {
		b.mu.Unlock()
		return
	}
	b.wakeAllUnlock(nil)
}

// BroadcastSender is a sending end of a Broadcast channel. Receivers see
// ErrClosed once every sender closed and they received what was kept. A
// sender dropped without Close is closed when it is collected.
type BroadcastSender[T any] struct {
	h handle[*bcastTx[T]]
}

func newBcastSender[T any](b *bcast[T]) *BroadcastSender[T] {
	s := &BroadcastSender[T]{}
	bind(s, &s.h, &bcastTx[T]{b: b})
	return s
}

// open returns the channel, or panics if s was closed.
func (s *BroadcastSender[T]) open() *bcast[T] {
	s.h.claim.check("*channel.BroadcastSender")
	return s.h.claim.b
}

// Send delivers v to every current receiver without waiting; the oldest
// kept value is overwritten when the ring is full. With no receiver it
// returns a *SendError wrapping ErrClosed and keeps nothing.
func (s *BroadcastSender[T]) Send(v T) error { return s.SendFrom(nil, v) }

// SendFrom is Send from inside a Poll: receivers are woken through
// future.WakeFrom(cx, ...).
func (s *BroadcastSender[T]) SendFrom(cx *future.Context, v T) error {
	b := s.open()
	b.mu.Lock()
	if b.receivers == 0 {
		b.mu.Unlock()
		return &SendError[T]{Value: v, Err: ErrClosed}
	}
	b.buf[b.tail%uint64(len(b.buf))] = v
	b.tail++
	b.wakeAllUnlock(cx)
	return nil
}

// Subscribe returns a new receiver whose first value is the next one sent.
func (s *BroadcastSender[T]) Subscribe() *BroadcastReceiver[T] {
	return s.open().subscribe()
}

// Receivers returns how many receivers are subscribed.
func (s *BroadcastSender[T]) Receivers() int { return s.h.claim.b.count() }

// Clone returns another sender of the same channel.
func (s *BroadcastSender[T]) Clone() *BroadcastSender[T] {
	b := s.open()
	b.mu.Lock()
	b.senders++
	b.mu.Unlock()
	return newBcastSender(b)
}

// Close releases this sender. Idempotent.
func (s *BroadcastSender[T]) Close() { s.h.close() }

// bcastRx is a receiver's state and its claim, a subscription (see
// handle.go).
type bcastRx[T any] struct {
	hubRx
	b    *bcast[T]
	next uint64
}

func (r *bcastRx[T]) release() { r.b.leave(&r.hubRx) }

// BroadcastReceiver is one receiving end of a Broadcast channel, owned by
// one task (or goroutine) at a time. Close it when done; one dropped
// without Close is unsubscribed when it is collected.
type BroadcastReceiver[T any] struct {
	h handle[*bcastRx[T]]
}

// PollRecv is the poll function of Recv: Ready(Ok(v)) with the next value,
// Ready(Err(*LaggedError)) if values were overwritten before this receiver
// got them (the next receive goes on with the oldest kept one),
// Ready(Err(ErrClosed)) once every sender closed and everything kept was
// received, else Pending.
func (r *BroadcastReceiver[T]) PollRecv(cx *future.Context) future.Poll[future.Result[T]] {
	if !future.Coop(cx) {
		return future.Pending[future.Result[T]]()
	}
	st := r.h.claim
	b := st.b
	b.lockOpen(&st.hubRx, "*channel.BroadcastReceiver")
	if res, ok := st.recvLocked(); ok {
		b.mu.Unlock()
		return future.Ready(res)
	}
	b.waitUnlock(&st.hubRx, cx)
	return future.Pending[future.Result[T]]()
}

func (st *bcastRx[T]) recvLocked() (future.Result[T], bool) {
	b := st.b
	if st.next < b.tail {
		capacity := uint64(len(b.buf))
		if b.tail-st.next > capacity {
			missed := b.tail - capacity - st.next
			st.next = b.tail - capacity
			return future.Err[T](&LaggedError{Missed: missed}), true
		}
		v := b.buf[st.next%capacity]
		st.next++
		return future.Ok(v), true
	}
	if b.senders == 0 {
		return future.Err[T](ErrClosed), true
	}
	return future.Result[T]{}, false
}

// TryRecv is PollRecv without waiting: it returns ErrEmpty instead of
// Pending.
func (r *BroadcastReceiver[T]) TryRecv() (T, error) {
	st := r.h.claim
	st.b.lockOpen(&st.hubRx, "*channel.BroadcastReceiver")
	res, ok := st.recvLocked()
	st.b.mu.Unlock()
	if !ok {
		return res.Value, ErrEmpty
	}
	return res.Get()
}

// Recv returns a future of the next value (see PollRecv).
func (r *BroadcastReceiver[T]) Recv() *BroadcastRecvFuture[T] {
	return &BroadcastRecvFuture[T]{r: r}
}

// Resubscribe returns a new receiver of the same channel whose first value
// is the next one sent.
func (r *BroadcastReceiver[T]) Resubscribe() *BroadcastReceiver[T] { return r.h.claim.b.subscribe() }

// Close unsubscribes the receiver: it stops counting for Send and stops
// holding a waiter. Idempotent.
func (r *BroadcastReceiver[T]) Close() { r.h.close() }

// BroadcastRecvFuture is the future returned by BroadcastReceiver.Recv.
//
// Cancel safety: it is cancel-safe, as tokio's recv is: a value is taken
// from the channel only in the poll that returns it, so a future dropped
// while Pending (it lost a race, its task was aborted) loses nothing, and
// the next Recv gets that value. It holds no queue place, only the
// receiver's one waker slot, replaced on every poll.
type BroadcastRecvFuture[T any] struct {
	r    *BroadcastReceiver[T]
	done bool
}

// Poll implements future.Future.
func (f *BroadcastRecvFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	p := f.r.PollRecv(cx)
	f.done = p.IsReady()
	return p
}
