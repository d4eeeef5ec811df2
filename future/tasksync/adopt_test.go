package tasksync_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// adopted returns mk with every future it makes adopted, as the pool
// adopts a task's future.
func adopted[T any](mk func() future.Future[T]) func() future.Future[T] {
	return func() future.Future[T] {
		f := mk()
		future.Adopt(f)
		return f
	}
}

// An adopted wait registers no cleanup and queues a node inside the
// future (a Lock or an Acquire is its own node): each is one 64-byte
// object, so that with a pool task (80 B for struct{} and for a pointer)
// a task waiting on a Notify or a Mutex stays within 144 bytes. Not
// adopted, each wait still pays for its separate node and cleanup record.
func TestAdoptedWaitsCostOnlyTheFutureAndNode(t *testing.T) {
	var n tasksync.Notify
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	s := tasksync.NewSemaphore(0)
	var wg tasksync.WaitGroup
	wg.Add(1)
	tok := tasksync.NewCancellationToken()
	cases := []struct {
		name          string
		adopted, free int64
		max           int64
	}{
		{"Notified", bytesPerWait(t, adopted(func() future.Future[struct{}] { return n.Notified() })),
			bytesPerWait(t, func() future.Future[struct{}] { return n.Notified() }), 64},
		{"Mutex.Lock", bytesPerWait(t, adopted(func() future.Future[*tasksync.MutexGuard] { return m.Lock() })),
			bytesPerWait(t, func() future.Future[*tasksync.MutexGuard] { return m.Lock() }), 64},
		{"Semaphore.Acquire", bytesPerWait(t, adopted(func() future.Future[future.Result[*tasksync.Permit]] { return s.Acquire(1) })),
			bytesPerWait(t, func() future.Future[future.Result[*tasksync.Permit]] { return s.Acquire(1) }), 64},
		{"WaitGroup.Wait", bytesPerWait(t, adopted(func() future.Future[struct{}] { return wg.Wait() })),
			bytesPerWait(t, func() future.Future[struct{}] { return wg.Wait() }), 96},
		{"Cancelled", bytesPerWait(t, adopted(func() future.Future[struct{}] { return tok.Cancelled() })),
			bytesPerWait(t, func() future.Future[struct{}] { return tok.Cancelled() }), 96},
	}
	for _, c := range cases {
		t.Logf("%-18s adopted %3d bytes, not adopted %3d bytes per waiting future", c.name, c.adopted, c.free)
		assert.LessOrEqual(t, c.adopted, c.max, c.name)
		assert.Less(t, c.adopted, c.free, "%s: adoption saves the cleanup", c.name)
	}
	g.Unlock()
	wg.Done()
}

// Adopted waits keep every promise of Cancel: a queued wait leaves the
// queue, a NotifyOne or a lock handed to it goes on to the next waiter.
func TestAdoptedWaitsCancel(t *testing.T) {
	cx := future.NewContext(nil)
	var n tasksync.Notify
	a, b := n.Notified(), n.Notified()
	a.Adopt()
	b.Adopt()
	_, okA := poll(a, cx)
	_, okB := poll(b, cx)
	require.False(t, okA || okB)
	n.NotifyOne() // to a
	a.Cancel()
	_, ok := poll(b, cx)
	assert.True(t, ok, "the NotifyOne handed to a cancelled adopted Notified went on")
	assert.Zero(t, n.Waiters())

	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	l1, l2 := m.Lock(), m.Lock()
	l1.Adopt()
	l2.Adopt()
	_, ok1 := poll(l1, cx)
	_, ok2 := poll(l2, cx)
	require.False(t, ok1 || ok2)
	g.Unlock() // to l1
	l1.Cancel()
	g2, ok := poll(l2, cx)
	require.True(t, ok, "the lock handed to a cancelled adopted Lock went on")
	g2.Unlock()

	s := tasksync.NewSemaphore(1)
	acq := s.Acquire(3)
	acq.Adopt()
	_, ok = poll(acq, cx)
	require.False(t, ok)
	acq.Cancel()
	assert.Equal(t, 1, s.Available(), "the permit an adopted acquire absorbed came back")
	assert.Zero(t, s.Waiters())
}

// Adoption is a promise, and this is what breaking it costs: an adopted
// wait dropped without Cancel is not found by the collector, so it keeps
// its place in the queue (and would keep what it is handed). Without
// adoption the same drop is undone by the collector.
func TestAdoptedWaitDroppedWithoutCancelStaysQueued(t *testing.T) {
	cx := future.NewContext(nil)
	var n tasksync.Notify
	func() {
		f := n.Notified()
		f.Adopt()
		_, ok := poll(f, cx)
		require.False(t, ok)
	}()
	func() {
		_, ok := poll(n.Notified(), cx)
		require.False(t, ok)
	}()
	futuretest.EventuallyCollected(t, func() bool { return n.Waiters() == 1 }, "the dropped wait that was not adopted was not collected")
	for range 3 {
		runtime.GC()
	}
	assert.Equal(t, 1, n.Waiters(), "the adopted wait is still queued: its owner broke the promise")
	n.NotifyWaiters()
}

// Adopt after the first wait is too late to change how the wait is kept:
// the backstop stays.
func TestAdoptAfterFirstPollKeepsTheBackstop(t *testing.T) {
	cx := future.NewContext(nil)
	var n tasksync.Notify
	func() {
		f := n.Notified()
		_, ok := poll(f, cx)
		require.False(t, ok)
		f.Adopt()
		_, ok = poll(f, cx)
		require.False(t, ok)
	}()
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	func() {
		f := m.Lock()
		_, ok := poll(f, cx)
		require.False(t, ok)
		f.Adopt()
	}()
	waitDrained(t, n.Waiters)
	waitDrained(t, m.Waiters)
	g.Unlock()
}

// An adopted Lock is its own queue node: Reset must clear the node's
// links but keep the adoption, round after round, so that each round waits
// in the queue again, is handed the lock in turn, and allocates nothing.
func TestAdoptedLockResetRequeuesItself(t *testing.T) {
	cx := future.NewContext(nil)
	m := tasksync.NewMutex()
	f := m.Lock()
	f.Adopt()
	rounds := func() {
		g, _ := m.TryLock()
		_, ok := poll(f, cx)
		require.False(t, ok, "the lock is held: the adopted future queues")
		require.Equal(t, 1, m.Waiters())
		g.Unlock() // hands it to f
		g2, ok := poll(f, cx)
		require.True(t, ok)
		require.Zero(t, m.Waiters())
		g2.Unlock()
		f.Reset()
	}
	rounds()
	assert.Zero(t, testing.AllocsPerRun(20, rounds), "an adopted Lock reset each round allocates nothing")
	g, ok := poll(f, cx)
	require.True(t, ok, "free lock, fast path after Reset")
	g.Unlock()
}
