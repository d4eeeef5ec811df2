package pool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// A JoinHandle polled while its task is unfinished gives its budget unit
// back (tokio's RestoreOnPending): only polls that make progress count.
// Charged, a future that looks at more pending handles in one poll than
// the budget holds was told to yield on every poll, and woke itself at
// once: a task spinning on a worker while nothing happens.
func TestJoinHandlePendingPollIsNotCharged(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	var ev event
	h := pool.Spawn(p, future.Future[struct{}](&ev))
	var b future.Budget
	b.Reset(future.DefaultBudget)
	var cx future.Context
	cx.SetBudget(&b)
	cx.SetWaker(future.NoopWaker)
	for range 3 * future.DefaultBudget {
		require.True(t, h.Poll(&cx).IsPending())
	}
	assert.Equal(t, future.DefaultBudget, b.Remaining(), "Pending polls are free")

	ev.Set()
	_, err := h.Wait(t.Context())
	require.NoError(t, err)
	require.True(t, h.Poll(&cx).IsReady())
	assert.Equal(t, future.DefaultBudget-1, b.Remaining(), "a Ready poll is charged")
}
