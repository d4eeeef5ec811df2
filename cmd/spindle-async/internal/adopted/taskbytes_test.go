package adopted

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

func abortAll[T any](hs []*pool.JoinHandle[T]) {
	for _, h := range hs {
		h.Abort()
	}
}

// TestWaitingCompiledTaskCosts: a compiled body spawned on a pool that
// waits on a Mutex, a Notify or a Semaphore is three allocations, the task,
// the compiled state and the wait future, which the state adopts from the
// pool: the wait is its own queue node and registers no cleanup. The
// same body polled by an owner that does not adopt it keeps the backstop:
// more allocations and more bytes. A change that adds an allocation, or
// moves an object up a size class, fails.
func TestWaitingCompiledTaskCosts(t *testing.T) {
	const n = 20_000
	p := testpool.New(t)
	var nt tasksync.Notify
	m := tasksync.NewMutex()
	s := tasksync.NewSemaphore(0)
	type cost struct {
		name       string
		bytes, max int64
		allocs     float64
	}
	var costs []cost
	g, _ := m.TryLock()
	b, a := testpool.TaskCost(t, p, n, func() future.Future[int] { return Lock(m) }, m.Waiters, abortAll)
	costs = append(costs, cost{"Mutex", b, 64 + 32 + 64, a})
	g.Unlock()
	b, a = testpool.TaskCost(t, p, n, func() future.Future[int] { return Notified(&nt) }, nt.Waiters,
		func([]*pool.JoinHandle[int]) { nt.NotifyWaiters() })
	costs = append(costs, cost{"Notify", b, 64 + 32 + 64, a})
	b, a = testpool.TaskCost(t, p, n, func() future.Future[future.Result[int]] { return Acquire(s) }, s.Waiters, abortAll)
	costs = append(costs, cost{"Semaphore", b, 80 + 32 + 64, a})
	for _, c := range costs {
		t.Logf("%-9s %3d bytes, %.2f allocations per waiting compiled task", c.name, c.bytes, c.allocs)
		assert.LessOrEqual(t, c.bytes, c.max, c.name)
		assert.Less(t, c.allocs, 3.1, "%s: the task, the state and the wait future, nothing else", c.name)
	}
	assert.Zero(t, m.Waiters())
	assert.Zero(t, s.Waiters())
	_, ok := m.TryLock()
	assert.True(t, ok, "the aborted waits gave the lock back")
}

// An unadopted compiled future waiting on a Mutex costs more than an
// adopted one: its lock wait has the separate node and the cleanup record
// of the backstop.
func TestUnadoptedCompiledWaitCostsMore(t *testing.T) {
	const n = 20_000
	m := tasksync.NewMutex()
	g, ok := m.TryLock()
	require.True(t, ok)
	cx := future.NewContext(future.NoopWaker)
	measure := func(adopt bool) (bytes int64, allocs float64) {
		fs := make([]future.Future[int], n)
		var before, after runtime.MemStats
		base := futuretest.HeapAfterGC()
		runtime.ReadMemStats(&before)
		for i := range fs {
			fs[i] = Lock(m)
			if adopt {
				future.Adopt(fs[i])
			}
			fs[i].Poll(cx)
		}
		heap := futuretest.HeapAfterGC()
		runtime.ReadMemStats(&after)
		for _, f := range fs {
			future.Cancel(f)
		}
		runtime.KeepAlive(fs)
		return (int64(heap) - int64(base)) / n, float64(after.Mallocs-before.Mallocs) / n
	}
	ub, ua := measure(false)
	ab, aa := measure(true)
	t.Logf("unadopted %d bytes, %.2f allocations; adopted %d bytes, %.2f allocations", ub, ua, ab, aa)
	assert.Less(t, aa, 2.1, "adopted: the state and the lock future")
	assert.Greater(t, ua, aa+0.9, "unadopted: the backstop's node and cleanup besides")
	assert.LessOrEqual(t, ab, int64(32+64+16), "adopted: the state, the lock future and fs's slot")
	assert.Greater(t, ub, ab)
	assert.Zero(t, m.Waiters())
	g.Unlock()
}
