package channel_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

func pollClosed(f *channel.OneshotClosed[int], w *futuretest.CountWaker) bool {
	return f.Poll(w.Context()).IsReady()
}

func TestOneshotClosedCompletesWhenTheReceiverCloses(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	var old, w futuretest.CountWaker
	f := tx.Closed()
	require.False(t, pollClosed(f, &old))
	require.False(t, pollClosed(f, &w))
	rx.Close()
	assert.Zero(t, old.Count(), "only the latest poll's waker counts")
	assert.Equal(t, 1, w.Count())
	assert.True(t, pollClosed(f, &w))
	assert.True(t, pollClosed(tx.Closed(), &w), "a Closed made after the Close is Ready at once")
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { pollClosed(f, &w) })
	var se *channel.SendError[int]
	require.ErrorAs(t, tx.Send(1), &se)
}

func TestOneshotClosedCancel(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	var w futuretest.CountWaker
	f := tx.Closed()
	require.False(t, pollClosed(f, &w))
	f.Cancel()
	rx.Close()
	assert.Zero(t, w.Count(), "a cancelled Closed is not woken")
	futuretest.RequireMisuse(t, channel.ErrPolledAfterCancel, func() { pollClosed(f, &w) })
	assert.True(t, pollClosed(tx.Closed(), &w), "the Close was not lost")
	f.Cancel() // idempotent
}

// Taking the value is not going away: after a Send, Closed waits for an
// explicit Close. A closed sender may not ask.
func TestOneshotClosedAfterSendWaitsForClose(t *testing.T) {
	tx, rx := channel.NewOneshot[int]()
	require.NoError(t, tx.Send(5))
	var w futuretest.CountWaker
	f := tx.Closed()
	require.False(t, pollClosed(f, &w))
	v, err := rx.TryRecv()
	require.NoError(t, err)
	require.Equal(t, 5, v)
	require.False(t, pollClosed(f, &w))
	rx.Close()
	assert.Equal(t, 1, w.Count())
	assert.True(t, pollClosed(f, &w))

	tx2, _ := channel.NewOneshot[int]()
	tx2.Close()
	futuretest.RequireMisuse(t, channel.ErrHandleClosed, func() { tx2.Closed() })
}

// The Closed slot is a pointer and the sender waits in the waker slot
// until the receiver first waits: a oneshot of an empty or word-sized
// value stays in the allocator's 48-byte size class.
func TestOneshotStateStaysSmall(t *testing.T) {
	assert.LessOrEqual(t, channel.OneshotSize[struct{}](), uintptr(48))
	assert.LessOrEqual(t, channel.OneshotSize[int](), uintptr(48))
}

var errGaveUp = errors.New("receiver gave up")

// TestOneshotClosedSchedules: a producer races its work against Closed; a
// consumer either waits for the value or gives up and closes. Closed never
// completes before the Close, a producer whose work never ends is woken by
// it (or the run deadlocks), a Send fails exactly when the Close came
// first, and a consumer that waits gets the value.
func TestOneshotClosedSchedules(t *testing.T) {
	pooltest.RunSeeds(t, 2000/scale, func(s *pooltest.Sched) {
		tx, rx := channel.NewOneshot[int]()
		giveUp := s.Rand().IntN(2) == 0
		endless := giveUp && s.Rand().IntN(2) == 0
		steps := s.Rand().IntN(5)
		closed, closedBeforeDecision := false, false
		var sendErr error
		stopped := false
		pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
			var work future.Future[int] = future.Never[int]()
			if !endless {
				work = async.New(func(a *async.Awaiter) int {
					for range steps {
						async.Await(a, future.YieldNow())
					}
					return 42
				})
			}
			r := async.Await(a, future.Select[int, struct{}](work, tx.Closed()))
			closedBeforeDecision = closed
			if r.Index == 1 {
				stopped = true
				tx.Close()
				return struct{}{}
			}
			sendErr = tx.Send(r.First)
			return struct{}{}
		}))
		h := pooltest.Spawn(s, async.New(func(a *async.Awaiter) error {
			if giveUp {
				for range s.Rand().IntN(5) {
					async.Await(a, future.YieldNow())
				}
				closed = true
				rx.Close()
				return errGaveUp
			}
			v, err := async.Await(a, future.Future[future.Result[int]](rx)).Get()
			require.NoError(s, err)
			require.Equal(s, 42, v)
			return nil
		}))
		s.Wait()
		err, _ := h.Value()
		if !giveUp {
			require.NoError(s, err)
			require.False(s, stopped, "the producer stopped though the receiver waited")
			require.NoError(s, sendErr)
			return
		}
		require.ErrorIs(s, err, errGaveUp)
		if stopped {
			require.True(s, closedBeforeDecision, "Closed completed before the receiver closed")
			return
		}
		require.False(s, endless)
		require.Equal(s, closedBeforeDecision, sendErr != nil, "a Send fails exactly when the Close came first")
	})
}

func ExampleOneshotSender_Closed() {
	tx, rx := channel.NewOneshot[string]()
	rx.Close() // the receiver gives up (a timeout, a cancelled request, ...)

	// The producer races its work against the receiver's departure.
	work := future.Never[string]() // work that would take a long time
	r := future.BlockOn(future.Select[string, struct{}](work, tx.Closed()))
	fmt.Println("receiver gone:", r.Index == 1)
	// Output: receiver gone: true
}
