package channel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// TestAbandonedSendsLeaveNothing polls 1,000,000 sends on a full channel
// once each and drops them: the send queue drains and the heap stays flat.
func TestAbandonedSendsLeaveNothing(t *testing.T) {
	tx, rx := channel.Bounded[[4]int](1)
	require.NoError(t, tx.TrySend([4]int{-1}))
	cx := future.NewContext(nil)
	before := futuretest.HeapAfterGC()
	for i := range 1_000_000 / scale {
		_, ok := tx.Send([4]int{i}).Poll(cx).Value()
		require.False(t, ok)
	}
	// The first few queued sends carry no GC backstop (see unguardedSends):
	// they stay until receives deliver them; every other one is collected.
	futuretest.EventuallyCollected(t, func() bool {
		return channel.SendQueueLen(tx) <= channel.UnguardedSends
	}, "abandoned sends left in the queue")
	after := futuretest.HeapAfterGC()
	t.Logf("heap %d -> %d bytes (%+d)", before, after, int64(after)-int64(before))
	assert.Less(t, int64(after)-int64(before), int64(4<<20))
	v, err := rx.TryRecv()
	require.NoError(t, err)
	assert.Equal(t, [4]int{-1}, v)
	for i := range channel.UnguardedSends {
		v, err := rx.TryRecv()
		require.NoError(t, err)
		assert.Equal(t, [4]int{i}, v, "the unguarded sends are the first ones, delivered in order")
	}
	_, err = rx.TryRecv()
	assert.ErrorIs(t, err, channel.ErrEmpty, "nothing else was kept")
	assert.Zero(t, channel.SendQueueLen(tx))
	tx.Close()
}

// TestAbandonedReceivesLeaveNothing: receive futures hold only the one
// waker slot of their receiver, so dropping a million costs nothing.
func TestAbandonedReceivesLeaveNothing(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	btx, brx := channel.NewBroadcast[int](4)
	wtx, wrx := channel.NewWatch(0)
	cx := future.NewContext(nil)
	before := futuretest.HeapAfterGC()
	for range 1_000_000 / scale {
		_, ok := rx.Recv().Poll(cx).Value()
		require.False(t, ok)
		_, ok = brx.Recv().Poll(cx).Value()
		require.False(t, ok)
		_, ok = wrx.Changed().Poll(cx).Value()
		require.False(t, ok)
	}
	after := futuretest.HeapAfterGC()
	t.Logf("heap %d -> %d bytes (%+d)", before, after, int64(after)-int64(before))
	assert.Less(t, int64(after)-int64(before), int64(1<<20))
	assert.Equal(t, 1, channel.BroadcastWaiters(btx), "one node per receiver, however many polls")
	for _, c := range []func(){tx.Close, rx.Close, btx.Close, brx.Close, wtx.Close, wrx.Close} {
		c()
	}
}

// Handles dropped without Close are closed when collected, so the other
// side is not left hanging: the Go stand-in for Rust's Drop.
func TestDroppedHandlesAreClosedByTheCollector(t *testing.T) {
	rx := func() *channel.Receiver[int] {
		tx, rx := channel.Bounded[int](1)
		require.NoError(t, tx.TrySend(1))
		return rx // tx dropped without Close
	}()
	assert.Equal(t, 1, recv(t, rx), "the value sent before the drop is kept")
	futuretest.EventuallyCollected(t, func() bool {
		_, err := rx.TryRecv()
		return err == channel.ErrClosed
	}, "receiver never saw the dropped sender close")

	tx := func() *channel.Sender[int] {
		tx, _ := channel.Bounded[int](1)
		return tx
	}()
	futuretest.EventuallyCollected(t, tx.IsClosed, "sender never saw the dropped receiver close")
	tx.Close()

	btx := func() *channel.BroadcastSender[int] {
		btx, _ := channel.NewBroadcast[int](1)
		btx.Subscribe()
		return btx
	}()
	futuretest.EventuallyCollected(t, func() bool { return btx.Receivers() == 0 }, "dropped broadcast receivers never unsubscribed")
	btx.Close()

	wrx := func() *channel.WatchReceiver[int] {
		_, wrx := channel.NewWatch(0)
		return wrx
	}()
	futuretest.EventuallyCollected(t, func() bool {
		_, err := wrx.HasChanged()
		return err == channel.ErrClosed
	}, "watch receiver never saw the dropped sender close")
	wrx.Close()
}

// TestWaitingOneshotCostsLittle: a receive waiting on a oneshot costs the
// shared state (48 bytes) and the sender (8); the finalizer that the first
// wait sets on the sender allocates nothing on the heap. With a pool task
// of a Result (80 bytes), a task waiting on a oneshot stays within 144
// bytes of heap.
func TestWaitingOneshotCostsLittle(t *testing.T) {
	var w futuretest.CountWaker
	cx := future.NewContext(&w)
	const n = 20_000
	txs := make([]*channel.OneshotSender[int], n)
	rxs := make([]*channel.OneshotReceiver[int], n)
	i := 0
	wait := func() {
		tx, rx := channel.NewOneshot[int]()
		_, ok := rx.Poll(cx).Value()
		require.False(t, ok)
		txs[i], rxs[i] = tx, rx
		i++
	}
	assert.Equal(t, 2.0, testing.AllocsPerRun(100, wait), "allocations per waiting receive")
	i = 0
	before := futuretest.HeapAfterGC()
	for range n {
		wait()
	}
	after := futuretest.HeapAfterGC()
	per := (int64(after) - int64(before)) / n
	t.Logf("%d bytes per waiting oneshot receive", per)
	assert.LessOrEqual(t, per, int64(56))
	for j := range txs {
		require.NoError(t, txs[j].Send(j))
		v, err := rxs[j].TryRecv()
		require.NoError(t, err)
		require.Equal(t, j, v)
	}
}
