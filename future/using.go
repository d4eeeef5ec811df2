package future

// Using's state machine (a bracket: acquire, use, release):
//
//	acquiring --Poll--> poll acquire --Pending--> acquiring
//	                                 --Err(e)--> Ready(Err(e)), done; release never runs
//	                                 --Ok(r)---> held: g = use(r); poll g in the same Poll
//	using     --Poll--> poll g --Pending--> using
//	                           --Ready(u)--> release(r), Ready(u), done
//	use(r) or g's Poll panics --> release(r), the panic goes on; busy
//	acquiring --Cancel--> acquire cancelled; cancelled
//	using     --Cancel--> g cancelled, then release(r); cancelled
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// The resource is held from the poll in which acquire is Ready with Ok to
// the one release call; held says so, and is cleared before release is
// called, so release runs once even when a panic is followed by a Cancel.

// Using returns a future that acquires a resource, uses it and releases
// it, like Go's
//
//	r, err := acquire()
//	if err != nil {
//		return err
//	}
//	defer release(r)
//	return use(r)
//
// acquire is a fallible future of the resource (a semaphore permit, a lock
// guard, a connection). If it fails, Using completes with its error and
// neither use nor release is called. If it succeeds with r, use(r) is
// called once, its future is awaited, and Using completes with that
// future's Result; release(r) is called exactly once when that future
// ends, however it ends: Ready (before Using returns Ready, so the next
// stage finds the resource given back), a panic in use or in its future's
// Poll (release runs, then the panic goes on), or Cancel (the future is
// cancelled first, then release runs). Cancel while acquiring cancels
// acquire, which gives back anything it holds itself.
//
// use and release run on the polling or cancelling goroutine and must not
// block; a panic in release propagates to the caller of Poll or Cancel.
func Using[R, U any](acquire Future[Result[R]], use func(R) Future[Result[U]], release func(R)) Future[Result[U]] {
	if acquire == nil {
		misuseName("future.Using", ErrNilFuture)
	}
	if use == nil || release == nil {
		misuseName("future.Using", ErrNilFunc)
	}
	return &usingFuture[R, U]{acq: acquire, use: use, release: release}
}

type usingFuture[R, U any] struct {
	acq     Future[Result[R]] // nil once Ready
	use     func(R) Future[Result[U]]
	g       Future[Result[U]] // use(r), while it runs
	release func(R)
	r       R
	held    bool // r is acquired and not yet released
	st      stage
}

func (u *usingFuture[R, U]) Poll(cx *Context) Poll[Result[U]] {
	u.st.enter(u)
	if u.acq != nil {
		res, ok := u.acq.Poll(cx).Value()
		if !ok {
			return pending[Result[U]](&u.st)
		}
		u.acq = nil
		if res.Err != nil {
			u.use, u.release = nil, nil
			return ready(&u.st, Err[U](res.Err))
		}
		u.r, u.held = res.Value, true
	}
	returned := false
	defer func() {
		if !returned { // use or g's Poll panicked
			u.g = nil
			u.releaseHeld()
		}
	}()
	if u.use != nil {
		use := u.use
		u.use = nil
		if u.g = use(u.r); u.g == nil {
			misuse(u, ErrNilFuture)
		}
	}
	v, ok := u.g.Poll(cx).Value()
	returned = true
	if !ok {
		return pending[Result[U]](&u.st)
	}
	u.g = nil
	u.releaseHeld()
	return ready(&u.st, v)
}

// releaseHeld calls release on the held resource, once.
func (u *usingFuture[R, U]) releaseHeld() {
	if !u.held {
		return
	}
	r, release := u.r, u.release
	var zero R
	u.r, u.held, u.release = zero, false, nil
	release(r)
}

// Cancel cancels whichever future is running; if the resource is held, it
// is released afterwards, even if that Cancel panics.
func (u *usingFuture[R, U]) Cancel() {
	if !u.st.cancel() {
		return
	}
	acq, g := u.acq, u.g
	u.acq, u.g, u.use = nil, nil, nil
	defer u.releaseHeld()
	if acq != nil {
		Cancel(acq)
	} else if g != nil {
		Cancel(g)
	}
}
