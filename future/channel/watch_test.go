package channel_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestWatchLatestValue(t *testing.T) {
	tx, rx := channel.NewWatch("a")
	assert.Equal(t, "a", rx.Borrow())
	changed, err := rx.HasChanged()
	require.NoError(t, err)
	assert.False(t, changed, "the initial value counts as seen")
	var w futuretest.CountWaker
	f := rx.Changed()
	_, _, ready := pollRes[struct{}](f, &w)
	require.False(t, ready)
	tx.Send("b")
	tx.Send("c")
	assert.Equal(t, 1, w.Count())
	_, err, ready = pollRes[struct{}](f, &w)
	require.True(t, ready)
	require.NoError(t, err)
	assert.Equal(t, "c", rx.Borrow(), "intermediate values may be skipped")
	_, _, ready = pollRes[struct{}](rx.Changed(), &w)
	assert.False(t, ready, "Changed marked c seen")
	rx.Close()
	tx.Close()
}

func TestWatchChangeBeforeCloseIsReported(t *testing.T) {
	tx, rx := channel.NewWatch(0)
	rx2 := rx.Clone()
	tx.Send(1)
	tx.Close()
	r := future.BlockOn[future.Result[struct{}]](rx.Changed())
	require.NoError(t, r.Err, "the last change is not lost to the Close")
	assert.Equal(t, 1, rx.BorrowAndUpdate())
	r = future.BlockOn[future.Result[struct{}]](rx.Changed())
	assert.ErrorIs(t, r.Err, channel.ErrClosed)
	_, err := rx.HasChanged()
	assert.ErrorIs(t, err, channel.ErrClosed)
	assert.Equal(t, 1, rx2.BorrowAndUpdate())
	rx.Close()
	rx2.Close()
}

func TestWatchCloseWakesWaiters(t *testing.T) {
	tx, rx := channel.NewWatch(0)
	var w futuretest.CountWaker
	f := rx.Changed()
	_, _, ready := pollRes[struct{}](f, &w)
	require.False(t, ready)
	assert.Equal(t, 1, tx.Receivers())
	tx.Close()
	assert.Equal(t, 1, w.Count())
	_, err, ready := pollRes[struct{}](f, &w)
	require.True(t, ready)
	assert.ErrorIs(t, err, channel.ErrClosed)
	rx.Close()
	assert.Equal(t, 0, tx.Receivers())
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { rx.Borrow() })
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { tx.Send(1) })
}

// TestWatchStress: a watcher on a goroutine sees values only go up and ends
// with the last one.
func TestWatchStress(t *testing.T) {
	tx, rx := channel.NewWatch(0)
	n := 20000 / scale
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer rx.Close()
		last := 0
		for {
			r := future.BlockOn[future.Result[struct{}]](rx.Changed())
			v := rx.BorrowAndUpdate()
			assert.GreaterOrEqual(t, v, last)
			last = v
			if r.Err != nil {
				break
			}
		}
		assert.Equal(t, n, last)
	}()
	for i := 1; i <= n; i++ {
		tx.Send(i)
	}
	tx.Close()
	wg.Wait()
}
