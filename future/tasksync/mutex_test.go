package tasksync_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestMutexUncontended(t *testing.T) {
	m := tasksync.NewMutex()
	g := future.BlockOn[*tasksync.MutexGuard](m.Lock())
	_, ok := m.TryLock()
	assert.False(t, ok, "held")
	g.Unlock()
	g2, ok := m.TryLock()
	require.True(t, ok)
	g2.Unlock()
}

func TestMutexWaitersServedInFIFOOrder(t *testing.T) {
	m := tasksync.NewMutex()
	first, _ := m.TryLock()
	var ws [4]futuretest.CountWaker
	fs := make([]*tasksync.LockFuture, 4)
	for i := range fs {
		fs[i] = m.Lock()
		_, ok := poll(fs[i], ws[i].Context())
		require.False(t, ok)
	}
	held := first
	for i := range fs {
		// A newcomer never overtakes the queue.
		_, ok := m.TryLock()
		assert.False(t, ok)
		held.Unlock()
		assert.Equal(t, 1, ws[i].Count(), "unlock wakes exactly the oldest waiter %d", i)
		for j := i + 1; j < len(fs); j++ {
			assert.Zero(t, ws[j].Count(), "waiter %d woken out of turn", j)
		}
		g, ok := poll(fs[i], ws[i].Context())
		require.True(t, ok, "the lock was handed to waiter %d", i)
		held = g
	}
	held.Unlock()
	g, ok := m.TryLock()
	require.True(t, ok)
	g.Unlock()
}

func TestMutexRepollReplacesWaker(t *testing.T) {
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	f := m.Lock()
	var old, cur futuretest.CountWaker
	_, ok := poll(f, old.Context())
	require.False(t, ok)
	_, ok = poll(f, cur.Context())
	require.False(t, ok)
	g.Unlock()
	assert.Zero(t, old.Count(), "only the waker of the latest poll counts")
	assert.Equal(t, 1, cur.Count())
	g, ok = poll(f, cur.Context())
	require.True(t, ok)
	g.Unlock()
}

func TestMutexCancelPassesHandedLockOn(t *testing.T) {
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	a, b := m.Lock(), m.Lock()
	var wa, wb futuretest.CountWaker
	_, _ = poll(a, wa.Context())
	_, _ = poll(b, wb.Context())
	g.Unlock() // hands the lock to a
	require.Equal(t, 1, wa.Count())
	a.Cancel() // a gives up before seeing it: b must get it
	assert.Equal(t, 1, wb.Count())
	gb, ok := poll(b, wb.Context())
	require.True(t, ok)
	gb.Unlock()
	_, ok = m.TryLock()
	assert.True(t, ok, "nothing leaked: the lock is free")
}

func TestMutexCancelQueuedLeavesQueue(t *testing.T) {
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	a := m.Lock()
	var w futuretest.CountWaker
	_, _ = poll(a, w.Context())
	a.Cancel()
	a.Cancel() // idempotent
	g.Unlock()
	assert.Zero(t, w.Count(), "a cancelled waiter is not woken")
	g, ok := m.TryLock()
	require.True(t, ok, "the fast path is open again: the queue is empty")
	g.Unlock()
}

func TestMutexMisuse(t *testing.T) {
	m := tasksync.NewMutex()
	g, _ := m.TryLock()
	g.Unlock()
	futuretest.RequireMisuse(t, tasksync.ErrReleased, g.Unlock)

	f := m.Lock()
	g = future.BlockOn[*tasksync.MutexGuard](f)
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { f.Poll(future.NewContext(nil)) })
	g.Unlock()

	f = m.Lock()
	f.Cancel()
	futuretest.RequireMisuse(t, tasksync.ErrPolledAfterCancel, func() { f.Poll(future.NewContext(nil)) })

	var zero tasksync.Mutex
	futuretest.RequireMisuse(t, tasksync.ErrUninitialized, func() { zero.Lock().Poll(future.NewContext(nil)) })
}

// TestMutexStress has goroutines increment a plain counter under the lock,
// each holding it across a yield (a Pending poll with an immediate wake):
// the race detector and the final count prove mutual exclusion.
func TestMutexStress(t *testing.T) {
	m := tasksync.NewMutex()
	const workers = 8
	iters := 2000 / scale
	counter, inside := 0, 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range iters {
				g := future.BlockOn[*tasksync.MutexGuard](m.Lock())
				inside++
				assert.Equal(t, 1, inside)
				future.BlockOn(future.YieldNow())
				counter++
				inside--
				g.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, workers*iters, counter)
}
