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

import (
	"runtime"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

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
	return wrapBcastSender(&bcastTx[T]{b: b}), b.subscribe()
}

// subscribe adds a receiver whose first value is the next one sent.
func (b *bcast[T]) subscribe() *BroadcastReceiver[T] {
	b.mu.Lock()
	b.receivers++
	st := &bcastRx[T]{b: b, next: b.tail}
	b.mu.Unlock()
	r := &BroadcastReceiver[T]{st: st}
	r.cl = runtime.AddCleanup(r, (*bcastRx[T]).close, st)
	return r
}

// bcastTx is a sender handle's claim; see senderRef.
type bcastTx[T any] struct {
	b      *bcast[T]
	closed atomic.Bool
}

func (t *bcastTx[T]) close() {
	if !t.closed.CompareAndSwap(false, true) {
		return
	}
	b := t.b
	var wl waitq.WakeList
	b.mu.Lock()
	b.senders--
	if b.senders == 0 {
		b.wakeAllLocked(nil, &wl)
	}
	b.mu.Unlock()
	wl.WakeAll(nil)
}

// BroadcastSender is a sending end of a Broadcast channel. Receivers see
// ErrClosed once every sender closed and they received what was kept. A
// sender dropped without Close is closed when it is collected.
type BroadcastSender[T any] struct {
	tx *bcastTx[T]
	cl runtime.Cleanup
}

func wrapBcastSender[T any](tx *bcastTx[T]) *BroadcastSender[T] {
	s := &BroadcastSender[T]{tx: tx}
	s.cl = runtime.AddCleanup(s, (*bcastTx[T]).close, tx)
	return s
}

func (s *BroadcastSender[T]) check() {
	if s.tx.closed.Load() {
		misuse("*channel.BroadcastSender", ErrHandleClosed)
	}
}

// Send delivers v to every current receiver without waiting; the oldest
// kept value is overwritten when the ring is full. With no receiver it
// returns a *SendError wrapping ErrClosed and keeps nothing.
func (s *BroadcastSender[T]) Send(v T) error { return s.SendFrom(nil, v) }

// SendFrom is Send from inside a Poll: receivers are woken through
// future.WakeFrom(cx, ...).
func (s *BroadcastSender[T]) SendFrom(cx *future.Context, v T) error {
	s.check()
	b := s.tx.b
	var wl waitq.WakeList
	b.mu.Lock()
	if b.receivers == 0 {
		b.mu.Unlock()
		return &SendError[T]{Value: v, Err: ErrClosed}
	}
	b.buf[b.tail%uint64(len(b.buf))] = v
	b.tail++
	b.wakeAllLocked(cx, &wl)
	b.mu.Unlock()
	wl.WakeAll(cx)
	return nil
}

// Subscribe returns a new receiver whose first value is the next one sent.
func (s *BroadcastSender[T]) Subscribe() *BroadcastReceiver[T] {
	s.check()
	return s.tx.b.subscribe()
}

// Receivers returns how many receivers are subscribed.
func (s *BroadcastSender[T]) Receivers() int {
	b := s.tx.b
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.receivers
}

// Clone returns another sender of the same channel.
func (s *BroadcastSender[T]) Clone() *BroadcastSender[T] {
	s.check()
	b := s.tx.b
	b.mu.Lock()
	b.senders++
	b.mu.Unlock()
	return wrapBcastSender(&bcastTx[T]{b: b})
}

// Close releases this sender. Idempotent.
func (s *BroadcastSender[T]) Close() {
	s.cl.Stop()
	s.tx.close()
}

// bcastRx is a receiver's state, apart from the handle so that the
// handle's cleanup can unsubscribe it.
type bcastRx[T any] struct {
	b      *bcast[T]
	next   uint64
	node   waitq.Node[struct{}]
	closed bool // guarded by b.mu
}

func (r *bcastRx[T]) close() { r.b.leave(&r.node, &r.closed) }

// BroadcastReceiver is one receiving end of a Broadcast channel, owned by
// one task (or goroutine) at a time. Close it when done; one dropped
// without Close is unsubscribed when it is collected.
type BroadcastReceiver[T any] struct {
	st *bcastRx[T]
	cl runtime.Cleanup
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
	st := r.st
	b := st.b
	b.mu.Lock()
	if st.closed {
		b.mu.Unlock()
		misuse("*channel.BroadcastReceiver", ErrHandleClosed)
	}
	if res, ok := st.recvLocked(); ok {
		b.mu.Unlock()
		return future.Ready(res)
	}
	if st.node.State != waitq.Queued {
		b.waiters.PushBack(&st.node)
	}
	st.node.Waker = cx.Waker()
	b.mu.Unlock()
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
	b := r.st.b
	b.mu.Lock()
	if r.st.closed {
		b.mu.Unlock()
		misuse("*channel.BroadcastReceiver", ErrHandleClosed)
	}
	res, ok := r.st.recvLocked()
	b.mu.Unlock()
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
func (r *BroadcastReceiver[T]) Resubscribe() *BroadcastReceiver[T] { return r.st.b.subscribe() }

// Close unsubscribes the receiver: it stops counting for Send and stops
// holding a waiter. Idempotent.
func (r *BroadcastReceiver[T]) Close() {
	r.cl.Stop()
	r.st.close()
}

// BroadcastRecvFuture is the future returned by BroadcastReceiver.Recv.
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
