package channel_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

func TestOneshotSendBeforeRecv(t *testing.T) {
	tx, rx := channel.NewOneshot[string]()
	require.NoError(t, tx.Send("hi"))
	v, err := future.BlockOn[future.Result[string]](rx).Get()
	require.NoError(t, err)
	assert.Equal(t, "hi", v)
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { rx.Poll(future.NewContext(nil)) })
	futuretest.RequireMisuse(t, channel.ErrAlreadySent, func() { _ = tx.Send("again") })
}

func TestOneshotSendWakesWaitingReceiver(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	var old, w futuretest.CountWaker
	_, _, ready := pollRes[int](rx, &old)
	require.False(t, ready)
	_, _, ready = pollRes[int](rx, &w)
	require.False(t, ready)
	require.NoError(t, tx.Send(7))
	assert.Zero(t, old.Count(), "only the latest poll's waker counts")
	assert.Equal(t, 1, w.Count())
	v, err, ready := pollRes[int](rx, &w)
	require.True(t, ready)
	require.NoError(t, err)
	assert.Equal(t, 7, v)
}

func TestOneshotSenderCloseWithoutValue(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	var w futuretest.CountWaker
	_, _, ready := pollRes[int](rx, &w)
	require.False(t, ready)
	tx.Close()
	assert.Equal(t, 1, w.Count(), "the waiting receiver is not left hanging")
	_, err, ready := pollRes[int](rx, &w)
	require.True(t, ready)
	assert.ErrorIs(t, err, channel.ErrClosed)
	tx.Close() // idempotent
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { _ = tx.Send(1) })
}

func TestOneshotCloseAfterSendKeepsValue(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	require.NoError(t, tx.Send(3))
	tx.Close() // after Send: nothing changes
	v, err := rx.TryRecv()
	require.NoError(t, err)
	assert.Equal(t, 3, v)
	_, err = rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrClosed, "taken")
}

func TestOneshotReceiverClose(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	_, err := rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrEmpty)
	rx.Close()
	assert.True(t, tx.IsClosed())
	err = tx.Send(9)
	var se *channel.SendError[int]
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, channel.ErrClosed)
	assert.Equal(t, 9, se.Value, "the value comes back to the sender")
}

func TestOneshotValueSentBeforeReceiverCloseIsKept(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	require.NoError(t, tx.Send(4))
	rx.Close()
	v, err := rx.TryRecv()
	require.NoError(t, err)
	assert.Equal(t, 4, v)
}

// TestOneshotAcrossGoroutines sends from one goroutine while another waits:
// every value arrives exactly once.
func TestOneshotAcrossGoroutines(t *testing.T) {
	n := 20000 / scale
	var wg sync.WaitGroup
	sum := 0
	for i := range n {
		tx, rx := channel.NewOneshot[int]()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 0 {
				tx.Close()
				return
			}
			assert.NoError(t, tx.Send(i))
		}()
		v, err := future.BlockOn[future.Result[int]](rx).Get()
		if i%3 == 0 {
			require.ErrorIs(t, err, channel.ErrClosed)
			continue
		}
		require.NoError(t, err)
		sum += v
	}
	wg.Wait()
	want := 0
	for i := range n {
		if i%3 != 0 {
			want += i
		}
	}
	assert.Equal(t, want, sum)
}

// A sender dropped without Send or Close, whether before or after the
// receiver started waiting, closes the channel when it is collected.
func TestOneshotDroppedSenderIsClosedByTheCollector(t *testing.T) {
	rxBefore := func() *channel.OneshotReceiver[int] {
		_, rx := channel.NewOneshot[int]()
		return rx // sender dropped before anyone waits
	}()
	rxAfter, tx := func() (*channel.OneshotReceiver[int], *channel.OneshotSender[int]) {
		tx, rx := channel.NewOneshot[int]()
		return rx, tx
	}()
	for _, rx := range []*channel.OneshotReceiver[int]{rxBefore, rxAfter} {
		var w futuretest.CountWaker
		_, _, ready := pollRes[int](rx, &w)
		require.False(t, ready)
	}
	_ = tx
	tx = nil // drop the second sender now, after its receiver waited
	for _, rx := range []*channel.OneshotReceiver[int]{rxBefore, rxAfter} {
		futuretest.EventuallyCollected(t, func() bool {
			_, err := rx.TryRecv()
			return err == channel.ErrClosed
		}, "receiver left hanging by a dropped oneshot sender")
	}
}

// The cleanup a waiting receiver registers on its sender stays registered
// after Send (nothing stops it); when the sender is then collected, the
// cleanup finds the value sent and must not close the channel over it.
func TestOneshotSenderCollectedAfterSendKeepsTheValue(t *testing.T) {
	const n = 100
	rxs := make([]*channel.OneshotReceiver[int], n)
	func() {
		for i := range rxs {
			tx, rx := channel.NewOneshot[int]()
			var w futuretest.CountWaker
			_, _, ready := pollRes[int](rx, &w)
			require.False(t, ready)
			require.NoError(t, tx.Send(i))
			rxs[i] = rx
		}
	}()
	for range 3 {
		futuretest.HeapAfterGC()
		time.Sleep(time.Millisecond) // the cleanups run on their own goroutine
	}
	for i, rx := range rxs {
		var w futuretest.CountWaker
		v, err, ready := pollRes[int](rx, &w)
		require.True(t, ready)
		require.NoError(t, err)
		assert.Equal(t, i, v)
	}
}
