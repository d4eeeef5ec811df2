package tasksync

// WaitGroup state:
//
//	count (atomic). An Add or Done that brings it to zero calls
//	NotifyWaiters on zero, which releases every Wait future created
//	before that call, polled yet or not.
//
// Wait future (a Notified of zero, made when Wait is called, so that its
// generation predates the first look at the count):
//
//	waiting --Poll: count is zero--> Ready --> done
//	waiting --Poll: count > 0--> Pending (queued on zero)
//	waiting --count reaches zero--> woken --Poll--> Ready --> done
//	waiting --Cancel / collected--> removed from zero's queue
//	done / cancelled --Poll--> panic *future.MisuseError

import (
	"errors"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// ErrNegativeCount is the error of the *future.MisuseError raised when a
// WaitGroup's count goes below zero (more Done than Add).
var ErrNegativeCount = errors.New("WaitGroup count below zero")

// WaitGroup waits for a collection of tasks or goroutines to finish, as
// sync.WaitGroup does, but its Wait is a future: a task that waits frees
// its worker. Add and Done may be called from anywhere, inside a poll or
// not; any number of Wait futures may wait at once. The zero WaitGroup is
// ready to use.
//
// Unlike sync.WaitGroup it may be reused at once: a Wait completes when
// the count is zero at its poll, or when the count reaches zero after
// Wait was called, even if an Add raises it again before the Wait is
// polled. A Wait called while an Add races with the Done that reaches
// zero may complete for that zero.
type WaitGroup struct {
	count atomic.Int64
	zero  Notify
}

// Add adds delta, which may be negative, to the count. A count that
// reaches zero releases every waiting Wait; one that goes below zero
// panics with a *future.MisuseError wrapping ErrNegativeCount.
func (wg *WaitGroup) Add(delta int) { wg.AddFrom(nil, delta) }

// AddFrom is Add from inside a Poll: the waiters it releases are woken
// through future.WakeFrom(cx, ...), so the pool keeps them on the current
// worker.
func (wg *WaitGroup) AddFrom(cx *future.Context, delta int) {
	n := wg.count.Add(int64(delta))
	switch {
	case n < 0:
		misuse("*tasksync.WaitGroup", ErrNegativeCount)
	case n == 0 && delta != 0:
		wg.zero.NotifyWaitersFrom(cx)
	}
}

// Done decrements the count by one.
func (wg *WaitGroup) Done() { wg.AddFrom(nil, -1) }

// DoneFrom is Done from inside a Poll (see AddFrom).
func (wg *WaitGroup) DoneFrom(cx *future.Context) { wg.AddFrom(cx, -1) }

// Count returns the count now. It is meant for tests and metrics.
func (wg *WaitGroup) Count() int { return int(wg.count.Load()) }

// Wait returns a future that is Ready once the count is zero.
//
// Cancel safety: cancelling the future (its Cancel, or dropping it) only
// takes it off the queue; the count is not touched, and no other waiter
// is affected. A new Wait may be created later without missing anything:
// it completes at once if the count is zero by then.
func (wg *WaitGroup) Wait() *WaitGroupFuture {
	return &WaitGroupFuture{wg: wg, w: flagWait{n: *wg.zero.Notified()}} // a copy before any poll: no node yet
}

// WaitGroupFuture is the future returned by WaitGroup.Wait.
type WaitGroupFuture struct {
	wg *WaitGroup
	w  flagWait
}

// Poll implements future.Future.
func (f *WaitGroupFuture) Poll(cx *future.Context) future.Poll[struct{}] {
	return f.w.poll(cx, f, f.wg.count.Load() == 0)
}

// Cancel gives up the wait. Cancel after Ready does nothing.
func (f *WaitGroupFuture) Cancel() { f.w.cancel() }

// Adopt implements future.Adopter: the owner cancels the future whenever
// it drops it, and Cancel cancels the Notified inside, which is adopted.
func (f *WaitGroupFuture) Adopt() { f.w.n.Adopt() }
