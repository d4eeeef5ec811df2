package future

import "errors"

// TryRace and FirstOk race fallible futures. They differ in what an error
// does:
//
//   - TryRace: the first child to complete decides, Ok or Err. Ok(v) wins
//     with Ok(Raced{i, v}); Err(e) ends the race with Err(e). (futures-rs's
//     try_select.) Use it when any failure should abort, like a request
//     raced against a deadline that reports ErrTimeout.
//   - FirstOk: the first child to complete with Ok wins; errors only knock
//     their child out. If every child fails, the race ends with the errors
//     of all of them, joined in argument order. (futures-rs's select_ok.)
//     Use it for redundant requests: the first replica that answers wins.
//
// Their state machine is Race's:
//
//	idle --Poll--> busy: poll the woken children (all, in index order, on
//	               the first poll), each once
//	          --> the race is decided: Ready; every child still running is
//	              cancelled and never polled again --> done
//	          --> otherwise Pending --> idle
//	(a panic of a child propagates and leaves the race busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> every child still running cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel

// TryRace returns a future that completes as soon as one of fs completes:
// with Ok(Raced{its index, its value}) if it succeeded, with its error if it
// failed. The others are cancelled and never polled again. It panics with a *MisuseError
// (ErrNoFutures) when fs is empty.
func TryRace[T any](fs ...Future[Result[T]]) Future[Result[Raced[T]]] {
	if len(fs) == 0 {
		misuseName("future.TryRace", ErrNoFutures)
	}
	return &tryRaceFuture[T]{g: newGroup("future.TryRace", fs)}
}

type tryRaceFuture[T any] struct {
	g   group[Result[T]]
	out Result[Raced[T]]
	st  stage
}

func (r *tryRaceFuture[T]) Poll(cx *Context) Poll[Result[Raced[T]]] {
	r.st.enter(r)
	if !r.g.poll(cx, r.decide) {
		return pending[Result[Raced[T]]](&r.st)
	}
	r.g.cancel()
	out := r.out
	r.out = Result[Raced[T]]{}
	return ready(&r.st, out)
}

// Cancel cancels every child.
func (r *tryRaceFuture[T]) Cancel() {
	if r.st.cancel() {
		r.g.cancel()
	}
}

func (r *tryRaceFuture[T]) decide(i int, v Result[T]) bool {
	if v.Err != nil {
		r.out = Err[Raced[T]](v.Err)
	} else {
		r.out = Ok(Raced[T]{Index: i, Value: v.Value})
	}
	return true
}

// FirstOk returns a future that completes with Ok(Raced{index, value}) of
// the first of fs to succeed, cancelling the others (never polled again),
// or, when all of fs fail, with an error joining all their errors in the
// order of fs (errors.Is and errors.As see each of them). It panics with a
// *MisuseError (ErrNoFutures) when fs is empty.
func FirstOk[T any](fs ...Future[Result[T]]) Future[Result[Raced[T]]] {
	if len(fs) == 0 {
		misuseName("future.FirstOk", ErrNoFutures)
	}
	return &firstOkFuture[T]{g: newGroup("future.FirstOk", fs), errs: make([]error, len(fs))}
}

type firstOkFuture[T any] struct {
	g    group[Result[T]]
	errs []error // errs[i] is child i's error once it failed
	won  Raced[T]
	st   stage
}

func (r *firstOkFuture[T]) Poll(cx *Context) Poll[Result[Raced[T]]] {
	r.st.enter(r)
	won := r.g.poll(cx, r.decide)
	if !won && r.g.live > 0 {
		return pending[Result[Raced[T]]](&r.st)
	}
	r.g.cancel()
	if !won {
		err := errors.Join(r.errs...)
		r.errs = nil
		return ready(&r.st, Err[Raced[T]](err))
	}
	w := r.won
	r.won, r.errs = Raced[T]{}, nil
	return ready(&r.st, Ok(w))
}

// Cancel cancels every child still running.
func (r *firstOkFuture[T]) Cancel() {
	if r.st.cancel() {
		r.g.cancel()
		r.errs = nil
	}
}

func (r *firstOkFuture[T]) decide(i int, v Result[T]) bool {
	if v.Err != nil {
		r.errs[i] = v.Err
		return false
	}
	r.won = Raced[T]{Index: i, Value: v.Value}
	return true
}

// Adopt implements Adopter: the children are adopted (see group.adopt).
func (r *tryRaceFuture[T]) Adopt() {
	if r.st == stageIdle {
		r.g.adopt()
	}
}

// Adopt implements Adopter: the children are adopted (see group.adopt).
func (r *firstOkFuture[T]) Adopt() {
	if r.st == stageIdle {
		r.g.adopt()
	}
}
