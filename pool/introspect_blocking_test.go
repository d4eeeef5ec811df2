package pool_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/pool"
)

// A SpawnBlocking task is listed like any other: running for as long as
// its function runs, never flagged stuck (it is not waiting for a wake),
// named after the line that spawned it, and gone once it returns.
func TestTasksListsBlockingTask(t *testing.T) {
	const stuckAfter = 5 * time.Millisecond
	p := introPool(t, 1, stuckAfter)
	release := make(chan struct{})
	file, line := nextLine()
	h := pool.SpawnBlocking(p, func() int { <-release; return 3 })
	time.Sleep(2 * stuckAfter)

	ts := p.Tasks()
	require.Len(t, ts, 1)
	ti, ok := taskBy(ts, file, line)
	require.True(t, ok, "listed with its spawn site: %v", ts)
	assert.Equal(t, pool.TaskRunning, ti.State)
	assert.False(t, ti.Stuck)
	assert.Equal(t, uint64(1), ti.Polls)

	close(release)
	v, err := h.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, v)
	assert.Empty(t, p.Tasks())
}

// A SpawnBlocking function that panics still leaves the registry.
func TestTasksForgetsPanickedBlockingTask(t *testing.T) {
	p := introPool(t, 1, time.Second)
	h := pool.SpawnBlocking(p, func() int { panic("boom") })
	_, err := h.Wait(context.Background())
	var pe *pool.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Empty(t, p.Tasks())
}
