package future

// Race's state machine:
//
//	idle --Poll--> busy: poll the children woken since the last poll (all of
//	               them, in index order, on the first poll), each once
//	          --> a child is Ready: Ready(Raced{its index, its value}) at
//	              once; every other child is cancelled (Cancel, if it has
//	              one) and dropped, never polled again, and its later wakes
//	              do nothing --> done
//	          --> none Ready: Pending --> idle
//	(a panic of a child propagates and leaves Race busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> every child cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// Which child wins when several could: the first one polled that is Ready.
// On the first poll that is the lowest index; later, children are polled in
// the order they were woken. The outcome is deterministic for a given order
// of wakes, which tests can rely on, unlike tokio's random select!.

// Raced is the value of a Race: the index in the argument list of the
// future that finished first, and its value.
type Raced[T any] struct {
	Index int
	Value T
}

// Race returns a future that polls all of fs concurrently and is Ready with
// the index and value of the first one to be Ready. The losers are
// cancelled (see Canceler) and never polled again. Race panics with a *MisuseError
// (ErrNoFutures) when fs is empty, since it could never finish.
func Race[T any](fs ...Future[T]) Future[Raced[T]] {
	if len(fs) == 0 {
		misuseName("future.Race", ErrNoFutures)
	}
	return &raceFuture[T]{g: newGroup("future.Race", fs)}
}

type raceFuture[T any] struct {
	g      group[T]
	winner Raced[T]
	st     stage
}

func (r *raceFuture[T]) Poll(cx *Context) Poll[Raced[T]] {
	r.st.enter(r)
	if !r.g.poll(cx, r.win) {
		return pending[Raced[T]](&r.st)
	}
	r.g.cancel()
	w := r.winner
	r.winner = Raced[T]{}
	return ready(&r.st, w)
}

// Cancel cancels every child.
func (r *raceFuture[T]) Cancel() {
	if r.st.cancel() {
		r.g.cancel()
	}
}

func (r *raceFuture[T]) win(i int, v T) bool {
	r.winner = Raced[T]{Index: i, Value: v}
	return true
}

// Adopt implements Adopter: the children are adopted (see group.adopt).
func (r *raceFuture[T]) Adopt() {
	if r.st == stageIdle {
		r.g.adopt()
	}
}
