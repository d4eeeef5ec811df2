package future

// Done and Never are the two trivial leaves.
//
// Done's state machine:
//
//	fresh --Poll--> Ready(v), done
//	done  --Poll--> panic ErrPolledAfterReady
//
// Never has one state: every Poll returns Pending and arranges no wake
// (rule 1 of the waker contract is kept vacuously: progress never becomes
// possible).

// Done returns a future that is Ready with v on its first poll.
func Done[T any](v T) Future[T] { return &valueFuture[T]{v: v} }

type valueFuture[T any] struct {
	v    T
	done bool
}

func (f *valueFuture[T]) Poll(*Context) Poll[T] {
	if f.done {
		panicPolledAfterReady(f)
	}
	f.done = true
	v := f.v
	var zero T
	f.v = zero // do not keep the value alive after handing it over
	return Ready(v)
}

// Never returns a future that is never ready and never wakes its waker. It
// is the identity of Race (a contender that never wins) and useful in tests.
func Never[T any]() Future[T] { return neverFuture[T]{} }

type neverFuture[T any] struct{}

func (neverFuture[T]) Poll(*Context) Poll[T] { return Poll[T]{} }
