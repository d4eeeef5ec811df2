package stream_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/future/stream"
)

func TestFromReceiverEndsWhenTheSendersClose(t *testing.T) {
	tx, rx := channel.Bounded[int](4)
	go func() {
		for i := range 100 {
			if _, err := future.BlockOn[future.Result[struct{}]](tx.Send(i)).Get(); err != nil {
				panic(err)
			}
		}
		tx.Close()
	}()
	s := stream.FromReceiver[int](rx)
	assert.Equal(t, ints(100), future.BlockOn(stream.Collect[int](s)))
	assert.NoError(t, s.Err())
}

func TestFromReceiverReportsALag(t *testing.T) {
	tx, rx := channel.NewBroadcast[int](2)
	for i := range 5 {
		require.NoError(t, tx.Send(i))
	}
	s := stream.FromReceiver[int](rx)
	got := future.BlockOn(stream.Collect[int](s))
	assert.Empty(t, got)
	assert.ErrorIs(t, s.Err(), channel.ErrLagged)
	tx.Close()
	stream.Close(s)
}
