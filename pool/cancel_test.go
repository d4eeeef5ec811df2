package pool_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// holder is a pending future that holds something (a lock-queue place, a
// timer) and releases it in Cancel, like the futures of poll and tasksync.
type holder struct {
	polled   atomic.Int32
	canceled atomic.Int32
	value    int
	ready    atomic.Bool
}

func (h *holder) Poll(cx *future.Context) future.Poll[int] {
	h.polled.Add(1)
	if h.ready.Load() {
		return future.Ready(h.value)
	}
	return future.Pending[int]()
}

func (h *holder) Cancel() { h.canceled.Add(1) }

func waitPolled(t *testing.T, f *holder) {
	t.Helper()
	require.Eventually(t, func() bool { return f.polled.Load() > 0 }, 10*time.Second, time.Millisecond)
}

// An aborted task's future is cancelled, once, so that it gives back what
// it holds at once instead of when the garbage collector finds it.
func TestAbortCancelsTheFuture(t *testing.T) {
	p := newPool(t, pool.WithWorkers(2))
	f := &holder{}
	h := pool.Spawn[int](p, f)
	waitPolled(t, f)
	h.Abort()
	_, err := wait(t, h)
	require.ErrorIs(t, err, pool.ErrAborted)
	assert.Equal(t, int32(1), f.canceled.Load())
	h.Abort()
	assert.Equal(t, int32(1), f.canceled.Load(), "a second Abort cancels nothing")
}

// Shutdown's cancellation of unfinished tasks cancels their futures too.
func TestShutdownCancelsTheFuture(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1))
	require.NoError(t, err)
	f := &holder{}
	h := pool.Spawn[int](p, f)
	waitPolled(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, p.Shutdown(ctx), context.DeadlineExceeded)
	_, err = wait(t, h)
	require.ErrorIs(t, err, pool.ErrClosed)
	assert.Equal(t, int32(1), f.canceled.Load())
}

// A future that completes is not cancelled, and Abort after completion
// cancels nothing.
func TestCompletedFutureIsNotCancelled(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	f := &holder{value: 7}
	f.ready.Store(true)
	h := pool.Spawn[int](p, f)
	v, err := wait(t, h)
	require.NoError(t, err)
	assert.Equal(t, 7, v)
	h.Abort()
	assert.Equal(t, int32(0), f.canceled.Load())
}

// A panic in Cancel is not swallowed: it becomes the task's error.
func TestPanicInCancelIsReported(t *testing.T) {
	p := newPool(t, pool.WithWorkers(1))
	f := &panicOnCancel{}
	h := pool.Spawn[int](p, f)
	require.Eventually(t, func() bool { return f.polled.Load() }, 10*time.Second, time.Millisecond)
	h.Abort()
	_, err := wait(t, h)
	var pe *pool.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "cancel failed", pe.Value)
	assert.ErrorIs(t, err, pool.ErrAborted, "the error still says the task was aborted")
}

type panicOnCancel struct{ polled atomic.Bool }

func (f *panicOnCancel) Poll(*future.Context) future.Poll[int] {
	f.polled.Store(true)
	return future.Pending[int]()
}

func (f *panicOnCancel) Cancel() { panic("cancel failed") }
