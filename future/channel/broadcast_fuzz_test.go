package channel_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future/channel"
)

// FuzzBroadcastModel checks Broadcast against a model: with ring capacity
// c, a receiver whose cursor is at r while s values were sent receives
// value r if s-r <= c, else a *LaggedError of s-r-c and then value s-c.
// Ops: even byte = send, odd byte = a receive on receiver (b/2)%3.
func FuzzBroadcastModel(f *testing.F) {
	f.Add(uint8(2), []byte{0, 0, 0, 0, 1, 3, 5, 1, 0, 1})
	f.Add(uint8(1), []byte{0, 1, 0, 0, 3, 3, 5, 5})
	f.Fuzz(func(t *testing.T, capByte uint8, ops []byte) {
		capacity := 1 + int(capByte%6)
		tx, first := channel.NewBroadcast[int](capacity)
		rxs := []*channel.BroadcastReceiver[int]{first, tx.Subscribe(), tx.Subscribe()}
		cursors := make([]int, len(rxs))
		sent := 0
		for _, op := range ops {
			if op%2 == 0 {
				require.NoError(t, tx.Send(sent))
				sent++
				continue
			}
			i := int(op/2) % len(rxs)
			v, err := rxs[i].TryRecv()
			behind := sent - cursors[i]
			switch {
			case behind == 0:
				require.ErrorIs(t, err, channel.ErrEmpty)
			case behind > capacity:
				var lag *channel.LaggedError
				require.True(t, errors.As(err, &lag), "want lag, got %v", err)
				require.Equal(t, uint64(behind-capacity), lag.Missed)
				cursors[i] = sent - capacity
			default:
				require.NoError(t, err)
				require.Equal(t, cursors[i], v)
				cursors[i]++
			}
		}
		tx.Close()
		for i, rx := range rxs {
			for {
				v, err := rx.TryRecv()
				if errors.Is(err, channel.ErrClosed) {
					break
				}
				var lag *channel.LaggedError
				if errors.As(err, &lag) {
					cursors[i] += int(lag.Missed)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, cursors[i], v)
				cursors[i]++
			}
			require.Equal(t, sent, cursors[i], "receiver %d drained to the end before ErrClosed", i)
			rx.Close()
		}
	})
}
