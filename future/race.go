package future

// Race's state machine:
//
//	idle --Poll--> busy: poll the children woken since the last poll (all of
//	               them, in index order, on the first poll), each once
//	          --> a child is Ready: Ready(Raced{its index, its value}) at
//	              once; the children not yet polled in this poll and all
//	              the others are dropped and never polled again, and their
//	              later wakes do nothing --> done
//	          --> none Ready: Pending --> idle
//	(a panic of a child propagates and leaves Race busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
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
// the index and value of the first one to be Ready. The losers are never
// polled again; dropping them is how they are cancelled, so a loser that
// holds a resource must release it when it is dropped, or be a future whose
// work does not matter once abandoned. Race panics with a *MisuseError
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
	r.g.close()
	w := r.winner
	r.winner = Raced[T]{}
	return ready(&r.st, w)
}

func (r *raceFuture[T]) win(i int, v T) bool {
	r.winner = Raced[T]{Index: i, Value: v}
	return true
}
