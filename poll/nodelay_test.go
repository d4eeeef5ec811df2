package poll_test

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/poll"
)

// Accept no longer sets TCP_NODELAY per connection: it relies on the
// accepted socket inheriting it from the listener. Check the kernel does.
func TestAcceptedInheritsNoDelay(t *testing.T) {
	r := withReactor(t)
	for _, addr := range []string{"127.0.0.1:0", ":0"} {
		l, err := poll.Listen("tcp", addr)
		require.NoError(t, err)
		nc, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		c, err := block(r, l.Accept()).Get()
		require.NoError(t, err)
		v, err := unix.GetsockoptInt(poll.ConnFD(c), unix.IPPROTO_TCP, unix.TCP_NODELAY)
		require.NoError(t, err)
		assert.Equal(t, 1, v, "TCP_NODELAY on a connection accepted on %s", addr)
		require.NoError(t, c.SetNoDelay(false))
		v, err = unix.GetsockoptInt(poll.ConnFD(c), unix.IPPROTO_TCP, unix.TCP_NODELAY)
		require.NoError(t, err)
		assert.Equal(t, 0, v, "SetNoDelay still reaches the accepted socket")
		c.Close()
		nc.Close()
		l.Close()
	}
}
