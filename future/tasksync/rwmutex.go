package tasksync

// RWMutex is a fair semaphore of MaxReaders permits: a reader takes one, a
// writer takes all of them. Because the semaphore is FIFO, a writer that is
// waiting holds back every reader that arrives after it (no writer
// starvation), and the readers queued behind a writer get in together once
// it unlocks (no reader starvation). The futures' state machines are the
// Lock future's (see mutex.go).

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// MaxReaders is how many read locks an RWMutex grants at once.
const MaxReaders = 1 << 30

// RWMutex is a reader/writer lock for tasks: any number of readers or one
// writer. Use NewRWMutex; the zero RWMutex panics with a *future.MisuseError.
type RWMutex struct {
	sem waitq.Sem
}

// NewRWMutex returns an unlocked RWMutex.
func NewRWMutex() *RWMutex {
	m := &RWMutex{}
	m.sem.Init(MaxReaders)
	return m
}

// RLock returns a future that is Ready with a read guard once the task
// holds a read lock.
func (m *RWMutex) RLock() *RWLockFuture {
	return &RWLockFuture{guard: RWGuard{m: m, n: 1}}
}

// Lock returns a future that is Ready with a write guard once the task
// holds the lock alone.
func (m *RWMutex) Lock() *RWLockFuture {
	return &RWLockFuture{guard: RWGuard{m: m, n: MaxReaders}}
}

// TryRLock takes a read lock if that needs no waiting.
func (m *RWMutex) TryRLock() (*RWGuard, bool) { return m.try(1) }

// TryLock takes the write lock if that needs no waiting.
func (m *RWMutex) TryLock() (*RWGuard, bool) { return m.try(MaxReaders) }

func (m *RWMutex) try(n int64) (*RWGuard, bool) {
	if ok, _ := m.sem.TryAcquire(n); ok {
		return &RWGuard{m: m, n: n, held: true}, true
	}
	return nil, false
}

// RWLockFuture is the future returned by RWMutex.RLock and RWMutex.Lock.
//
// Cancel safety: cancelling it while it waits (its Cancel, or dropping it,
// see the package doc) gives up its place in the FIFO queue and nothing
// else: if the lock was handed to it but not yet returned by a poll, Cancel
// gives it back to the next waiter. A new lock future waits at the back of the
// queue.
type RWLockFuture struct {
	w     acqWait
	guard RWGuard
}

// Poll implements future.Future.
func (f *RWLockFuture) Poll(cx *future.Context) future.Poll[*RWGuard] {
	if ok, _ := pollAcq(f, &f.w, &f.guard.m.sem, f.guard.n, cx); !ok { // a lock is never closed
		return future.Pending[*RWGuard]()
	}
	f.guard.held = true
	return future.Ready(&f.guard)
}

// Cancel gives up the wait; a lock already handed to the future is passed
// on. Cancel after Ready does nothing.
func (f *RWLockFuture) Cancel() { f.w.cancel(&f.guard.m.sem, f.guard.n) }

// Adopt implements future.Adopter: the owner cancels the future whenever
// it drops it before Ready, so its wait registers no cleanup.
func (f *RWLockFuture) Adopt() { f.w.adopt() }

// Reset makes a finished lock future, whose guard was unlocked, wait again
// for the same kind of lock (see LockFuture.Reset).
func (f *RWLockFuture) Reset() *RWLockFuture {
	f.w.reset(f, f.guard.held)
	return f
}

// RWGuard is a held read or write lock of an RWMutex.
type RWGuard struct {
	m    *RWMutex
	n    int64
	held bool
}

// Writer reports whether the guard is the write lock.
func (g *RWGuard) Writer() bool { return g.n == MaxReaders }

// Unlock releases the lock. A second Unlock panics with a
// *future.MisuseError.
func (g *RWGuard) Unlock() { g.UnlockFrom(nil) }

// UnlockFrom is Unlock from inside a Poll (see MutexGuard.UnlockFrom).
func (g *RWGuard) UnlockFrom(cx *future.Context) {
	if !g.held {
		misuse("*tasksync.RWGuard", ErrReleased)
	}
	g.held = false
	g.m.sem.Release(cx, g.n)
}

// Waiters returns how many acquires are queued on m. It is meant for
// tests and metrics.
func (m *RWMutex) Waiters() int { return m.sem.Waiters() }
