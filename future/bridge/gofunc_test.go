package bridge_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// cancelledSoon returns a context that is cancelled a millisecond from now,
// while the code under test is likely waiting on it.
func cancelledSoon(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		time.Sleep(time.Millisecond)
		cancel()
	}()
	return ctx
}

func TestGoRunsAtOnceAndWakesThePoller(t *testing.T) {
	release := make(chan struct{})
	ran := make(chan struct{})
	f := bridge.Go(func() int {
		close(ran)
		<-release
		return 8
	})
	<-ran // started before any poll, like the go statement
	w := &futuretest.CountWaker{}
	cx := future.NewContext(w)
	require.True(t, f.Poll(cx).IsPending())
	close(release)
	<-w.Woken()
	v, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.Equal(t, 8, v)
}

func TestGoReraisesAPanic(t *testing.T) {
	boom := errors.New("boom")
	f := bridge.Go(func() int { panic(boom) })
	defer func() {
		pe, ok := recover().(*bridge.PanicError)
		require.True(t, ok)
		assert.ErrorIs(t, pe, boom)
		assert.Contains(t, pe.Error(), "boom")
		assert.Contains(t, string(pe.Stack), "gofunc_test.go")
	}()
	future.BlockOn(f)
}

func TestWait(t *testing.T) {
	t.Run("value", func(t *testing.T) {
		v, err := bridge.Wait(context.Background(), bridge.Go(func() int { return 3 }))
		assert.NoError(t, err)
		assert.Equal(t, 3, v)
	})
	t.Run("cancel while pending releases the future", func(t *testing.T) {
		g := &futuretest.CancelGate[int]{}
		_, err := bridge.Wait[int](cancelledSoon(t), g)
		assert.ErrorIs(t, err, context.Canceled)
		cancelled := g.Cancels()
		assert.Equal(t, 1, cancelled)
	})
	t.Run("done context polls nothing", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		g := &futuretest.CancelGate[int]{}
		_, err := bridge.Wait[int](ctx, g)
		assert.ErrorIs(t, err, context.Canceled)
		polls := g.Polls()
		assert.Zero(t, polls)
	})
	t.Run("result", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := bridge.TryWait(context.Background(), future.Done(future.Err[int](boom)))
		assert.ErrorIs(t, err, boom)
		v, err := bridge.TryWait(context.Background(), future.Done(future.Ok(2)))
		assert.NoError(t, err)
		assert.Equal(t, 2, v)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = bridge.TryWait(ctx, future.Done(future.Ok(2)))
		assert.ErrorIs(t, err, context.Canceled)
	})
}
