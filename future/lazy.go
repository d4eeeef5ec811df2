package future

// Lazy's state machine:
//
//	idle --Poll--> busy: fn() --returns--> Ready(fn()), done
//	                         --panics---> the panic propagates; stays busy
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic

// Lazy returns a future that calls fn on its first poll, on the polling
// goroutine, and is Ready with its result. fn is called at most once. Use it
// to defer work until a task runs it, not to run blocking work: fn runs
// inside Poll and must not block.
func Lazy[T any](fn func() T) Future[T] {
	if fn == nil {
		misuseName("future.Lazy", ErrNilFunc)
	}
	return &lazyFuture[T]{fn: fn}
}

type lazyFuture[T any] struct {
	fn func() T
	st stage
}

func (f *lazyFuture[T]) Poll(*Context) Poll[T] {
	f.st.enter(f)
	fn := f.fn
	f.fn = nil
	return ready(&f.st, fn())
}
