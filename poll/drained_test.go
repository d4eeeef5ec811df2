package poll_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// A read that returns less than it asked for drained the socket: the next
// read waits for an event instead of trying a syscall that would say
// EAGAIN. The peer's FIN is the exception: it waits behind the data and no
// later event announces it, so a short read after it keeps the readiness
// and the next read sees EOF.
func TestShortReadDrainsReadinessButNotTheFIN(t *testing.T) {
	r := withReactor(t)
	_, nc, c := acceptedPair(t, r)
	defer c.Close()
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	buf := make([]byte, 8)

	rd := c.Read(buf)
	require.True(t, rd.Poll(cx).IsPending(), "nothing to read yet: the conn registers")
	_, err := nc.Write([]byte("abc"))
	require.NoError(t, err)
	n, err := block[future.Result[int]](r, rd).Get()
	require.NoError(t, err)
	require.Equal(t, 3, n)
	ready, _ := poll.ConnReadiness(c)
	assert.False(t, ready, "a short read drained the readiness")

	// Data and FIN, both seen by the reactor before the read.
	_, err = nc.Write([]byte("de"))
	require.NoError(t, err)
	require.NoError(t, nc.(interface{ CloseWrite() error }).CloseWrite())
	for {
		if _, hup := poll.ConnReadiness(c); hup {
			break
		}
		r.Park(cx, 10*time.Millisecond)
	}
	n, err = block(r, poll.TryTimeout[int](c.Read(buf), 10*time.Second)).Get()
	require.NoError(t, err)
	require.Equal(t, "de", string(buf[:n]))
	ready, hup := poll.ConnReadiness(c)
	assert.True(t, ready && hup, "the short read before the FIN kept the readiness")
	_, err = block(r, poll.TryTimeout[int](c.Read(buf), 10*time.Second)).Get()
	assert.ErrorIs(t, err, io.EOF, "the FIN is read without a new event")
}
