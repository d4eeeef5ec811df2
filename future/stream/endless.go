package stream

import "github.com/spindle-rt/spindle/future"

// Poller is anything with a PollNext that never ends, such as the poll
// package's Interval, whose PollNext returns future.Poll[time.Time].
type Poller[T any] interface {
	PollNext(cx *future.Context) future.Poll[T]
}

// Endless adapts a Poller to a Stream that never ends: every ready poll is
// Some. Use Take to bound it, e.g. stream.Take(stream.Endless(poll.Interval(d)), 3)
// for three ticks.
func Endless[T any](p Poller[T]) Stream[T] { return endless[T]{p: p} }

type endless[T any] struct{ p Poller[T] }

func (e endless[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	v, ok := e.p.PollNext(cx).Value()
	if !ok {
		return future.Pending[Item[T]]()
	}
	return Some(v)
}

// Close closes the source if it has a Close method.
func (e endless[T]) Close() { Close(e.p) }
