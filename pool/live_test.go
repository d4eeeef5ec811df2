package pool_test

import (
	"context"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Stats.Live promises that a task whose completion someone has seen (its
// join waker woken, Wait returned, IsFinished true) is no longer counted.
// The join waker here runs inside the completion, on the worker, so it
// sees the counter at the exact moment the task is published as done.
func TestLiveIsDecrementedBeforeJoinersWake(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	e := &event{}
	h := pool.Spawn(p, future.Future[struct{}](e))
	liveAtWake := make(chan pool.Stats, 1)
	finishedAtWake := make(chan bool, 1)
	cx := future.NewContext(future.WakerFunc(func() {
		finishedAtWake <- h.IsFinished()
		liveAtWake <- p.Stats()
	}))
	require.False(t, h.Poll(cx).IsReady())
	e.Set()
	assert.True(t, <-finishedAtWake)
	assert.Equal(t, 0, (<-liveAtWake).Live, "a joiner woken by the completion still saw the task counted as live")
	r, ok := h.Poll(cx).Value()
	require.True(t, ok)
	require.NoError(t, r.Err)
}

// TestLiveAfterWait checks the same promise through Wait, many times: the
// race it guards against is between the worker finishing a task and a
// goroutine returning from Wait.
func TestLiveAfterWait(t *testing.T) {
	p := newPool(t, pool.WithWorkers(2))
	for i := 0; i < 2000; i++ {
		h := pool.Spawn(p, readyF(i))
		_, err := h.Wait(context.Background())
		require.NoError(t, err)
		require.Equal(t, 0, p.Stats().Live, "iteration %d", i)
	}
}
