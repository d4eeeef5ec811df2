package channel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// A receiver whose channel always has a value still yields once the task's
// cooperative budget is spent: it returns Pending, wakes its task, and
// loses no value.
func TestRecvHonoursTheBudget(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	for i := range 10 {
		require.NoError(t, tx.Send(i))
	}
	var w futuretest.CountWaker
	cx := w.Context()
	var b future.Budget
	b.Reset(4)
	cx.SetBudget(&b)
	got := 0
	for {
		r, ok := rx.PollRecv(cx).Value()
		if !ok {
			break
		}
		require.NoError(t, r.Err)
		assert.Equal(t, got, r.Value)
		got++
	}
	assert.Equal(t, 4, got, "four units of budget, four values")
	assert.Equal(t, 1, w.Count(), "a spent budget wakes the task to be polled again")
	b.Reset(future.DefaultBudget)
	for got < 10 {
		r, ok := rx.PollRecv(cx).Value()
		require.True(t, ok)
		assert.Equal(t, got, r.Value)
		got++
	}
	tx.Close()
}
