package tasksync_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

// taskCost spawns n tasks made by spawn on p, waits until waiters reports
// them all queued, and returns the live heap and the allocations per task
// at that moment; release then ends every wait.
func taskCost[T any](t *testing.T, p *pool.Pool, n int, spawn func() future.Future[T], waiters func() int, release func([]*pool.JoinHandle[T])) (bytes int64, allocs float64) {
	hs := make([]*pool.JoinHandle[T], n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range hs {
		hs[i] = pool.Spawn(p, spawn())
	}
	futuretest.Eventually(t, func() bool { return waiters() == n }, "tasks never all waited")
	heap := futuretest.HeapAfterGC()
	runtime.ReadMemStats(&after)
	release(hs)
	for _, h := range hs {
		_, _ = h.Wait(t.Context())
	}
	return (int64(heap) - int64(before.HeapAlloc)) / int64(n), float64(after.Mallocs-before.Mallocs) / float64(n)
}

// TestWaitingTaskCosts: a task spawned on a pool that waits on a Notify,
// a Mutex or a Semaphore is two allocations, the task and its future (the
// pool adopts the future, which then is its own queue node and registers
// no cleanup): 64 + 64 bytes for a Notify or a Mutex, 80 + 64 for a
// Semaphore (the task of a Result is larger). A change that adds an
// allocation, or a field that moves either object up a size class, fails.
func TestWaitingTaskCosts(t *testing.T) {
	const n = 20_000
	p := testpool.New(t)
	var nt tasksync.Notify
	m := tasksync.NewMutex()
	s := tasksync.NewSemaphore(0)
	abortAll := func(hs []*pool.JoinHandle[future.Result[*tasksync.Permit]]) {
		for _, h := range hs {
			h.Abort()
		}
	}
	type cost struct {
		name       string
		bytes, max int64
		allocs     float64
	}
	var costs []cost
	b, a := taskCost(t, p, n, func() future.Future[struct{}] { return nt.Notified() }, nt.Waiters,
		func([]*pool.JoinHandle[struct{}]) { nt.NotifyWaiters() })
	costs = append(costs, cost{"Notify", b, 128, a})
	g, _ := m.TryLock()
	b, a = taskCost(t, p, n, func() future.Future[*tasksync.MutexGuard] { return m.Lock() }, m.Waiters,
		func(hs []*pool.JoinHandle[*tasksync.MutexGuard]) {
			for _, h := range hs {
				h.Abort()
			}
		})
	costs = append(costs, cost{"Mutex", b, 128, a})
	g.Unlock()
	b, a = taskCost(t, p, n, func() future.Future[future.Result[*tasksync.Permit]] { return s.Acquire(1) }, s.Waiters, abortAll)
	costs = append(costs, cost{"Semaphore", b, 144, a})
	for _, c := range costs {
		t.Logf("%-9s %3d bytes, %.2f allocations per waiting task", c.name, c.bytes, c.allocs)
		assert.LessOrEqual(t, c.bytes, c.max, c.name)
		assert.Less(t, c.allocs, 2.1, "%s: the task and its future, nothing else", c.name)
	}
	assert.Zero(t, m.Waiters())
	assert.Zero(t, s.Waiters())
	_, ok := m.TryLock()
	assert.True(t, ok, "the aborted waits gave the lock back")
}
