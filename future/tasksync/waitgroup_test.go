package tasksync_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

func TestWaitGroupZeroIsReadyAtOnce(t *testing.T) {
	var wg tasksync.WaitGroup
	cx, _ := futuretest.NewContext()
	_, ok := poll(wg.Wait(), cx)
	assert.True(t, ok)
}

func TestWaitGroupReleasesEveryWaiterAtZero(t *testing.T) {
	var wg tasksync.WaitGroup
	wg.Add(2)
	var wa, wb futuretest.CountWaker
	a, b := wg.Wait(), wg.Wait()
	_, ok := poll(a, wa.Context())
	require.False(t, ok)
	_, ok = poll(b, wb.Context())
	require.False(t, ok)
	wg.Done()
	assert.Zero(t, wa.Count()+wb.Count(), "count 1: nobody woken")
	wg.Done()
	assert.Equal(t, 1, wa.Count())
	assert.Equal(t, 1, wb.Count())
	_, ok = poll(a, wa.Context())
	assert.True(t, ok)
	_, ok = poll(b, wb.Context())
	assert.True(t, ok)
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { a.Poll(future.NewContext(nil)) })
}

// A Wait created before the count reaches zero completes even if the
// count went up again before it was polled; one created after does not.
func TestWaitGroupWaitSeesAZeroAfterItsCall(t *testing.T) {
	var wg tasksync.WaitGroup
	wg.Add(1)
	before := wg.Wait()
	wg.Done()
	wg.Add(1)
	after := wg.Wait()
	cx, _ := futuretest.NewContext()
	_, ok := poll(before, cx)
	assert.True(t, ok, "the count was zero after Wait was called")
	_, ok = poll(after, cx)
	assert.False(t, ok, "the count has been 1 since this Wait was called")
	after.Cancel()
	wg.Done()
}

func TestWaitGroupCancelLeavesTheQueue(t *testing.T) {
	var wg tasksync.WaitGroup
	wg.Add(1)
	var w futuretest.CountWaker
	f := wg.Wait()
	_, ok := poll(f, w.Context())
	require.False(t, ok)
	f.Cancel()
	wg.Done()
	assert.Zero(t, w.Count(), "a cancelled wait is not woken")
	futuretest.RequireMisuse(t, tasksync.ErrPolledAfterCancel, func() { f.Poll(future.NewContext(nil)) })
	f.Cancel() // idempotent
}

func TestWaitGroupNegativeIsMisuse(t *testing.T) {
	var wg tasksync.WaitGroup
	futuretest.RequireMisuse(t, tasksync.ErrNegativeCount, wg.Done)
}

func TestAbandonedWaitGroupWaitsLeaveNothing(t *testing.T) {
	var wg tasksync.WaitGroup
	wg.Add(1)
	checkAbandonN(t, abandoned/10, func() future.Future[struct{}] { return wg.Wait() }, wg.WaitersForTest)
	wg.Done()
}

// TestWaitGroupAcrossGoroutines: goroutines call Done while others wait
// through BlockOn; every wait returns only after all Dones.
func TestWaitGroupAcrossGoroutines(t *testing.T) {
	for range 200 / scale {
		var wg tasksync.WaitGroup
		const workers = 4
		wg.Add(workers)
		var mu sync.Mutex
		finished := 0
		var waiters, all sync.WaitGroup
		for range 3 {
			waiters.Add(1)
			go func() {
				defer waiters.Done()
				future.BlockOn[struct{}](wg.Wait())
				mu.Lock()
				assert.Equal(t, workers, finished, "a Wait returned before every Done")
				mu.Unlock()
			}()
		}
		for range workers {
			all.Add(1)
			go func() {
				defer all.Done()
				mu.Lock()
				finished++
				mu.Unlock()
				wg.Done()
			}()
		}
		all.Wait()
		waiters.Wait()
	}
}

// TestWaitGroupSchedules: tasks spawned under seeded schedules call
// DoneFrom while several tasks wait; no waiter finishes early or hangs.
func TestWaitGroupSchedules(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		var wg tasksync.WaitGroup
		workers := 1 + s.Rand().IntN(5)
		wg.Add(workers)
		finished := 0
		for range 1 + s.Rand().IntN(3) {
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				yieldN(s, a, 3)
				async.Await(a, future.Future[struct{}](wg.Wait()))
				require.Equal(s, workers, finished, "Wait finished before every Done")
				return struct{}{}
			}))
		}
		for range workers {
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				yieldN(s, a, 4)
				finished++
				wg.Done()
				return struct{}{}
			}))
		}
		s.Wait()
		require.Zero(s, wg.WaitersForTest())
	})
}

func ExampleWaitGroup() {
	var wg tasksync.WaitGroup
	results := make([]int, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = i * i
		}()
	}
	future.BlockOn[struct{}](wg.Wait()) // in a task: async.Await(a, wg.Wait())
	fmt.Println(results)
	// Output: [0 1 4]
}
