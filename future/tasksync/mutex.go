package tasksync

// Lock future state machine:
//
//	waiting --Poll: lock free, or handed over by Unlock--> Ready(guard) --> done
//	waiting --Poll: held--> Pending (queued FIFO, waker replaced each poll)
//	waiting --Cancel--> cancelled (leaves the queue; a lock already handed
//	        to it is passed on to the next waiter)
//	done --Reset (guard unlocked)--> waiting again, same future and node
//	done / cancelled --Poll--> panic *future.MisuseError

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// Mutex is a mutual-exclusion lock for tasks. Lock returns a future that a
// task awaits without blocking its worker; the lock may be held across
// Pending polls (a guard is not tied to a goroutine). Waiters get the lock
// in FIFO order, handed over by Unlock, so none is starved.
//
// Use NewMutex; the zero Mutex panics with a *future.MisuseError.
type Mutex struct {
	sem waitq.Sem
}

// NewMutex returns an unlocked Mutex.
func NewMutex() *Mutex {
	m := &Mutex{}
	m.sem.Init(1)
	return m
}

// Lock returns a future that is Ready with a guard once the task holds the
// lock. Release it with the guard's Unlock.
func (m *Mutex) Lock() *LockFuture {
	return &LockFuture{guard: MutexGuard{m: m}}
}

// TryLock takes the lock if it is free and nobody is waiting for it.
func (m *Mutex) TryLock() (*MutexGuard, bool) {
	if ok, _ := m.sem.TryAcquire(1); ok {
		return &MutexGuard{m: m, held: true}, true
	}
	return nil, false
}

// LockFuture is the future returned by Mutex.Lock.
//
// Cancel safety: cancelling it while it waits (its Cancel, or dropping it,
// see the package doc) gives up its place in the FIFO queue and nothing
// else: if the lock was handed to it but not yet returned by a poll, Cancel
// gives it back to the next waiter. A new Lock waits at the back of the
// queue.
type LockFuture struct {
	w     acqWait
	guard MutexGuard
}

// Poll implements future.Future.
func (f *LockFuture) Poll(cx *future.Context) future.Poll[*MutexGuard] {
	if ok, _ := pollAcq(f, &f.w, &f.guard.m.sem, 1, cx); !ok { // a lock is never closed
		return future.Pending[*MutexGuard]()
	}
	f.guard.held = true
	return future.Ready(&f.guard)
}

// Cancel gives up the wait. If Unlock already handed the lock to this
// future and it has not been polled since, the lock goes to the next
// waiter. Cancel after Ready does nothing: the guard must be unlocked.
func (f *LockFuture) Cancel() { f.w.cancel(&f.guard.m.sem, 1) }

// Adopt implements future.Adopter: the owner cancels the future whenever
// it drops it before Ready, so its wait registers no cleanup and the
// future is its own queue node.
func (f *LockFuture) Adopt() { f.w.adopt() }

// Reset makes a finished Lock future, whose guard was unlocked, wait for the
// lock again and returns it. A task that locks in a loop can keep one
// future: after its first wait it allocates nothing more and keeps its
// queue node and garbage-collector registration from round to round. The
// guard of every round is the same object; unlock it once per round.
// Reset of a future still waiting or still holding the lock panics with a
// *future.MisuseError wrapping ErrResetBusy.
func (f *LockFuture) Reset() *LockFuture {
	f.w.reset(f, f.guard.held)
	return f
}

// MutexGuard is proof that the lock is held. It may be passed between tasks
// and goroutines; exactly one Unlock or UnlockFrom releases it.
type MutexGuard struct {
	m    *Mutex
	held bool
}

// Unlock releases the lock, handing it to the oldest waiter if there is
// one. A second Unlock panics with a *future.MisuseError.
func (g *MutexGuard) Unlock() { g.UnlockFrom(nil) }

// UnlockFrom is Unlock from inside a Poll: the waiter it hands the lock to
// is woken through future.WakeFrom(cx, ...), so the pool keeps it on the
// current worker.
func (g *MutexGuard) UnlockFrom(cx *future.Context) {
	if !g.held {
		misuse("*tasksync.MutexGuard", ErrReleased)
	}
	g.held = false
	g.m.sem.Release(cx, 1)
}

// Waiters returns how many acquires are queued on m. It is meant for
// tests and metrics.
func (m *Mutex) Waiters() int { return m.sem.Waiters() }
