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

func TestBroadcastEveryReceiverGetsEveryValue(t *testing.T) {
	tx, rx1 := channel.NewBroadcast[int](8)
	rx2 := tx.Subscribe()
	var w1, w2 futuretest.CountWaker
	f1, f2 := rx1.Recv(), rx2.Recv()
	_, _, ready := pollRes[int](f1, &w1)
	require.False(t, ready)
	_, _, ready = pollRes[int](f2, &w2)
	require.False(t, ready)
	n, err := 0, tx.Send(1)
	require.NoError(t, err)
	assert.Equal(t, 1, w1.Count(), "a send wakes every waiting receiver")
	assert.Equal(t, 1, w2.Count())
	for _, f := range []*channel.BroadcastRecvFuture[int]{f1, f2} {
		v, err, ready := pollRes[int](f, &w1)
		require.True(t, ready)
		require.NoError(t, err)
		assert.Equal(t, 1, v)
		n++
	}
	late := tx.Subscribe()
	require.NoError(t, tx.Send(2))
	v, err := late.TryRecv()
	require.NoError(t, err)
	assert.Equal(t, 2, v, "a new receiver starts with the next value sent")
	for _, rx := range []*channel.BroadcastReceiver[int]{rx1, rx2, late} {
		rx.Close()
	}
	tx.Close()
}

func TestBroadcastLaggedReceiverIsToldHowManyItMissed(t *testing.T) {
	tx, rx := channel.NewBroadcast[int](2)
	for i := range 5 {
		require.NoError(t, tx.Send(i))
	}
	_, err := rx.TryRecv()
	var lag *channel.LaggedError
	require.ErrorAs(t, err, &lag)
	assert.ErrorIs(t, err, channel.ErrLagged)
	assert.Equal(t, uint64(3), lag.Missed)
	for _, want := range []int{3, 4} {
		v, err := rx.TryRecv()
		require.NoError(t, err)
		assert.Equal(t, want, v, "after a lag the receiver goes on with the oldest kept value")
	}
	_, err = rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrEmpty)
	rx.Close()
	tx.Close()
}

func TestBroadcastClosing(t *testing.T) {
	tx, rx := channel.NewBroadcast[int](4)
	tx2 := tx.Clone()
	require.NoError(t, tx.Send(1))
	tx.Close()
	var w futuretest.CountWaker
	v, err, ready := pollRes[int](rx.Recv(), &w)
	require.True(t, ready)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	f := rx.Recv()
	_, _, ready = pollRes[int](f, &w)
	require.False(t, ready, "tx2 is still open")
	assert.Equal(t, 1, channel.BroadcastWaiters(tx2))
	tx2.Close()
	assert.Equal(t, 1, w.Count(), "the last sender's Close wakes receivers")
	_, err, ready = pollRes[int](f, &w)
	require.True(t, ready)
	assert.ErrorIs(t, err, channel.ErrClosed)

	tx3, rx3 := channel.NewBroadcast[int](4)
	assert.Equal(t, 1, tx3.Receivers())
	rx3.Close()
	rx3.Close()
	assert.Equal(t, 0, tx3.Receivers())
	err = tx3.Send(5)
	var se *channel.SendError[int]
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 5, se.Value)
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { _, _ = rx3.TryRecv() })
	tx3.Close()
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { _ = tx3.Send(1) })
}

// TestBroadcastStress: receivers on goroutines with a ring big enough never
// to lag see every value in order.
func TestBroadcastStress(t *testing.T) {
	n := 5000 / scale
	tx, first := channel.NewBroadcast[int](n)
	rxs := []*channel.BroadcastReceiver[int]{first, tx.Subscribe(), tx.Subscribe()}
	var wg sync.WaitGroup
	for _, rx := range rxs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer rx.Close()
			next := 0
			for {
				v, err := future.BlockOn[future.Result[int]](rx.Recv()).Get()
				if err != nil {
					assert.ErrorIs(t, err, channel.ErrClosed)
					break
				}
				assert.Equal(t, next, v)
				next++
			}
			assert.Equal(t, n, next)
		}()
	}
	for i := range n {
		require.NoError(t, tx.Send(i))
	}
	tx.Close()
	wg.Wait()
}
