package pool_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stuckInPoll blocks the worker polling it on a channel: user code that
// breaks rule 4 of the waker contract. entered is closed once it blocks.
type stuckInPoll struct {
	entered chan struct{}
	release chan struct{}
}

func newStuck() *stuckInPoll {
	return &stuckInPoll{entered: make(chan struct{}), release: make(chan struct{})}
}

func (s *stuckInPoll) Poll(*future.Context) future.Poll[int] {
	close(s.entered)
	<-s.release
	return future.Ready(1)
}

// TestShutdownReturnsByDeadlineWithWorkerStuck: a worker that never
// returns from a poll must not hold Shutdown past its ctx. The error
// names the task (spawn site) and where the worker is stuck.
func TestShutdownReturnsByDeadlineWithWorkerStuck(t *testing.T) {
	d := newFakeDriver()
	p, err := pool.New(pool.WithWorkers(2), pool.WithName("stuck"), pool.WithDriver(d),
		pool.WithIntrospection(pool.Introspection{SpawnSites: true}))
	require.NoError(t, err)
	s := newStuck()
	_, _, spawnLine, _ := runtime.Caller(0)
	hs := pool.Spawn(p, future.Future[int](s)) // the line after Caller
	<-s.entered
	idle := pool.Spawn(p, future.Future[struct{}](never{}))

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = p.Shutdown(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	msg := err.Error()
	t.Log(msg)
	assert.Contains(t, msg, "shutdown cancelled 2 tasks; 1 worker(s) still in a poll")
	assert.Contains(t, msg, "site=pool/shutdown_test.go:"+strconv.Itoa(spawnLine+1), "the stuck task's spawn site")
	assert.Contains(t, msg, "running")
	assert.Contains(t, msg, "in a poll: pool_test.(*stuckInPoll).Poll (pool/shutdown_test.go:", "where the worker is stuck")
	assert.Contains(t, msg, "chan receive")

	// The other tasks are cancelled already; the stuck one keeps its poll.
	_, err = idle.Wait(context.Background())
	assert.ErrorIs(t, err, pool.ErrClosed)
	assert.False(t, hs.IsFinished())
	assert.False(t, d.closed.Load(), "driver closed while a worker still runs")

	close(s.release) // the stuck poll returns: its task completes, the worker exits
	v, err := hs.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	// A second Shutdown waits for the first to finish, workers gone.
	assert.Equal(t, msg, p.Shutdown(context.Background()).Error())
	assert.True(t, d.closed.Load(), "the last worker out closes the driver")
}

// Without introspection the error says why tasks are not named, and
// still says where the stuck worker is.
func TestShutdownStuckWithoutIntrospection(t *testing.T) {
	p, err := pool.New(pool.WithWorkers(1))
	require.NoError(t, err)
	s := newStuck()
	h := pool.Spawn(p, future.Future[int](s))
	<-s.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // already over: Shutdown must not wait at all for the stuck poll
	err = p.Shutdown(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "introspection is off")
	assert.Contains(t, err.Error(), "worker 0")
	assert.Contains(t, err.Error(), "pool_test.(*stuckInPoll).Poll")
	close(s.release)
	_, err = h.Wait(context.Background())
	require.NoError(t, err)
	require.Error(t, p.Shutdown(context.Background()))
}

// A ctx that ends while workers are merely idle finds them gone: Shutdown
// waits for workers that are not in a poll, then closes the driver.
func TestShutdownExpiredWithIdleTasksStopsWorkers(t *testing.T) {
	for range 20 {
		d := newFakeDriver()
		p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(d))
		require.NoError(t, err)
		h := pool.Spawn(p, future.Future[struct{}](never{}))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err = p.Shutdown(ctx)
		require.ErrorIs(t, err, context.Canceled)
		assert.NotContains(t, err.Error(), "still in a poll")
		assert.True(t, h.IsFinished())
		assert.True(t, d.closed.Load(), "driver not closed: Shutdown did not wait for idle workers")
		assert.Zero(t, d.inPark.Load())
	}
}
