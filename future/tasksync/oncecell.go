package tasksync

// OnceCell (tokio's OnceCell): sem holds one permit, the right to
// initialise the cell, and is closed once the value is set, which sends
// every queued initialiser to read the value instead.
//
//	empty --Set, or an initialiser's future Ready--> full (val set, done
//	        stored, then sem closed; never empty again)
//
// GetOrInit / GetOrTryInit future:
//
//	waiting --Poll: full--> Ready(val) --> done
//	waiting --Poll: permit taken--> running (init called, its future polled)
//	waiting --Poll: another initialiser runs--> Pending (queued FIFO on sem)
//	waiting --sem closed--> Ready(val) --> done
//	running --init's future Ready(v)--> full, Ready(v) --> done
//	running --init's future Ready(Err(e)) (GetOrTryInit)--> permit released,
//	        Ready(Err(e)) --> done: the oldest waiter becomes the initialiser
//	running --Cancel / collected / init panics--> init's future cancelled,
//	        permit released: the oldest waiter becomes the initialiser
//	waiting --Cancel / collected--> leaves the queue
//	done / cancelled --Poll--> panic *future.MisuseError
//
// The value is written before done is stored and sem closed, and read
// only after done is loaded true or the close observed, so readers need
// no lock.

import (
	"errors"
	"runtime"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// ErrCellFull is returned by OnceCell.Set when the cell already holds a
// value.
var ErrCellFull = errors.New("tasksync: OnceCell already initialised")

// ErrCellBusy is returned by OnceCell.Set while an initialiser started by
// GetOrInit or GetOrTryInit is running.
var ErrCellBusy = errors.New("tasksync: OnceCell being initialised")

// OnceCell holds a value that is set at most once, by Set or by the first
// initialiser of GetOrInit to finish, as tokio's sync::OnceCell. Reading a
// set value costs one atomic load. The zero OnceCell is empty and ready to
// use.
type OnceCell[T any] struct {
	done atomic.Bool
	val  T
	sem  waitq.Sem
}

// Get returns the value and true once the cell is set, or the zero value
// and false.
func (c *OnceCell[T]) Get() (T, bool) {
	if c.done.Load() {
		return c.val, true
	}
	var zero T
	return zero, false
}

// Initialized reports whether the cell holds a value.
func (c *OnceCell[T]) Initialized() bool { return c.done.Load() }

// Set stores v if the cell is empty and no initialiser is running. It
// returns ErrCellFull if the cell holds a value already, ErrCellBusy while
// an initialiser runs (its result may still fail, so the cell may end up
// empty; retry or use GetOrInit).
func (c *OnceCell[T]) Set(v T) error {
	c.sem.InitIfZero(1)
	ok, err := c.sem.TryAcquire(1)
	switch {
	case err != nil:
		return ErrCellFull
	case !ok:
		return ErrCellBusy
	}
	c.fill(v)
	return nil
}

// fill sets the value; the caller holds the permit, which Close retires.
func (c *OnceCell[T]) fill(v T) {
	c.val = v
	c.done.Store(true)
	c.sem.Close()
}

// GetOrInit returns a future that is Ready with the cell's value. If the
// cell is empty and nobody is initialising it, the future becomes the
// initialiser: it calls init and polls the future init returns, and that
// future's value is stored and returned. Other GetOrInit futures wait, in
// FIFO order, for that value. init runs at most once per initialiser, so
// at most once in all unless an initialiser is given up (see below).
//
// Cancel safety: cancelling a waiting future (its Cancel, or dropping it)
// only takes it off the queue. Cancelling the initialiser cancels init's
// future (if it is a future.Canceler) and passes the right to initialise
// to the oldest waiter, which calls its own init, as tokio does; the same
// happens if init or its future panics, and, through the garbage
// collector, when an initialiser is dropped without Cancel (until then
// the waiters wait). A value already stored is never lost.
func (c *OnceCell[T]) GetOrInit(init func() future.Future[T]) *OnceCellFuture[T] {
	if init == nil {
		misuse("*tasksync.OnceCell", future.ErrNilFuture)
	}
	f := &OnceCellFuture[T]{}
	f.w.init(c, func() future.Future[future.Result[T]] {
		g := init()
		if g == nil {
			return nil
		}
		return future.Map(g, future.Ok[T])
	})
	return f
}

// GetOrTryInit is GetOrInit for an initialiser that can fail: an error
// leaves the cell empty, is returned to this caller alone, and passes the
// right to initialise to the oldest waiter. Its cancel safety is
// GetOrInit's.
func (c *OnceCell[T]) GetOrTryInit(init func() future.Future[future.Result[T]]) *OnceCellTryFuture[T] {
	if init == nil {
		misuse("*tasksync.OnceCell", future.ErrNilFuture)
	}
	f := &OnceCellTryFuture[T]{}
	f.w.init(c, init)
	return f
}

// OnceCellFuture is the future returned by OnceCell.GetOrInit.
type OnceCellFuture[T any] struct{ w cellWait[T] }

// Poll implements future.Future.
func (f *OnceCellFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	r, ok := pollCell(f, &f.w, cx)
	if !ok {
		return future.Pending[T]()
	}
	return future.Ready(r.Value) // GetOrInit's init cannot fail
}

// Cancel gives up the wait or the initialisation (see GetOrInit). Cancel
// after Ready does nothing.
func (f *OnceCellFuture[T]) Cancel() { f.w.cancel() }

// OnceCellTryFuture is the future returned by OnceCell.GetOrTryInit.
type OnceCellTryFuture[T any] struct{ w cellWait[T] }

// Poll implements future.Future.
func (f *OnceCellTryFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	r, ok := pollCell(f, &f.w, cx)
	if !ok {
		return future.Pending[future.Result[T]]()
	}
	return future.Ready(r)
}

// Cancel gives up the wait or the initialisation (see GetOrInit). Cancel
// after Ready does nothing.
func (f *OnceCellTryFuture[T]) Cancel() { f.w.cancel() }

// stPanicked marks a cell wait whose initialiser panicked: polling it
// again is misuse, reported as future.ErrPolledAfterPanic.
const stPanicked = waitCancelled + 1

// cellWait is the state both cell futures share.
type cellWait[T any] struct {
	c   *OnceCell[T]
	mk  func() future.Future[future.Result[T]]
	acq waitq.Acquire
	run *cellRun[T] // set while this wait initialises
	st  waitState
}

// cellRun is what an initialiser needs on top of a waiter, allocated
// apart so that the many futures that only wait stay small.
type cellRun[T any] struct {
	f  future.Future[future.Result[T]]
	cl runtime.Cleanup // releases the permit if the owner is dropped
}

func (w *cellWait[T]) init(c *OnceCell[T], mk func() future.Future[future.Result[T]]) {
	c.sem.InitIfZero(1)
	w.c, w.mk = c, mk
}

// pollCell advances w, the wait embedded in owner (whose collection gives
// up the wait, and whose type misuse panics name).
func pollCell[F, T any](owner *F, w *cellWait[T], cx *future.Context) (future.Result[T], bool) {
	if w.st != waitPending {
		if w.st == stPanicked {
			misuse(typeName(owner), future.ErrPolledAfterPanic)
		}
		w.st.enter(owner)
	}
	c := w.c
	if w.run == nil {
		if c.done.Load() {
			w.acq.Cancel(&c.sem, 1) // leaves the queue if an earlier poll joined it
			return w.finish(future.Ok(c.val))
		}
		if !future.Coop(cx) {
			return future.Result[T]{}, false
		}
		ok, err := waitq.PollAcquire(owner, &w.acq, &c.sem, 1, cx)
		if err == waitq.ErrSemClosed {
			return w.finish(future.Ok(c.val)) // closed only once full
		}
		if err != nil {
			w.st = waitDone
			acqErr(typeName(owner), err) // panics: never closed here
		}
		if !ok {
			return future.Result[T]{}, false
		}
		startInit(owner, w)
	}
	return w.step(cx)
}

// startInit makes w the initialiser: it holds the permit from here on
// until the value is stored or the permit released.
func startInit[F, T any](owner *F, w *cellWait[T]) {
	w.run = &cellRun[T]{cl: runtime.AddCleanup(owner, releaseInit, &w.c.sem)}
	finished := false
	defer func() {
		if !finished {
			w.giveUp(nil, stPanicked)
		}
	}()
	run := w.mk()
	if run == nil {
		w.giveUp(nil, waitDone)
		finished = true
		misuse(typeName(owner), future.ErrNilFuture)
	}
	w.run.f = run
	finished = true
}

func releaseInit(s *waitq.Sem) { s.Release(nil, 1) }

// step polls the initialiser's future.
func (w *cellWait[T]) step(cx *future.Context) (future.Result[T], bool) {
	finished := false
	defer func() {
		if !finished {
			w.giveUp(cx, stPanicked)
		}
	}()
	r, ok := w.run.f.Poll(cx).Value()
	finished = true
	if !ok {
		return r, false
	}
	w.run.cl.Stop()
	w.run = nil
	if r.Err != nil {
		w.c.sem.Release(cx, 1)
	} else {
		w.c.fill(r.Value)
	}
	return w.finish(r)
}

// giveUp ends an initialisation that will not finish: the permit goes to
// the oldest waiter.
func (w *cellWait[T]) giveUp(cx *future.Context, st waitState) {
	w.st = st
	if w.run != nil {
		w.run.cl.Stop()
		if w.run.f != nil {
			future.Cancel(w.run.f)
		}
		w.run = nil
	}
	w.c.sem.Release(cx, 1)
}

func (w *cellWait[T]) finish(r future.Result[T]) (future.Result[T], bool) {
	w.st = waitDone
	return r, true
}

func (w *cellWait[T]) cancel() {
	if w.st != waitPending {
		return
	}
	if w.run != nil {
		w.giveUp(nil, waitCancelled)
		return
	}
	w.st = waitCancelled
	w.acq.Cancel(&w.c.sem, 1)
}
