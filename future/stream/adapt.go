package stream

import "github.com/spindle-rt/spindle/future"

// Map returns a stream of fn(v) for each value v of s. fn runs inside the
// poll: keep it short and non-blocking. To run a future per value, map to
// futures and use Buffered or BufferUnordered.
func Map[T, U any](s Stream[T], fn func(T) U) Stream[U] { return &mapStream[T, U]{s: s, fn: fn} }

type mapStream[T, U any] struct {
	s  Stream[T]
	fn func(T) U
}

func (m *mapStream[T, U]) PollNext(cx *future.Context) future.Poll[Item[U]] {
	it, ok := m.s.PollNext(cx).Value()
	if !ok {
		return future.Pending[Item[U]]()
	}
	if !it.Ok {
		return End[U]()
	}
	return Some(m.fn(it.Value))
}

// Close closes the source.
func (m *mapStream[T, U]) Close() { Close(m.s) }

// Filter returns a stream of the values v of s for which keep(v) is true.
func Filter[T any](s Stream[T], keep func(T) bool) Stream[T] {
	return &filterStream[T]{s: s, keep: keep}
}

type filterStream[T any] struct {
	s    Stream[T]
	keep func(T) bool
}

// PollNext loops over rejected values; the source's Coop calls bound the
// loop, so a long run of rejected values cannot monopolise the worker.
func (f *filterStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	for {
		it, ok := f.s.PollNext(cx).Value()
		if !ok {
			return future.Pending[Item[T]]()
		}
		if !it.Ok || f.keep(it.Value) {
			return future.Ready(it)
		}
	}
}

// Close closes the source.
func (f *filterStream[T]) Close() { Close(f.s) }

// Take returns a stream of the first n values of s. When it has taken n
// values it closes s (see Close) and ends, without polling s again; with n
// <= 0 it ends at once.
func Take[T any](s Stream[T], n int) Stream[T] { return &takeStream[T]{s: s, left: n} }

// takeStream: left counts the values still to take; s is nil once the
// source is finished or released, and done is set when End was returned.
type takeStream[T any] struct {
	s      Stream[T]
	left   int
	done   bool
	closed bool
}

func (t *takeStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if t.done {
		panicPolledAfterEnd(t)
	}
	if t.closed {
		panicPolledAfterClose(t)
	}
	if t.left <= 0 {
		t.release()
		t.done = true
		return End[T]()
	}
	it, ok := t.s.PollNext(cx).Value()
	if !ok {
		return future.Pending[Item[T]]()
	}
	if !it.Ok {
		t.s = nil // finished: nothing to release
		t.done = true
		return End[T]()
	}
	t.left--
	if t.left == 0 {
		t.release()
	}
	return future.Ready(it)
}

func (t *takeStream[T]) release() {
	if t.s != nil {
		Close(t.s)
		t.s = nil
	}
}

// Close closes the source if Take has not done so already.
func (t *takeStream[T]) Close() {
	t.release()
	t.closed = true
}

// Fuse returns a stream that returns End forever once s has ended, instead
// of panicking, and never polls s again after its End.
func Fuse[T any](s Stream[T]) Stream[T] { return &fuseStream[T]{s: s} }

type fuseStream[T any] struct {
	s Stream[T] // nil after End
}

func (f *fuseStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if f.s == nil {
		return End[T]()
	}
	p := f.s.PollNext(cx)
	if it, ok := p.Value(); ok && !it.Ok {
		f.s = nil
	}
	return p
}

// Close closes the source if it has not ended.
func (f *fuseStream[T]) Close() {
	if f.s != nil {
		Close(f.s)
		f.s = nil
	}
}
