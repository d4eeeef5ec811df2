package future

// Fused's state machine:
//
//	running    --Poll--> poll f --Pending--> running
//	                            --Ready(v)--> Ready(v), terminated
//	terminated --Poll--> Pending, without polling f or arranging a wake
//	running --Cancel--> f cancelled --> terminated
//
// It is futures-rs's Fuse: the one future of this package that may be
// polled after Ready, for loops that poll a set of futures and cannot easily
// skip the finished ones.

// Fused is a future that, once Ready, returns Pending forever instead of
// panicking. Fuse creates it. A Fused that returned Ready never wakes its
// waker again, so a task waiting only on it waits forever: check
// IsTerminated before relying on it.
type Fused[T any] struct {
	f Future[T] // nil once terminated
}

// Fuse wraps f so that polling it after completion is harmless.
func Fuse[T any](f Future[T]) *Fused[T] {
	if f == nil {
		misuseName("future.Fuse", ErrNilFuture)
	}
	return &Fused[T]{f: f}
}

// Poll polls the wrapped future until it is Ready, then returns Pending.
func (f *Fused[T]) Poll(cx *Context) Poll[T] {
	if f.f == nil {
		return Poll[T]{}
	}
	r := f.f.Poll(cx)
	if r.ready {
		f.f = nil
	}
	return r
}

// Cancel cancels the wrapped future if it has not terminated; the Fused is
// then terminated.
func (f *Fused[T]) Cancel() {
	if f.f != nil {
		inner := f.f
		f.f = nil
		Cancel(inner)
	}
}

// IsTerminated reports whether the wrapped future returned Ready.
func (f *Fused[T]) IsTerminated() bool { return f.f == nil }

// Adopt implements Adopter: a Fused drops its future only in Cancel, which
// cancels it (after a panic in its poll too), so the future is adopted.
func (f *Fused[T]) Adopt() {
	if f.f != nil {
		Adopt(f.f)
	}
}
