package stream

import "github.com/spindle-rt/spindle/future"

// Collect returns a future that drains s and completes with its values in
// order (a nil slice if s is empty).
func Collect[T any](s Stream[T]) future.Future[[]T] { return &collectFuture[T]{s: s} }

type collectFuture[T any] struct {
	s    Stream[T]
	out  []T
	done bool
}

func (c *collectFuture[T]) Poll(cx *future.Context) future.Poll[[]T] {
	if c.done {
		future.PanicPolledAfterReady(c)
	}
	if c.s == nil {
		panicPolledAfterCancel(c)
	}
	for {
		it, ok := c.s.PollNext(cx).Value()
		if !ok {
			return future.Pending[[]T]()
		}
		if !it.Ok {
			c.done = true
			out := c.out
			c.out, c.s = nil, nil
			return future.Ready(out)
		}
		c.out = append(c.out, it.Value)
	}
}

// ForEach returns a future that calls fn on every value of s, in order, and
// completes when s ends. fn runs inside the poll: keep it short.
func ForEach[T any](s Stream[T], fn func(T)) future.Future[struct{}] {
	return &forEachFuture[T]{s: s, fn: fn}
}

type forEachFuture[T any] struct {
	s    Stream[T]
	fn   func(T)
	done bool
}

func (f *forEachFuture[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.s == nil {
		panicPolledAfterCancel(f)
	}
	for {
		it, ok := f.s.PollNext(cx).Value()
		if !ok {
			return future.Pending[struct{}]()
		}
		if !it.Ok {
			f.done = true
			f.s = nil
			return future.Ready(struct{}{})
		}
		f.fn(it.Value)
	}
}

// Next returns a future of the next item of s: Some value, or Ok false if s
// has ended. It is StreamExt::next: poll it to completion, then call Next
// again for the following item. The stream stays usable after the future
// completes.
func Next[T any](s Stream[T]) future.Future[Item[T]] { return &nextFuture[T]{s: s} }

type nextFuture[T any] struct {
	s Stream[T] // nil once Ready
}

func (n *nextFuture[T]) Poll(cx *future.Context) future.Poll[Item[T]] {
	if n.s == nil {
		future.PanicPolledAfterReady(n)
	}
	p := n.s.PollNext(cx)
	if p.IsReady() {
		n.s = nil
	}
	return p
}
