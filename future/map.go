package future

// Map's state machine:
//
//	idle --Poll--> busy: poll f --Pending--> idle
//	                            --Ready(v)--> fn(v) --> Ready(fn(v)), done
//	(a panic in f.Poll or in fn propagates and leaves Map busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> f cancelled; cancelled --Poll--> panic ErrPolledAfterCancel

// Map returns a future that is Ready with fn(v) once f is Ready with v. fn
// runs inside Poll, on the polling goroutine, exactly once; it must not
// block. f is polled with Map's own Context, so it wakes Map's task
// directly: Map adds no waker and no allocation per poll.
func Map[T, U any](f Future[T], fn func(T) U) Future[U] {
	if f == nil {
		misuseName("future.Map", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.Map", ErrNilFunc)
	}
	return &mapFuture[T, U]{f: f, fn: fn}
}

type mapFuture[T, U any] struct {
	f  Future[T]
	fn func(T) U
	st stage
}

func (m *mapFuture[T, U]) Poll(cx *Context) Poll[U] {
	m.st.enter(m)
	v, ok := m.f.Poll(cx).Value()
	if !ok {
		return pending[U](&m.st)
	}
	fn := m.fn
	m.f, m.fn = nil, nil // release the finished child and the closure
	return ready(&m.st, fn(v))
}

// Adopt implements Adopter: Map cancels its child whenever it drops it
// before Ready, so an adopted Map adopts its child.
func (m *mapFuture[T, U]) Adopt() {
	if m.st == stageIdle && m.f != nil {
		Adopt(m.f)
	}
}

// Cancel cancels the mapped future if it is still pending.
func (m *mapFuture[T, U]) Cancel() {
	if m.st.cancel() {
		f := m.f
		m.f, m.fn = nil, nil
		Cancel(f)
	}
}
