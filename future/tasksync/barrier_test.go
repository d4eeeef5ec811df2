package tasksync_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

func TestBarrierReleasesAGenerationWithOneLeader(t *testing.T) {
	b := tasksync.NewBarrier(3)
	var wa, wb futuretest.CountWaker
	a, bb := b.Wait(), b.Wait()
	_, ok := poll(a, wa.Context())
	require.False(t, ok)
	_, ok = poll(bb, wb.Context())
	require.False(t, ok)
	assert.Equal(t, 2, b.Waiting())
	leader, ok := poll(b.Wait(), future.NewContext(nil))
	require.True(t, ok, "the third arrival completes the generation")
	assert.True(t, leader)
	assert.Equal(t, 1, wa.Count())
	assert.Equal(t, 1, wb.Count())
	assert.Zero(t, b.Waiting(), "the barrier is ready for the next generation")
	for _, f := range []*tasksync.BarrierFuture{a, bb} {
		l, ok := poll(f, future.NewContext(nil))
		require.True(t, ok)
		assert.False(t, l)
	}
	// The next generation needs three new arrivals.
	c := b.Wait()
	_, ok = poll(c, future.NewContext(nil))
	assert.False(t, ok)
	c.Cancel()
}

// Cancel withdraws an arrival that was not released yet: the barrier then
// needs another one. Cancel after the release changes nothing.
func TestBarrierCancelWithdrawsTheArrival(t *testing.T) {
	b := tasksync.NewBarrier(2)
	cx := future.NewContext(nil)
	a := b.Wait()
	_, ok := poll(a, cx)
	require.False(t, ok)
	a.Cancel()
	assert.Zero(t, b.Waiting())
	futuretest.RequireMisuse(t, tasksync.ErrPolledAfterCancel, func() { a.Poll(cx) })

	c := b.Wait()
	_, ok = poll(c, cx)
	require.False(t, ok, "the cancelled arrival does not count")
	leader, ok := poll(b.Wait(), cx)
	require.True(t, ok)
	assert.True(t, leader)
	c.Cancel() // released already: its generation stands
	assert.Zero(t, b.Waiting())
}

func TestBarrierOfZeroOrOne(t *testing.T) {
	for _, n := range []int{0, 1} {
		leader, ok := poll(tasksync.NewBarrier(n).Wait(), future.NewContext(nil))
		assert.True(t, ok)
		assert.True(t, leader)
	}
	futuretest.RequireMisuse(t, tasksync.ErrBarrierSize, func() { tasksync.NewBarrier(-1) })
	var zero tasksync.Barrier
	futuretest.RequireMisuse(t, tasksync.ErrUninitialized, func() { zero.Wait() })
}

// A generation larger than one wake batch is released whole, and an
// arrival during the release belongs to the next generation.
func TestBarrierLargeGeneration(t *testing.T) {
	const n = 100
	b := tasksync.NewBarrier(n)
	ws := make([]futuretest.CountWaker, n-1)
	fs := make([]*tasksync.BarrierFuture, n-1)
	for i := range fs {
		fs[i] = b.Wait()
		_, ok := poll(fs[i], ws[i].Context())
		require.False(t, ok)
	}
	leader, ok := poll(b.Wait(), future.NewContext(nil))
	require.True(t, ok)
	require.True(t, leader)
	for i, f := range fs {
		assert.Equal(t, 1, ws[i].Count())
		l, ok := poll(f, future.NewContext(nil))
		require.True(t, ok)
		assert.False(t, l)
	}
}

// TestBarrierRoundsAcrossGoroutines: n goroutines pass the barrier many
// times; each round has exactly one leader and nobody passes round r+1
// before everyone finished round r.
func TestBarrierRoundsAcrossGoroutines(t *testing.T) {
	const n = 4
	rounds := 500 / scale
	b := tasksync.NewBarrier(n)
	var leaders atomic.Int64
	var arrived [n]atomic.Int64
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				arrived[g].Store(int64(r + 1))
				if future.BlockOn[bool](b.Wait()) {
					leaders.Add(1)
				}
				for i := range n {
					assert.GreaterOrEqual(t, arrived[i].Load(), int64(r+1), "passed round %d before goroutine %d arrived", r, i)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(rounds), leaders.Load())
}

// TestBarrierSchedules: n tasks pass the barrier for some rounds while
// other tasks arrive and give up (Cancel) with waiters queued around them;
// a withdrawn arrival must never complete a generation, so no task passes
// round r before all n arrived in it, and each round has one leader.
func TestBarrierSchedules(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		n := 2 + s.Rand().IntN(4)
		rounds := 1 + s.Rand().IntN(3)
		b := tasksync.NewBarrier(n)
		leaders, passed, done := 0, 0, 0
		arrivals := make([]int, n)
		for id := range n {
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				for r := range rounds {
					yieldN(s, a, 3)
					arrivals[id] = r + 1
					if async.Await(a, future.Future[bool](b.Wait())) {
						leaders++
					}
					passed++
					for i := range n {
						require.GreaterOrEqual(s, arrivals[i], r+1, "task %d passed round %d before task %d arrived", id, r, i)
					}
				}
				done++
				return struct{}{}
			}))
		}
		for range 1 + s.Rand().IntN(2) {
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				for done < n {
					yieldN(s, a, 3)
					// Arrive only where this arrival cannot be the last.
					if b.Waiting() < n-1 {
						f := b.Wait()
						_, ok := f.Poll(future.NewContext(nil)).Value()
						require.False(s, ok)
						f.Cancel()
					}
					async.Await(a, future.YieldNow())
				}
				return struct{}{}
			}))
		}
		s.Wait()
		require.Equal(s, n*rounds, passed)
		require.Equal(s, rounds, leaders)
		require.Zero(s, b.Waiting())
	})
}

func ExampleBarrier() {
	b := tasksync.NewBarrier(3)
	var leaders atomic.Int32
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if future.BlockOn[bool](b.Wait()) { // in a task: async.Await(a, b.Wait())
				leaders.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Println("leaders:", leaders.Load())
	// Output: leaders: 1
}
