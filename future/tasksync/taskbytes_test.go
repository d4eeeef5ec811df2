package tasksync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

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
	b, a := testpool.TaskCost(t, p, n, func() future.Future[struct{}] { return nt.Notified() }, nt.Waiters,
		func([]*pool.JoinHandle[struct{}]) { nt.NotifyWaiters() })
	costs = append(costs, cost{"Notify", b, 128, a})
	g, _ := m.TryLock()
	b, a = testpool.TaskCost(t, p, n, func() future.Future[*tasksync.MutexGuard] { return m.Lock() }, m.Waiters,
		func(hs []*pool.JoinHandle[*tasksync.MutexGuard]) {
			for _, h := range hs {
				h.Abort()
			}
		})
	costs = append(costs, cost{"Mutex", b, 128, a})
	g.Unlock()
	b, a = testpool.TaskCost(t, p, n, func() future.Future[future.Result[*tasksync.Permit]] { return s.Acquire(1) }, s.Waiters, abortAll)
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
