package poll_test

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/poll"
)

// An accepted Conn learns its addresses without getpeername/getsockname at
// accept time; these tests pin what that must not change.

func TestAcceptedAddrsOnWildcardListener(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", ":0") // dual-stack wildcard: local IP only known per connection
	require.NoError(t, err)
	defer l.Close()
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	c, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	defer c.Close()
	want := nc.RemoteAddr().(*net.TCPAddr)
	got := c.LocalAddr().(*net.TCPAddr)
	assert.True(t, want.IP.Equal(got.IP), "local IP %v, the client dialed %v", got.IP, want.IP)
	assert.Equal(t, want.Port, got.Port)
	assert.Same(t, got, c.LocalAddr().(*net.TCPAddr), "computed once, then cached")
	assert.Equal(t, nc.LocalAddr().(*net.TCPAddr).Port, c.RemoteAddr().(*net.TCPAddr).Port)
}

func TestAcceptedAddrsSurviveResetAndClose(t *testing.T) {
	r := withReactor(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	c, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	cli := nc.LocalAddr().String()
	require.NoError(t, nc.(*net.TCPConn).SetLinger(0))
	require.NoError(t, nc.Close()) // RST: getpeername would now say ENOTCONN
	_, err = block(r, c.Read(make([]byte, 8))).Get()
	require.Error(t, err)
	assert.Equal(t, cli, c.RemoteAddr().String(), "the peer address came from accept4")
	require.NoError(t, c.Close()) // never asked for LocalAddr before Close
	assert.Equal(t, l.Addr().String(), c.LocalAddr().String(), "a specific-address listener's address is the local address")
}
