package tasksync

// Barrier state (under mu): waiters holds the tasks that arrived in the
// current generation, so its length is the arrival count. The arrival that
// makes it n is the leader: it releases the whole list as one generation
// (waitq.ReleaseAllLocked) and the next arrival starts a new one.
//
// Wait future (its queue node is part of it):
//
//	fresh --Poll: the n-th arrival--> Ready(true), the leader --> done
//	fresh --Poll: fewer arrived--> queued (Pending, waker replaced each poll)
//	queued --the leader arrives--> granted --Poll--> Ready(false) --> done
//	queued --Cancel--> removed: the arrival is withdrawn
//	granted --Cancel--> done (the generation was released regardless)
//	done / cancelled --Poll--> panic *future.MisuseError

import (
	"errors"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// ErrBarrierSize is the error of the *future.MisuseError raised by
// NewBarrier for a negative number of tasks.
var ErrBarrierSize = errors.New("barrier for a negative number of tasks")

// Barrier lets n tasks wait until all of them have reached a point, as
// tokio's sync::Barrier: the first n-1 calls to Wait wait, the n-th
// releases them all and is the leader. It is then ready for the next n.
//
// Use NewBarrier; the zero Barrier panics with a *future.MisuseError.
type Barrier struct {
	mu      sync.Mutex
	n       int
	waiters waitq.List[struct{}]
}

// NewBarrier returns a barrier for n tasks. As in tokio and Rust's
// std::sync::Barrier, a barrier for 0 tasks behaves as one for 1: every
// Wait is the leader at once. A negative n panics with a
// *future.MisuseError wrapping ErrBarrierSize.
func NewBarrier(n int) *Barrier {
	if n < 0 {
		misuse("*tasksync.Barrier", ErrBarrierSize)
	}
	return &Barrier{n: max(n, 1)}
}

// Wait returns a future that is Ready once n tasks have arrived (been
// polled) at the barrier in the current generation: with true for the
// task whose arrival completed the generation (the leader), false for the
// others. A task arrives at its future's first poll, not at the call.
//
// Cancel safety: cancelling a Wait that has not been released (its
// Cancel, or a combinator that gives it up, such as poll.Timeout)
// withdraws its arrival, as if Wait had never been polled; the other
// waiters keep waiting for a full n. In tokio a cancelled wait stays
// counted; withdrawing it is what lets a Timeout around Wait be retried.
// A Wait cancelled after its generation was released loses only its
// result. A Wait that is dropped without Cancel (its task aborted) still
// counts as arrived, as in tokio, and its small queue node is kept until
// its generation is released; there is no garbage-collector backstop
// here, so that whether a barrier trips never depends on when the
// collector runs.
func (b *Barrier) Wait() *BarrierFuture {
	if b.n == 0 {
		misuse("*tasksync.Barrier", ErrUninitialized)
	}
	return &BarrierFuture{b: b}
}

// Waiting returns how many tasks have arrived in the current generation
// and wait for the rest. It is meant for tests and metrics.
func (b *Barrier) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.waiters.Len()
}

// BarrierFuture is the future returned by Barrier.Wait.
type BarrierFuture struct {
	b    *Barrier
	node waitq.Node[struct{}]
	st   waitState
}

// Poll implements future.Future.
func (f *BarrierFuture) Poll(cx *future.Context) future.Poll[bool] {
	if f.st != waitPending {
		f.st.enter(f)
	}
	if !future.Coop(cx) {
		return future.Pending[bool]()
	}
	b := f.b
	b.mu.Lock()
	switch f.node.PollLocked(cx) {
	case waitq.Granted:
		b.mu.Unlock()
		f.st = waitDone
		return future.Ready(false)
	case waitq.Queued:
		b.mu.Unlock()
		return future.Pending[bool]()
	}
	if b.waiters.Len()+1 < b.n {
		b.waiters.PushBack(&f.node)
		f.node.Waker = cx.Waker()
		b.mu.Unlock()
		return future.Pending[bool]()
	}
	var wl waitq.WakeList
	f.node.State = waitq.Done
	waitq.ReleaseAllLocked(&b.mu, &b.waiters, &wl, cx)
	b.mu.Unlock()
	wl.WakeAll(cx)
	f.st = waitDone
	return future.Ready(true)
}

// Cancel gives up the wait; see Barrier.Wait for what happens to its
// arrival. Cancel after Ready does nothing.
func (f *BarrierFuture) Cancel() {
	if f.st != waitPending {
		return
	}
	f.st = waitCancelled
	b := f.b
	b.mu.Lock()
	if f.node.State == waitq.Queued {
		b.waiters.Remove(&f.node)
		f.node.Waker = nil
	}
	f.node.State = waitq.Done
	b.mu.Unlock()
}
