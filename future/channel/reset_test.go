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

func TestSendFutureReset(t *testing.T) {
	tx, rx := channel.Bounded[int](2)
	f := tx.Send(0)
	futuretest.RequireMisuse(t, channel.ErrResetBusy, func() { f.Reset(1) })
	n := 2000 / scale
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range n {
			v, err := future.BlockOn[future.Result[int]](rx.Recv()).Get()
			assert.NoError(t, err)
			assert.Equal(t, i, v)
		}
	}()
	require.NoError(t, future.BlockOn[future.Result[struct{}]](f).Err)
	for i := 1; i < n; i++ {
		// One future for every value, waiting whenever the channel is full.
		require.NoError(t, future.BlockOn[future.Result[struct{}]](f.Reset(i)).Err)
	}
	wg.Wait()

	cx := future.NewContext(nil)
	allocs := testing.AllocsPerRun(100, func() {
		_, ok := f.Reset(7).Poll(cx).Value()
		require.True(t, ok)
		_, _ = rx.TryRecv()
	})
	assert.Zero(t, allocs, "a reused send future allocates nothing")
	tx.Close()
}
