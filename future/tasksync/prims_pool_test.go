package tasksync_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

// TestPrimitivesOnAPool runs the new primitives with tasks on two
// workers: tasks pass a barrier in rounds, initialise one cell, count
// themselves out of a WaitGroup and are stopped by a token's tree.
func TestPrimitivesOnAPool(t *testing.T) {
	p := testpool.New(t)
	const tasks = 8
	rounds := 50 / scale
	b := tasksync.NewBarrier(tasks)
	var cell tasksync.OnceCell[int]
	var inits, leaders, passed atomic.Int64
	var wg tasksync.WaitGroup
	root := tasksync.NewCancellationToken()
	wg.Add(tasks)
	var hs []*pool.JoinHandle[struct{}]
	for i := range tasks {
		tok := root.Child()
		hs = append(hs, pool.Spawn(p, async.New(func(a *async.Awaiter) struct{} {
			v := async.Await(a, future.Future[int](cell.GetOrInit(func() future.Future[int] {
				inits.Add(1)
				return async.New(func(a *async.Awaiter) int {
					a.Yield()
					return i
				})
			})))
			got, _ := cell.Get()
			assert.Equal(t, got, v)
			for r := range rounds {
				if async.Await(a, future.Future[bool](b.Wait())) {
					leaders.Add(1)
				}
				assert.GreaterOrEqual(t, passed.Add(1), int64(r*tasks+1))
			}
			wg.DoneFrom(a.Context())
			async.Await(a, future.Future[struct{}](tok.Cancelled()))
			return struct{}{}
		})))
	}
	future.BlockOn[struct{}](wg.Wait())
	assert.Equal(t, int64(tasks*rounds), passed.Load(), "every task passed every round before the group emptied")
	root.Cancel()
	for _, h := range hs {
		_, err := h.Wait(context.Background())
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), inits.Load())
	assert.Equal(t, int64(rounds), leaders.Load())
	n, _ := root.ChildrenForTest()
	assert.Zero(t, n)
}
