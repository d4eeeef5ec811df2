package pool

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// A handle polled by a task of the same pool through a waker that is not
// the task's own (as JoinSet and the combinators pass their per-child
// wakers) is joined without the foreign registry: that registry costs a
// global lock per join and exists only for awaiters outside the pool.
// The join still completes, and Shutdown still cancels such a chain.
func TestJoinFromOwnWorkerSkipsForeignRegistry(t *testing.T) {
	p, err := New(WithWorkers(1))
	require.NoError(t, err)
	defer p.Shutdown(context.Background())

	release := make(chan struct{})
	child := Spawn(p, future.Func[int](func(cx *future.Context) future.Poll[int] {
		select {
		case <-release:
			return future.Ready(7)
		default:
			cx.Waker().Wake()
			return future.Pending[int]()
		}
	}))
	var polls atomic.Int32
	parent := Spawn(p, future.Func[int](func(cx *future.Context) future.Poll[int] {
		polls.Add(1)
		own := cx.Waker()
		sub := cx.With(future.WakerFunc(own.Wake))
		r, ok := child.Poll(&sub).Value()
		if !ok {
			return future.Pending[int]()
		}
		return future.Ready(r.Value * 2)
	}))
	require.Eventually(t, func() bool { return polls.Load() > 0 }, 5*time.Second, time.Millisecond)
	p.foreign.mu.Lock()
	n := len(p.foreign.m)
	p.foreign.mu.Unlock()
	assert.Zero(t, n, "a join from a worker of the same pool went through the foreign registry")
	assert.Zero(t, child.t.h.state.load()&stForeignJoin)
	close(release)
	v, err := parent.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 14, v)
}

func TestShutdownCancelsChainJoinedThroughOtherWaker(t *testing.T) {
	p, err := New(WithWorkers(2))
	require.NoError(t, err)
	child := Spawn(p, future.Never[int]())
	parent := Spawn(p, future.Func[int](func(cx *future.Context) future.Poll[int] {
		sub := cx.With(future.WakerFunc(cx.Waker().Wake))
		r, ok := child.Poll(&sub).Value()
		if !ok {
			return future.Pending[int]()
		}
		return future.Ready(r.Value)
	}))
	time.Sleep(2 * time.Millisecond) // let the parent register
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, p.Shutdown(ctx), context.Canceled)
	_, err = parent.Wait(context.Background())
	assert.ErrorIs(t, err, ErrClosed)
	_, err = child.Wait(context.Background())
	assert.ErrorIs(t, err, ErrClosed)
}
