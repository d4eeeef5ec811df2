package stream

import "github.com/spindle-rt/spindle/future"

// Buffered returns a stream that runs up to n of the futures yielded by s at
// once and yields their values in the order s yielded the futures
// (futures-rs's buffered). It panics with a *future.MisuseError if n < 1.
//
// Each future is polled with its own waker, so a wake costs a poll of that
// future only. At most n futures are running or holding a finished value
// that waits for an earlier one; s is not polled while n are.
func Buffered[T any](s Stream[future.Future[T]], n int) Stream[T] {
	if n < 1 {
		misuse("Buffered", "n must be at least 1")
	}
	return &bufferedStream[T]{
		src:     s,
		set:     newFutureSet[T](n),
		res:     make([]T, n),
		has:     make([]bool, n),
		slotSeq: make([]uint64, n),
	}
}

// bufferedStream keeps a window of sequence numbers [head, tail): futures
// taken from src and not yet yielded. The value of sequence q is stored in
// res[q%n] once its future completes (has[q%n]); slotSeq maps a set slot to
// the sequence number of the future in it. tail-head <= n always, so the
// ring never overwrites a value that was not yielded.
type bufferedStream[T any] struct {
	src        Stream[future.Future[T]] // nil once it ended or was closed
	set        *futureSet[T]
	res        []T
	has        []bool
	slotSeq    []uint64
	head, tail uint64
	done       bool
	closed     bool
}

func (b *bufferedStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if b.done {
		panicPolledAfterEnd(b)
	}
	if b.closed {
		panicPolledAfterClose(b)
	}
	n := uint64(len(b.res))
	for b.src != nil && b.tail-b.head < n {
		it, ok := b.src.PollNext(cx).Value()
		if !ok {
			break
		}
		if !it.Ok {
			b.src = nil
			break
		}
		slot := b.set.push(it.Value)
		b.slotSeq[slot] = b.tail
		b.tail++
	}
	b.set.poll(cx)
	for _, d := range b.set.out {
		q := b.slotSeq[d.slot] % n
		b.res[q], b.has[q] = d.v, true
	}
	clear(b.set.out)
	b.set.out = b.set.out[:0]
	if b.head < b.tail {
		h := b.head % n
		if !b.has[h] {
			return future.Pending[Item[T]]()
		}
		v := b.res[h]
		var zero T
		b.res[h], b.has[h] = zero, false
		b.head++
		return Some(v)
	}
	if b.src == nil {
		b.done = true
		return End[T]()
	}
	return future.Pending[Item[T]]()
}

// Close closes the source and drops the running futures without polling
// them again.
func (b *bufferedStream[T]) Close() {
	if b.src != nil {
		Close(b.src)
		b.src = nil
	}
	b.set.clear()
	b.closed = true
}

// BufferUnordered returns a stream that runs up to n of the futures yielded
// by s at once and yields their values as they complete (futures-rs's
// buffer_unordered). It panics with a *future.MisuseError if n < 1.
func BufferUnordered[T any](s Stream[future.Future[T]], n int) Stream[T] {
	if n < 1 {
		misuse("BufferUnordered", "n must be at least 1")
	}
	return &unorderedStream[T]{src: s, set: newFutureSet[T](n), n: n}
}

// unorderedStream: ready holds values of completed futures not yet yielded
// (FIFO from index r); running futures plus ready values never exceed n.
type unorderedStream[T any] struct {
	src    Stream[future.Future[T]]
	set    *futureSet[T]
	n      int
	ready  []T
	r      int
	done   bool
	closed bool
}

func (u *unorderedStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if u.done {
		panicPolledAfterEnd(u)
	}
	if u.closed {
		panicPolledAfterClose(u)
	}
	for u.src != nil && u.set.len()+len(u.ready)-u.r < u.n {
		it, ok := u.src.PollNext(cx).Value()
		if !ok {
			break
		}
		if !it.Ok {
			u.src = nil
			break
		}
		u.set.push(it.Value)
	}
	u.set.poll(cx)
	for _, d := range u.set.out {
		u.ready = append(u.ready, d.v)
	}
	clear(u.set.out)
	u.set.out = u.set.out[:0]
	if u.r < len(u.ready) {
		v := u.ready[u.r]
		var zero T
		u.ready[u.r] = zero
		u.r++
		if u.r == len(u.ready) {
			u.ready, u.r = u.ready[:0], 0
		}
		return Some(v)
	}
	if u.src == nil && u.set.len() == 0 {
		u.done = true
		return End[T]()
	}
	return future.Pending[Item[T]]()
}

// Close closes the source and drops the running futures without polling
// them again.
func (u *unorderedStream[T]) Close() {
	if u.src != nil {
		Close(u.src)
		u.src = nil
	}
	u.set.clear()
	u.ready, u.r = nil, 0
	u.closed = true
}
