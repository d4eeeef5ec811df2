package future

// TryJoin's state machine is Join's with one more way out:
//
//	idle --Poll--> busy: poll the woken children (all on the first poll),
//	               each once
//	          --> a child is Err: Ready(Err(its error)) at once; every child
//	              still running is cancelled and never polled again --> done
//	          --> all Ok: Ready(Ok(values in argument order)) --> done
//	          --> otherwise Pending --> idle
//	(a panic of a child propagates and leaves TryJoin busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> the children still running cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// When several children fail, the error is that of the first failed child
// polled: the lowest index among those failing on the first poll, later the
// first woken.

// TryJoin returns a future that runs all of fs concurrently and completes
// with Ok(all their values, in the order of fs) when all succeed, or with
// the first error as soon as one fails, cancelling the others (see
// Canceler; they are never polled again). TryJoin of no futures is Ok with an empty slice.
func TryJoin[T any](fs ...Future[Result[T]]) Future[Result[[]T]] {
	return &tryJoinFuture[T]{g: newGroup("future.TryJoin", fs), values: make([]T, len(fs))}
}

type tryJoinFuture[T any] struct {
	g      group[Result[T]]
	values []T
	err    error
	st     stage
}

func (j *tryJoinFuture[T]) Poll(cx *Context) Poll[Result[[]T]] {
	j.st.enter(j)
	failed := j.g.poll(cx, j.store)
	if !failed && j.g.live > 0 {
		return pending[Result[[]T]](&j.st)
	}
	j.g.cancel()
	values, err := j.values, j.err
	j.values, j.err = nil, nil
	if failed {
		return ready(&j.st, Err[[]T](err))
	}
	return ready(&j.st, Ok(values))
}

// Cancel cancels the children that have not completed.
func (j *tryJoinFuture[T]) Cancel() {
	if j.st.cancel() {
		j.g.cancel()
		j.values, j.err = nil, nil
	}
}

func (j *tryJoinFuture[T]) store(i int, r Result[T]) bool {
	if r.Err != nil {
		j.err = r.Err
		return true
	}
	j.values[i] = r.Value
	return false
}

// Adopt implements Adopter: the children are adopted (see group.adopt).
func (j *tryJoinFuture[T]) Adopt() {
	if j.st == stageIdle {
		j.g.adopt()
	}
}
