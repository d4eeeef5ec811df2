package poll_test

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// An accepted Conn registers with epoll only when it first has to wait.
func TestAcceptedConnRegistersOnlyToWait(t *testing.T) {
	r := withReactor(t)
	_, nc, c := acceptedPair(t, r)
	var err error
	assert.Equal(t, 1, r.Stats().Registrations, "only the listener")

	n, err := block(r, c.Write([]byte("hi\r\n"))).Get()
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, 1, r.Stats().Registrations, "a write with room does not register")

	_, err = nc.Write([]byte("x"))
	require.NoError(t, err)
	buf := make([]byte, 8)
	pfd := []unix.PollFd{{Fd: int32(poll.ConnFD(c)), Events: unix.POLLIN}}
	_, err = unix.Poll(pfd, 5000) // the byte has arrived (not through the reactor)
	require.NoError(t, err)
	res, ok := c.Read(buf).Poll(future.NewContext(nil)).Value()
	require.True(t, ok, "data already there: read at once")
	require.NoError(t, res.Err)
	assert.Equal(t, 1, res.Value)
	assert.Equal(t, 1, r.Stats().Registrations, "a read of data already there does not register")

	rd := c.Read(buf)
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	require.True(t, rd.Poll(cx).IsPending(), "nothing to read: the read waits")
	assert.Equal(t, 2, r.Stats().Registrations, "waiting registered the Conn")
	_, err = nc.Write([]byte("yz"))
	require.NoError(t, err)
	n, err = block[future.Result[int]](r, rd).Get()
	require.NoError(t, err, "the wake after registration arrives")
	assert.Equal(t, "yz", string(buf[:n]))
	require.NoError(t, c.Close())
	assert.Equal(t, 1, r.Stats().Registrations, "Close deregistered it")
}

// Data that arrives between the first EAGAIN and the registration is not
// lost: many rounds where the peer writes right as the Conn starts waiting.
func TestLazyRegistrationLosesNoWake(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	for i := range lazyRounds {
		nc, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		c, err := block(r, l.Accept()).Get()
		require.NoError(t, err)
		go func() {
			if i%2 == 0 {
				time.Sleep(time.Duration(i%7) * time.Microsecond)
			}
			_, _ = nc.Write([]byte{byte(i)})
		}()
		buf := make([]byte, 1)
		got := make(chan future.Result[int], 1)
		go func() { got <- block(r, c.Read(buf)) }()
		select {
		case res := <-got:
			require.NoError(t, res.Err)
			require.Equal(t, byte(i), buf[0])
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: the read was never woken", i)
		}
		c.Close()
		nc.Close()
	}
	assert.Equal(t, 1, r.Stats().Registrations)
}

// A Conn closed without ever registering ends cleanly, and a wait on a
// lazily registered Conn still ends with net.ErrClosed on Close.
func TestCloseUnregisteredAndWaitingConn(t *testing.T) {
	r := withReactor(t)
	l, _, c := acceptedPair(t, r)
	var err error
	require.NoError(t, c.Close())
	_, err = block(r, c.Read(make([]byte, 1))).Get()
	assert.ErrorIs(t, err, net.ErrClosed)
	assert.Equal(t, 1, r.Stats().Registrations)

	nc2, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer nc2.Close()
	c2, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	got := make(chan error, 1)
	go func() {
		_, err := block(r, c2.Read(make([]byte, 1))).Get()
		got <- err
	}()
	require.Eventually(t, func() bool { return r.Stats().Registrations == 2 }, 5*time.Second, time.Millisecond)
	c2.Close()
	select {
	case err := <-got:
		assert.ErrorIs(t, err, net.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the wait")
	}
	assert.Equal(t, 1, r.Stats().Registrations)
}
