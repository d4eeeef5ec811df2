package future

// Then's state machine (futures-rs's Then / FlatMap):
//
//	first  --Poll--> poll f --Pending--> first
//	                        --Ready(v)--> g = fn(v); poll g at once (same Poll)
//	second --Poll--> poll g --Pending--> second
//	                        --Ready(u)--> Ready(u), done
//	(a panic in f, fn or g propagates and leaves Then busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	first or second --Cancel--> the running future cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// g is polled in the same Poll that finished f, so a chain of ready futures
// completes in one poll and a Pending g has registered the current waker
// before Then returns Pending (rule 1 of the contract).

// Then returns a future that runs f, passes its value to fn, then runs the
// future fn returns and is Ready with its value: a flat map, or "f, then
// whatever depends on f's result". fn is called once, inside Poll; it must
// not block and must not return nil.
func Then[T, U any](f Future[T], fn func(T) Future[U]) Future[U] {
	if f == nil {
		misuseName("future.Then", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.Then", ErrNilFunc)
	}
	return &thenFuture[T, U]{f: f, fn: fn}
}

type thenFuture[T, U any] struct {
	f  Future[T] // nil once f is Ready
	fn func(T) Future[U]
	g  Future[U]
	st stage
	// adopted: the owner cancels Then whenever it drops it, and Then
	// cancels whichever future runs, so both are adopted in turn.
	adopted bool
}

func (t *thenFuture[T, U]) Poll(cx *Context) Poll[U] {
	t.st.enter(t)
	if t.f != nil {
		v, ok := t.f.Poll(cx).Value()
		if !ok {
			return pending[U](&t.st)
		}
		fn := t.fn
		t.f, t.fn = nil, nil
		if t.g = fn(v); t.g == nil {
			misuse(t, ErrNilFuture)
		}
		if t.adopted {
			Adopt(t.g)
		}
	}
	u, ok := t.g.Poll(cx).Value()
	if !ok {
		return pending[U](&t.st)
	}
	t.g = nil
	return ready(&t.st, u)
}

// Adopt implements Adopter.
func (t *thenFuture[T, U]) Adopt() {
	if t.st == stageIdle && t.f != nil {
		t.adopted = true
		Adopt(t.f)
	}
}

// Cancel cancels whichever of the two futures is running.
func (t *thenFuture[T, U]) Cancel() {
	if t.st.cancel() {
		f, g := t.f, t.g
		t.f, t.fn, t.g = nil, nil, nil
		if f != nil {
			Cancel(f)
		} else if g != nil {
			Cancel(g)
		}
	}
}
