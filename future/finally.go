package future

// Finally's state machine:
//
//	idle --Poll--> busy: poll f --Pending--> idle
//	                            --Ready(v)--> fn(), Ready(v), done
//	                            --panics----> fn(), the panic goes on; busy
//	idle or busy --Cancel--> f cancelled, then fn() (if it has not run); cancelled
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// fn is taken out of its field before it is called, so it runs at most
// once whichever of the three ends comes first (a panicking poll followed
// by a Cancel from the pool is the case that needs it), and exactly once
// when one of them comes. Go has no destructor: a Finally dropped without
// Cancel never runs fn. Every owner in this module cancels what it drops
// (combinators, pool tasks, async bodies), so that only happens to a
// future its owner abandons by hand.

// Finally returns a future that completes like f and calls fn exactly once
// when f ends, however it ends: Ready, a panic in f's Poll (fn runs, then
// the panic goes on), or Cancel (f is cancelled first, then fn runs). It is
// Go's defer for a stage of a future chain: put the release of what the
// stage took (a lock guard, a semaphore permit, a connection) in fn, and
// an aborted task or a race's loser gives it back at once. fn runs on the
// goroutine that polls or cancels, never during another poll of f; it must
// not block. A panic in fn propagates to the caller of Poll or Cancel.
//
// Where what is released comes from a fallible acquire, Using says it in
// one call.
func Finally[T any](f Future[T], fn func()) Future[T] {
	if f == nil {
		misuseName("future.Finally", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.Finally", ErrNilFunc)
	}
	return &finallyFuture[T]{f: f, fn: fn}
}

type finallyFuture[T any] struct {
	f  Future[T]
	fn func() // nil once it ran or started
	st stage
}

func (f *finallyFuture[T]) Poll(cx *Context) Poll[T] {
	f.st.enter(f)
	returned := false
	defer func() {
		if !returned { // f's Poll panicked
			f.f = nil
			f.runFn()
		}
	}()
	v, ok := f.f.Poll(cx).Value()
	returned = true
	if !ok {
		return pending[T](&f.st)
	}
	f.f = nil
	f.runFn()
	return ready(&f.st, v)
}

// runFn calls fn unless it ran already.
func (f *finallyFuture[T]) runFn() {
	if fn := f.fn; fn != nil {
		f.fn = nil
		fn()
	}
}

// Cancel cancels f if it is still pending, then runs fn. fn runs even if
// f's Cancel panics (the panic goes on after it).
func (f *finallyFuture[T]) Cancel() {
	if !f.st.cancel() {
		return
	}
	inner := f.f
	f.f = nil
	defer f.runFn()
	if inner != nil {
		Cancel(inner)
	}
}
