package channel_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// recv takes one value from rx without waiting and requires that there was
// one.
func recv[T any](t *testing.T, rx *channel.Receiver[T]) T {
	t.Helper()
	v, err := rx.TryRecv()
	require.NoError(t, err)
	return v
}

func TestBoundedBackpressureKeepsOrder(t *testing.T) {
	tx, rx := channel.Bounded[int](2)
	require.NoError(t, tx.TrySend(1))
	require.NoError(t, tx.TrySend(2))
	err := tx.TrySend(99)
	var se *channel.SendError[int]
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, channel.ErrFull)
	assert.Equal(t, 99, se.Value)

	var w3, w4 futuretest.CountWaker
	s3, s4 := tx.Send(3), tx.Send(4)
	_, _, ready := pollRes[struct{}](s3, &w3)
	require.False(t, ready, "full: the send waits")
	_, _, ready = pollRes[struct{}](s4, &w4)
	require.False(t, ready)
	assert.ErrorIs(t, tx.TrySend(5), channel.ErrFull, "a TrySend does not overtake queued sends")
	assert.Equal(t, 2, channel.SendQueueLen(tx))

	assert.Equal(t, 1, recv(t, rx))
	assert.Equal(t, 1, w3.Count(), "the receive made room for the oldest queued send")
	assert.Zero(t, w4.Count())
	_, err, ready = pollRes[struct{}](s3, &w3)
	require.True(t, ready)
	require.NoError(t, err)
	for _, want := range []int{2, 3} {
		assert.Equal(t, want, recv(t, rx))
	}
	_, err, ready = pollRes[struct{}](s4, &w4)
	require.True(t, ready)
	require.NoError(t, err)
	assert.Equal(t, 4, recv(t, rx))
	_, err = rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrEmpty)
	tx.Close()
}

func TestMPSCReceiverWaitsAndIsWoken(t *testing.T) {
	tx, rx := channel.Unbounded[string]()
	var w futuretest.CountWaker
	f := rx.Recv()
	_, _, ready := pollRes[string](f, &w)
	require.False(t, ready)
	require.NoError(t, tx.Send("x"))
	assert.Equal(t, 1, w.Count())
	v, err, ready := pollRes[string](f, &w)
	require.True(t, ready)
	require.NoError(t, err)
	assert.Equal(t, "x", v)
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { f.Poll(w.Context()) })
	tx.Close()
}

func TestMPSCClosedOnlyAfterLastSenderAndDrain(t *testing.T) {
	tx, rx := channel.Bounded[int](4)
	tx2 := tx.Clone()
	require.NoError(t, tx.TrySend(1))
	require.NoError(t, tx2.TrySend(2))
	tx.Close()
	tx.Close() // idempotent: must not close tx2's share
	require.NoError(t, tx2.TrySend(3))
	var w futuretest.CountWaker
	f := rx.Recv()
	for _, want := range []int{1, 2, 3} {
		v, err := future.BlockOn[future.Result[int]](rx.Recv()).Get()
		require.NoError(t, err)
		assert.Equal(t, want, v)
	}
	_, _, ready := pollRes[int](f, &w)
	require.False(t, ready, "one sender is still open")
	tx2.Close()
	assert.Equal(t, 1, w.Count(), "the last Close wakes the receiver")
	_, err, ready := pollRes[int](f, &w)
	require.True(t, ready)
	assert.ErrorIs(t, err, channel.ErrClosed)
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { tx2.Send(1) })
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { tx2.Clone() })
}

func TestMPSCReceiverCloseFailsQueuedSendsAndKeepsBuffer(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	require.NoError(t, tx.TrySend(1))
	var w futuretest.CountWaker
	s := tx.Send(2)
	_, _, ready := pollRes[struct{}](s, &w)
	require.False(t, ready)
	rx.Close()
	assert.True(t, tx.IsClosed())
	assert.Equal(t, 1, w.Count(), "queued sends are not left hanging")
	_, err, ready := pollRes[struct{}](s, &w)
	require.True(t, ready)
	var se *channel.SendError[int]
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, channel.ErrClosed)
	assert.Equal(t, 2, se.Value, "the unsent value comes back")
	r := future.BlockOn[future.Result[struct{}]](tx.Send(3))
	assert.ErrorIs(t, r.Err, channel.ErrClosed)

	assert.Equal(t, 1, recv(t, rx), "a value accepted before Close is not lost")
	_, err = rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrClosed)
	tx.Close()
}

func TestMPSCCancelledSendIsNotDelivered(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	require.NoError(t, tx.TrySend(1))
	var w futuretest.CountWaker
	a, b := tx.Send(2), tx.Send(3)
	_, _, _ = pollRes[struct{}](a, &w)
	_, _, _ = pollRes[struct{}](b, &w)
	v, ok := a.Withdraw()
	assert.True(t, ok)
	assert.Equal(t, 2, v)
	a.Cancel() // idempotent
	futuretest.RequireMisuse(t, channel.ErrPolledAfterCancel, func() { a.Poll(w.Context()) })
	assert.Equal(t, 1, recv(t, rx))
	assert.Equal(t, 3, recv(t, rx), "the cancelled value 2 was skipped")
	_, err, ready := pollRes[struct{}](b, &w)
	require.True(t, ready)
	require.NoError(t, err)
	tx.Close()
}

func TestMPSCWithdrawAfterRoomWasMadeKeepsTheSend(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	require.NoError(t, tx.TrySend(1))
	var w futuretest.CountWaker
	s := tx.Send(2)
	_, _, _ = pollRes[struct{}](s, &w)
	assert.Equal(t, 1, recv(t, rx)) // moves 2 into the buffer
	_, ok := s.Withdraw()
	assert.False(t, ok, "too late: 2 was accepted")
	assert.Equal(t, 2, recv(t, rx))
	tx.Close()
}

func TestMPSCZeroCapacityIsMisuse(t *testing.T) {
	futuretest.RequireMisuse(t, channel.ErrZeroCapacity, func() { channel.Bounded[int](0) })
}

// TestMPSCStress runs producers on goroutines against a consumer, some
// producers cancelling sends that had to wait. Every value whose send
// completed is received exactly once, in each producer's order, and no
// cancelled value is received.
func TestMPSCStress(t *testing.T) {
	for _, capacity := range []int{1, 3, 64} {
		tx, rx := channel.Bounded[[2]int](capacity)
		const producers = 4
		per := 5000 / scale
		sent := make([]map[int]bool, producers)
		var wg sync.WaitGroup
		for p := range producers {
			ptx := tx.Clone()
			sent[p] = map[int]bool{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer ptx.Close()
				rng := rand.New(rand.NewPCG(uint64(p), uint64(capacity)))
				for i := range per {
					f := ptx.Send([2]int{p, i})
					if p%2 == 1 && rng.IntN(3) == 0 {
						if r, ok := f.Poll(future.NewContext(nil)).Value(); ok {
							require.NoError(t, r.Err)
							sent[p][i] = true
						} else if _, withdrawn := f.Withdraw(); !withdrawn {
							sent[p][i] = true // completed before the withdraw
						}
						continue
					}
					require.NoError(t, future.BlockOn[future.Result[struct{}]](f).Err)
					sent[p][i] = true
				}
			}()
		}
		tx.Close()
		last := [producers]int{-1, -1, -1, -1}
		got := make([]map[int]bool, producers)
		for p := range got {
			got[p] = map[int]bool{}
		}
		for {
			v, err := future.BlockOn[future.Result[[2]int]](rx.Recv()).Get()
			if err != nil {
				require.ErrorIs(t, err, channel.ErrClosed)
				break
			}
			p, i := v[0], v[1]
			require.Greater(t, i, last[p], "per-producer FIFO order")
			last[p] = i
			got[p][i] = true
		}
		wg.Wait()
		for p := range producers {
			assert.Equal(t, sent[p], got[p], "producer %d, capacity %d", p, capacity)
		}
		assert.Equal(t, 0, channel.SendQueueLen(tx))
	}
}

func TestUnboundedNeverWaits(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	n := 10000
	for i := range n {
		require.NoError(t, tx.Send(i))
	}
	assert.Equal(t, n, rx.Len())
	rx.Close()
	err := tx.Send(-1)
	assert.ErrorIs(t, err, channel.ErrClosed)
	for i := range n {
		require.Equal(t, i, recv(t, rx))
	}
	_, err = rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrClosed)
	tx.Close()
}
