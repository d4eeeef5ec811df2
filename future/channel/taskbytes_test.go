package channel_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

// TestWaitingOneshotTaskCosts: a task spawned on a pool that awaits a
// oneshot receive costs its task (80 bytes: a Result), the shared state
// (48) and the sender (8), three allocations; the finalizer its first wait
// sets on the sender allocates no heap. A change that adds an allocation
// or moves an object up a size class fails.
func TestWaitingOneshotTaskCosts(t *testing.T) {
	const n = 20_000
	p := testpool.New(t)
	txs := make([]*channel.OneshotSender[int], n)
	hs := make([]*pool.JoinHandle[future.Result[int]], n)
	polled := func() uint64 {
		var sum uint64
		for _, w := range p.Stats().PerWorker {
			sum += w.Polled
		}
		return sum
	}
	base := polled()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range hs {
		tx, rx := channel.NewOneshot[int]()
		txs[i] = tx
		hs[i] = pool.Spawn(p, future.Future[future.Result[int]](rx))
	}
	futuretest.Eventually(t, func() bool { return polled()-base >= n && p.Stats().InjectDepth == 0 }, "tasks never all waited")
	heap := futuretest.HeapAfterGC()
	runtime.ReadMemStats(&after)
	bytes := (int64(heap) - int64(before.HeapAlloc)) / n
	allocs := float64(after.Mallocs-before.Mallocs) / n
	t.Logf("%d bytes, %.2f allocations per task waiting on a oneshot", bytes, allocs)
	assert.LessOrEqual(t, bytes, int64(144))
	assert.Less(t, allocs, 3.1, "the task, the state and the sender, nothing else")
	for i, tx := range txs {
		require.NoError(t, tx.Send(i))
	}
	for i, h := range hs {
		r, err := h.Wait(t.Context())
		require.NoError(t, err)
		v, err := r.Get()
		require.NoError(t, err)
		require.Equal(t, i, v)
	}
}
