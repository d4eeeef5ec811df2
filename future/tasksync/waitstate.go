package tasksync

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// waitState is the life of a wait future: polled until done, or cancelled.
// Polling a done or cancelled future is misuse.
type waitState uint8

const (
	waitPending waitState = iota
	waitDone
	waitCancelled
)

// enter panics with a *future.MisuseError unless f may be polled.
func (s waitState) enter(f any) {
	switch s {
	case waitDone:
		future.PanicPolledAfterReady(f)
	case waitCancelled:
		panic(&future.MisuseError{Future: typeName(f), Err: ErrPolledAfterCancel})
	}
}

// acqWait is what every future that waits for semaphore permits shares
// (LockFuture, RWLockFuture, AcquireFuture): the acquire, which is also
// the queue node of an adopted future, and the future's life, kept in the
// acquire's Life byte. The semaphore and the count are the guard's or the
// permit's, passed in, so that a LockFuture is 64 bytes, node included.
// Each future keeps only its guard and the thin exported methods, so the
// state machine in mutex.go is written once.
type acqWait struct {
	acq waitq.Acquire
}

func (w *acqWait) st() waitState   { return waitState(w.acq.Life()) }
func (w *acqWait) set(s waitState) { w.acq.SetLife(uint8(s)) }
func (w *acqWait) adopt()          { w.acq.Adopt() }

// pollAcq advances the wait for n permits of s embedded in owner, the
// future the user holds:
// its collection cancels the wait (unless adopted), and misuse panics name
// its type. It returns true once the permits are held, or ErrClosed once
// the semaphore is closed (never for a lock); either way the future is
// then done. It costs one call frame on the futures' hot path, and saves
// one: the misuse check is a field test instead of a call to enter on
// every Poll.
func pollAcq[F any](owner *F, w *acqWait, s *waitq.Sem, n int64, cx *future.Context) (bool, error) {
	if st := w.st(); st != waitPending {
		st.enter(owner)
	}
	if !future.Coop(cx) {
		return false, nil
	}
	ok, err := waitq.PollAcquire(owner, &w.acq, s, n, cx)
	if err != nil {
		w.set(waitDone)
		return false, acqErr(typeName(owner), err) // panics unless closed
	}
	if ok {
		w.set(waitDone)
	}
	return ok, nil
}

// cancel gives up a wait that has not finished; the permits handed to it so
// far go to the next waiter.
func (w *acqWait) cancel(s *waitq.Sem, n int64) {
	if w.st() == waitPending {
		w.set(waitCancelled)
		w.acq.Cancel(s, n)
	}
}

// reset starts another round of a finished wait, keeping its queue node.
// held says the guard of the last round is not released yet: then, or if
// the wait has not finished, it panics with a *future.MisuseError wrapping
// ErrResetBusy that names owner.
func (w *acqWait) reset(owner any, held bool) {
	if w.st() != waitDone || held {
		misuse(typeName(owner), ErrResetBusy)
	}
	w.set(waitPending)
	w.acq.Reset()
}

// flagWait is what the futures that wait on a Notify for a condition that,
// once true, stays true share (WaitGroupFuture: the count at zero;
// CancelledFuture: the token cancelled). The Notified is copied before the
// first look at the condition, so a wake that comes between the look and
// the wait is not lost.
type flagWait struct {
	n  Notified
	st waitState
}

// poll is the Poll of the future f whose condition reads set now.
func (w *flagWait) poll(cx *future.Context, f any, set bool) future.Poll[struct{}] {
	if w.st != waitPending {
		w.st.enter(f)
	}
	if set {
		if !future.Coop(cx) {
			return future.Pending[struct{}]()
		}
		w.n.Cancel() // leaves the queue if an earlier poll joined it
		w.st = waitDone
		return future.Ready(struct{}{})
	}
	if w.n.Poll(cx).IsPending() {
		return future.Pending[struct{}]()
	}
	w.st = waitDone
	return future.Ready(struct{}{})
}

// cancel gives up the wait; after Ready it does nothing.
func (w *flagWait) cancel() {
	if w.st == waitPending {
		w.st = waitCancelled
		w.n.Cancel()
	}
}
