// Package tasksync holds synchronisation primitives for tasks: Notify,
// Mutex, RWMutex, a weighted Semaphore, WaitGroup, Barrier, OnceCell and
// CancellationToken. Every acquire or wait is a Future, so a task that has
// to wait returns Pending and frees its worker instead of blocking it;
// they also work from plain goroutines through future.BlockOn.
//
// # Fairness
//
// Mutex, RWMutex and Semaphore share one fair semaphore (see
// future/internal/waitq): waiters are served strictly in the order they
// first went Pending, and a release hands its permits straight to the
// oldest waiter, so no waiter is starved by newcomers and a writer waiting
// on an RWMutex holds back readers that arrive after it.
//
// # Releasing
//
// Go has no destructors, so everything acquired is released explicitly:
// MutexGuard.Unlock, RWMutex guards' Unlock, Permit.Release. Releasing
// twice panics with a *future.MisuseError.
//
// # Cancellation and memory
//
// A wait future that will never be polled again should be cancelled with
// its Cancel method: it leaves the queue at once and gives back whatever
// it was already handed (permits, the lock, a NotifyOne). A wait future
// that is simply dropped (its task aborted, or it lost a race) is cancelled
// the same way when the garbage collector finds it unreachable, through
// runtime.AddCleanup: abandoned waits never accumulate. Until then a lock
// or permits handed to it are held, so code that abandons waits on a
// contended lock should call Cancel. Barrier is the exception: a
// dropped Barrier wait still counts as arrived (see Barrier.Wait). Each
// wait's doc says what cancelling it does ("Cancel safety").
//
// That backstop costs a wait a separate node and a runtime record. An
// owner that always cancels what it drops says so with future.Adopt, and
// the Lock, RLock, Acquire, Notified, WaitGroup and Cancelled futures it
// adopts leave the backstop out and queue themselves (a Lock or an
// Acquire is then its own queue node, one 64-byte object): a pool task
// adopts its future (a task waiting on a Notify or a Mutex is then 128
// bytes, on a Semaphore 144), and Map and Then pass an adoption on. An
// adopted wait dropped without Cancel stays queued, and keeps what it is
// handed.
//
// # Hot loops
//
// Lock, RLock and Acquire allocate their future. A task that waits in a
// loop can keep one future in its state and call Reset on it each round
// (after unlocking or releasing): it then allocates nothing and keeps its
// queue node and garbage-collector registration. TryLock and TryAcquire
// are the allocation-free fast paths when waiting is not wanted.
package tasksync
