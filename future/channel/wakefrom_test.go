package channel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// A send made inside a poll wakes the receiver through future.WakeFrom, so
// an executor can keep the woken task on its worker; outside a poll it is a
// plain Wake.
func TestWakesFromInsideAPollAreLocal(t *testing.T) {
	worker := "worker-0"
	inPoll := future.NewContext(nil)
	inPoll.SetExt(worker)

	tx, rx := channel.Bounded[int](1)
	rw := &futuretest.LocalWaker{}
	_, ok := rx.PollRecv(future.NewContext(rw)).Value()
	require.False(t, ok)
	r, ok := tx.Send(1).Poll(inPoll).Value()
	require.True(t, ok)
	require.NoError(t, r.Err)
	assert.Equal(t, []any{worker}, rw.Locals(), "Send future woke the receiver locally")
	assert.Zero(t, rw.Wakes())

	// A receive that makes room wakes the queued sender locally too.
	sw := &futuretest.LocalWaker{}
	s := tx.Send(2)
	_, ok = s.Poll(future.NewContext(sw)).Value()
	require.False(t, ok)
	_, ok = rx.PollRecv(inPoll).Value()
	require.True(t, ok)
	assert.Equal(t, []any{worker}, sw.Locals())

	otx, orx := channel.NewOneshot[int]()
	ow := &futuretest.LocalWaker{}
	_, ok = orx.Poll(future.NewContext(ow)).Value()
	require.False(t, ok)
	require.NoError(t, otx.SendFrom(inPoll, 1))
	assert.Equal(t, []any{worker}, ow.Locals())

	utx, urx := channel.Unbounded[int]()
	uw := &futuretest.LocalWaker{}
	_, ok = urx.PollRecv(future.NewContext(uw)).Value()
	require.False(t, ok)
	require.NoError(t, utx.Send(1))
	assert.Equal(t, 1, uw.Wakes(), "outside a poll: plain Wake")
	assert.Empty(t, uw.Locals())
	tx.Close()
	utx.Close()
}
