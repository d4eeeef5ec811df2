package future

// Join's state machine:
//
//	idle --Poll--> busy: poll the children woken since the last poll (all of
//	               them on the first poll), each once; store each value that
//	               is Ready at its index
//	          --> some child still live: Pending --> idle
//	          --> all Ready: Ready(values in argument order), done
//	(a panic of a child propagates and leaves Join busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> the children not Ready yet are cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// Each child is polled once at the first poll and then once per wake of its
// own waker (wakes merge until it is polled), never because a sibling woke:
// n children that each wake k times cost n·(k+1) child polls in all.

// Join returns a future that runs all of fs concurrently and is Ready with
// their values, in the order of fs, once every one of them is Ready. The
// slice fs is copied; Join of no futures is Ready with an empty slice.
//
// A wake of one child costs O(1) and the next poll of Join polls only the
// children woken since its previous poll, so Join scales to 100,000 children
// (see the package benchmarks).
func Join[T any](fs ...Future[T]) Future[[]T] {
	return &joinFuture[T]{g: newGroup("future.Join", fs), values: make([]T, len(fs))}
}

type joinFuture[T any] struct {
	g      group[T]
	values []T
	st     stage
}

func (j *joinFuture[T]) Poll(cx *Context) Poll[[]T] {
	j.st.enter(j)
	j.g.poll(cx, j.store)
	if j.g.live > 0 {
		return pending[[]T](&j.st)
	}
	j.g.cancel()
	values := j.values
	j.values = nil
	return ready(&j.st, values)
}

// Cancel cancels the children that are not Ready yet.
func (j *joinFuture[T]) Cancel() {
	if j.st.cancel() {
		j.g.cancel()
		j.values = nil
	}
}

func (j *joinFuture[T]) store(i int, v T) bool {
	j.values[i] = v
	return false
}

// Adopt implements Adopter: the children are adopted (see group.adopt).
func (j *joinFuture[T]) Adopt() {
	if j.st == stageIdle {
		j.g.adopt()
	}
}
