package bridge_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestFromContextCompletesWithTheContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := bridge.FromContext(ctx)
	w := &futuretest.CountWaker{}
	cx := future.NewContext(w)
	require.True(t, f.Poll(cx).IsPending())
	go cancel()
	<-w.Woken()
	err, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, bridge.LiveWatches(), "completion deregisters")
	assert.Panics(t, func() { f.Poll(cx) })
}

func TestFromContextWakesTheLatestWaker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := bridge.FromContext(ctx)
	old, latest := &futuretest.CountWaker{}, &futuretest.CountWaker{}
	require.True(t, f.Poll(future.NewContext(old)).IsPending())
	require.True(t, f.Poll(future.NewContext(latest)).IsPending())
	cancel()
	<-latest.Woken()
	assert.Zero(t, old.Count(), "only the waker of the most recent poll counts")
	assert.ErrorIs(t, future.BlockOn[error](f), context.Canceled)
}

func TestFromContextOfDoneContextIsReadyAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	err, ok := bridge.FromContext(ctx).Poll(future.NewContext(nil)).Value()
	require.True(t, ok)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestFromBackgroundNeverCompletesAndRegistersNothing(t *testing.T) {
	f := bridge.FromContext(context.Background())
	assert.True(t, f.Poll(future.NewContext(nil)).IsPending())
	assert.Zero(t, bridge.LiveWatches())
}

func TestCancelledFromContextIsNotWoken(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := bridge.FromContext(ctx)
	w := &futuretest.CountWaker{}
	f.Poll(future.NewContext(w))
	f.Cancel()
	assert.Zero(t, bridge.LiveWatches())
	cancel()
	time.Sleep(10 * time.Millisecond) // give a wrongly kept AfterFunc time to run
	assert.Zero(t, w.Count())
}

func TestWithContext(t *testing.T) {
	boom := errors.New("boom")
	t.Run("value first", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		f := bridge.WithContext[int](context.Background(), g)
		go g.Open(5)
		r := future.BlockOn(f)
		v, err := r.Get()
		require.NoError(t, err)
		assert.Equal(t, 5, v)
		cancelled := g.Cancels()
		assert.Zero(t, cancelled)
	})
	t.Run("cancel first releases the future", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		ctx, cancel := context.WithCancel(context.Background())
		f := bridge.WithContext[int](ctx, g)
		w := &futuretest.CountWaker{}
		cx := future.NewContext(w)
		require.True(t, f.Poll(cx).IsPending())
		go cancel()
		<-w.Woken() // the context's end wakes the task
		r, ok := f.Poll(cx).Value()
		require.True(t, ok)
		assert.ErrorIs(t, r.Err, context.Canceled)
		polls, cancelled := g.Polls(), g.Cancels()
		assert.Equal(t, 1, cancelled, "the guarded future is cancelled")
		assert.Equal(t, 1, polls, "and not polled once the context is done")
		assert.Zero(t, bridge.LiveWatches())
	})
	t.Run("a done context wins over a ready future", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := future.BlockOn(bridge.WithContext(ctx, future.Done(1))).Get()
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		_, err := future.BlockOn(bridge.WithContext(ctx, future.Never[int]())).Get()
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("try flattens the errors", func(t *testing.T) {
		_, err := future.BlockOn(bridge.TryWithContext(context.Background(), future.Done(future.Err[int](boom)))).Get()
		assert.ErrorIs(t, err, boom)
		v, err := future.BlockOn(bridge.TryWithContext(context.Background(), future.Done(future.Ok(3)))).Get()
		assert.NoError(t, err)
		assert.Equal(t, 3, v)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = future.BlockOn(bridge.TryWithContext(ctx, future.Done(future.Ok(3)))).Get()
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// TestAbandonedContextWaitsLeaveNothingBehind polls many WithContext futures
// once under one long-lived context and drops them: the garbage collector's
// cleanups must take every registration off the context.
func TestAbandonedContextWaitsLeaveNothingBehind(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &futuretest.CountWaker{}
	cx := future.NewContext(w)
	func() {
		for range abandoned {
			f := bridge.WithContext(ctx, future.Never[int]())
			require.True(t, f.Poll(cx).IsPending())
		}
	}()
	require.Eventually(t, func() bool {
		runtime.GC()
		return bridge.LiveWatches() == 0
	}, 30*time.Second, 10*time.Millisecond, "registrations left: %d", bridge.LiveWatches())
	cancel()
	time.Sleep(10 * time.Millisecond)
	assert.Zero(t, w.Count(), "no abandoned registration fires")
}
