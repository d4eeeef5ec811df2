// Package testpool starts the task pool that the pool-backed tests of the
// future tree share. It is apart from package futuretest so that the tests
// of package future itself, which run no pool, do not build against pool.
package testpool

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool"
)

// New starts a pool of two workers (so that tasks move between workers on
// any machine), with opts applied after that default, and shuts it down
// when the test ends, failing the test if Shutdown does.
func New(t testing.TB, opts ...pool.Option) *pool.Pool {
	t.Helper()
	p, err := pool.New(append([]pool.Option{pool.WithWorkers(2)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.Background())) })
	return p
}

// TaskCost spawns n tasks made by spawn on p, waits until waiters reports
// them all queued, and returns the live heap and the allocations per task
// at that moment; release then ends every wait, and TaskCost waits for
// every task before it returns.
func TaskCost[T any](t *testing.T, p *pool.Pool, n int, spawn func() future.Future[T], waiters func() int, release func([]*pool.JoinHandle[T])) (bytes int64, allocs float64) {
	t.Helper()
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
