package bridge_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestRecvReadyValueNeedsNoGoroutine(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 4
	before := runtime.NumGoroutine()
	r, ok := bridge.Recv(ch).Poll(future.NewContext(nil)).Value()
	require.True(t, ok)
	assert.Equal(t, future.Ok(4), r)
	assert.Equal(t, before, runtime.NumGoroutine())
}

func TestRecvFromClosedChannel(t *testing.T) {
	ch := make(chan int)
	close(ch)
	_, err := future.BlockOn(bridge.Recv(ch)).Get()
	assert.ErrorIs(t, err, bridge.ErrChanClosed)
}

func TestRecvWaitsForASendAndWakes(t *testing.T) {
	ch := make(chan string)
	f := bridge.Recv(ch)
	w := &futuretest.CountWaker{}
	cx := future.NewContext(w)
	require.True(t, f.Poll(cx).IsPending())
	ch <- "hi" // unbuffered: returns once the helper goroutine took it
	<-w.Woken()
	r, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, future.Ok("hi"), r)
	assert.Panics(t, func() { f.Poll(cx) })
}

func TestRecvSeesACloseWhilePending(t *testing.T) {
	ch := make(chan int)
	f := bridge.Recv(ch)
	require.True(t, f.Poll(future.NewContext(nil)).IsPending())
	close(ch)
	_, err := future.BlockOn[future.Result[int]](f).Get()
	assert.ErrorIs(t, err, bridge.ErrChanClosed)
}

func TestRecvStopReturnsAValueAlreadyTaken(t *testing.T) {
	ch := make(chan int)
	f := bridge.Recv(ch)
	require.True(t, f.Poll(future.NewContext(nil)).IsPending())
	ch <- 9 // taken by the helper goroutine
	v, received := f.Stop()
	assert.True(t, received)
	assert.Equal(t, 9, v)
}

func TestRecvStopTakesNothingMore(t *testing.T) {
	ch := make(chan int, 1)
	f := bridge.Recv(ch)
	require.True(t, f.Poll(future.NewContext(nil)).IsPending())
	_, received := f.Stop()
	assert.False(t, received)
	ch <- 1
	assert.Equal(t, 1, <-ch, "the value stays in the channel for someone else")
}

func TestRecvCancelEndsTheGoroutine(t *testing.T) {
	ch := make(chan int)
	before := runtime.NumGoroutine()
	f := bridge.Recv(ch)
	f.Poll(future.NewContext(nil))
	assert.Equal(t, before+1, runtime.NumGoroutine())
	f.Cancel()
	futuretest.Eventually(t, func() bool { return runtime.NumGoroutine() <= before }, "the helper goroutine is still running")
}

func TestAbandonedRecvsEndTheirGoroutines(t *testing.T) {
	ch := make(chan int)
	before := runtime.NumGoroutine()
	n := abandoned / 100
	func() {
		fs := make([]*bridge.RecvFuture[int], n)
		for i := range fs {
			fs[i] = bridge.Recv(ch)
			require.True(t, fs[i].Poll(future.NewContext(nil)).IsPending())
		}
		require.GreaterOrEqual(t, runtime.NumGoroutine(), n, "one helper per pending Recv")
	}()
	futuretest.EventuallyCollected(t, func() bool { return runtime.NumGoroutine() <= before },
		"helper goroutines of abandoned Recvs are still running")
}

func TestRecvCancelledByWithContextEndsTheGoroutine(t *testing.T) {
	// WithContext releases the Recv through its Cancel method.
	ch := make(chan int)
	before := runtime.NumGoroutine()
	f := bridge.WithContext[future.Result[int]](cancelledSoon(t), bridge.Recv(ch))
	r := future.BlockOn(f)
	assert.Error(t, r.Err)
	futuretest.Eventually(t, func() bool { return runtime.NumGoroutine() <= before }, "the helper goroutine is still running")
}

func TestPollAfterCancelIsMisuse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for name, f := range map[string]interface {
		Cancel()
		poll()
	}{
		"Recv":           pollable[future.Result[int]]{bridge.Recv(make(chan int))},
		"FromContext":    pollable[error]{bridge.FromContext(ctx)},
		"WithContext":    pollable[future.Result[int]]{bridge.WithContext(ctx, future.Never[int]())},
		"TryWithContext": pollable[future.Result[int]]{bridge.TryWithContext(ctx, future.Never[future.Result[int]]())},
	} {
		t.Run(name, func(t *testing.T) {
			f.poll()
			f.Cancel()
			defer func() {
				e, ok := recover().(*future.MisuseError)
				require.True(t, ok, "want a *future.MisuseError, not a hang")
				assert.ErrorIs(t, e, bridge.ErrPolledAfterCancel)
			}()
			f.poll()
		})
	}
}

// pollable pairs a bridge future with a poll by hand.
type pollable[T any] struct {
	f future.Future[T]
}

func (p pollable[T]) poll()   { p.f.Poll(future.NewContext(nil)) }
func (p pollable[T]) Cancel() { p.f.(interface{ Cancel() }).Cancel() }
