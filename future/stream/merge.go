package stream

import "github.com/spindle-rt/spindle/future"

// Merge returns a stream of the values of all of ss, in the order they
// become ready, ending when every one of them has ended. It is futures-rs's
// select_all.
//
// All sources are polled with the merged stream's own waker, so a wake from
// any of them polls the live ones again: a poll costs O(len(ss)), which
// suits the handful of sources a merge usually has. Polling starts after the
// source that produced the last value, so a source that is always ready
// cannot starve the others.
func Merge[T any](ss ...Stream[T]) Stream[T] {
	m := &mergeStream[T]{ss: append([]Stream[T](nil), ss...)}
	m.live = len(m.ss)
	return m
}

// mergeStream: ss[i] is nil once source i has ended; live counts the
// others. next is where the next poll starts. done is set after End.
type mergeStream[T any] struct {
	ss     []Stream[T]
	live   int
	next   int
	done   bool
	closed bool
}

func (m *mergeStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if m.done {
		panicPolledAfterEnd(m)
	}
	if m.closed {
		panicPolledAfterClose(m)
	}
	n := len(m.ss)
	for k := 0; k < n && m.live > 0; k++ {
		i := (m.next + k) % n
		s := m.ss[i]
		if s == nil {
			continue
		}
		it, ok := s.PollNext(cx).Value()
		if !ok {
			continue
		}
		if !it.Ok {
			m.ss[i] = nil
			m.live--
			continue
		}
		m.next = (i + 1) % n
		return future.Ready(it)
	}
	if m.live == 0 {
		m.done = true
		return End[T]()
	}
	return future.Pending[Item[T]]()
}

// Close closes every source that has not ended.
func (m *mergeStream[T]) Close() {
	for i, s := range m.ss {
		if s != nil {
			Close(s)
			m.ss[i] = nil
		}
	}
	m.live = 0
	m.closed = true
}
