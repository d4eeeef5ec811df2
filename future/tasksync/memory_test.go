package tasksync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// abandoned is how many waits the memory tests abandon.
var abandoned = 1_000_000 / scale

// waitDrained collects garbage until waiters() is zero: the cleanups of
// dropped futures run on their own goroutine after a GC.
func waitDrained(t *testing.T, waiters func() int) {
	t.Helper()
	futuretest.EventuallyCollected(t, func() bool { return waiters() == 0 }, "abandoned waiters left in the queue")
}

// checkAbandon polls abandoned futures made by mk once each (all Pending)
// and drops them, then checks that the queue empties and the heap is flat.
func checkAbandon[T any](t *testing.T, mk func() future.Future[T], waiters func() int) {
	checkAbandonN(t, abandoned, mk, waiters)
}

// checkAbandonN is checkAbandon with n futures, for the futures that
// wrap a wait checkAbandon already covers at full size.
func checkAbandonN[T any](t *testing.T, n int, mk func() future.Future[T], waiters func() int) {
	cx := future.NewContext(nil)
	before := futuretest.HeapAfterGC()
	for range n {
		f := mk()
		_, ok := f.Poll(cx).Value()
		require.False(t, ok)
	}
	waitDrained(t, waiters)
	after := futuretest.HeapAfterGC()
	growth := int64(after) - int64(before)
	t.Logf("%d abandoned waits: heap %d -> %d bytes (%+d)", n, before, after, growth)
	assert.Less(t, growth, int64(4<<20), "abandoned waits must not stay in memory")
}

func TestAbandonedMutexWaitsLeaveNothing(t *testing.T) {
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	checkAbandon(t, func() future.Future[*tasksync.MutexGuard] { return m.Lock() }, m.Waiters)
	g.Unlock()
	g, ok := m.TryLock()
	require.True(t, ok, "the lock is usable and free afterwards")
	g.Unlock()
}

func TestAbandonedSemaphoreWaitsReturnPermits(t *testing.T) {
	s := tasksync.NewSemaphore(1)
	// Each waiter absorbs the free permit before queueing; the cleanup of
	// the dropped future must hand it back.
	checkAbandon(t, func() future.Future[future.Result[*tasksync.Permit]] { return s.Acquire(2) }, s.Waiters)
	assert.Equal(t, 1, s.Available(), "permits absorbed by abandoned waiters came back")
}

func TestAbandonedNotifiedLeaveNothing(t *testing.T) {
	var n tasksync.Notify
	checkAbandon(t, func() future.Future[struct{}] { return n.Notified() }, n.Waiters)
	n.NotifyOne()
	var w futuretest.CountWaker
	_, ok := poll(n.Notified(), w.Context())
	assert.True(t, ok, "the permit was stored: no dead waiter swallowed it")
}

// A lock handed to a waiter that is then dropped comes back once the
// collector finds the waiter: the backstop for code that forgets Cancel.
func TestDroppedWaiterHandedLockIsRecovered(t *testing.T) {
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	func() {
		f := m.Lock()
		_, ok := f.Poll(future.NewContext(nil)).Value()
		require.False(t, ok)
	}()
	g.Unlock() // handed to the dropped future
	_, ok := m.TryLock()
	require.False(t, ok)
	eventuallyLock(t, m)
}
