package poll_test

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/poll"
)

func TestUDPReadFromWriteToAndConnected(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	srv, err := poll.ListenUDP("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	cli, err := poll.DialUDP("udp4", srv.LocalAddr().String())
	require.NoError(t, err)
	assert.Equal(t, srv.LocalAddr().String(), cli.RemoteAddr().String())

	buf := make([]byte, 64)
	// The server's ReadFrom is polled first and has to wait.
	res := block(r, future.Join2[future.Result[poll.Datagram], future.Result[int]](srv.ReadFrom(buf), cli.Write([]byte("ping"))))
	d, err := res.First.Get()
	require.NoError(t, err)
	assert.Equal(t, "ping", string(buf[:d.N]))
	assert.Equal(t, cli.LocalAddr().String(), d.Addr.String())

	back := make([]byte, 64)
	res2 := block(r, future.Join2[future.Result[int], future.Result[int]](cli.Read(back), srv.WriteTo([]byte("pong"), d.Addr)))
	n, err := res2.First.Get()
	require.NoError(t, err)
	assert.Equal(t, "pong", string(back[:n]))
	require.NoError(t, res2.Second.Err)

	// An empty datagram is a datagram, not an end.
	res3 := block(r, future.Join2[future.Result[poll.Datagram], future.Result[int]](srv.ReadFrom(buf), cli.Write(nil)))
	require.NoError(t, res3.First.Err)
	assert.Equal(t, 0, res3.First.Value.N)

	require.NoError(t, cli.Close())
	require.NoError(t, srv.Close())
	assert.ErrorIs(t, srv.Close(), net.ErrClosed)
	assert.Equal(t, before, openFDs(t), "no descriptor leaked")
}

// A connected UDP socket learns from ICMP that nobody listens.
func TestUDPConnectedRefused(t *testing.T) {
	r := withReactor(t)
	dead, err := poll.ListenUDP("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := dead.LocalAddr().String()
	require.NoError(t, dead.Close())
	c, err := poll.DialUDP("udp4", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = block(r, c.Write([]byte("anyone?"))).Get()
	require.NoError(t, err)
	_, err = block(r, c.Read(make([]byte, 8))).Get()
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	var oe *net.OpError
	assert.ErrorAs(t, err, &oe)
}

func TestUDPCloseEndsAWaitingRead(t *testing.T) {
	r := withReactor(t)
	c, err := poll.ListenUDP("udp", ":0")
	require.NoError(t, err)
	f := c.ReadFrom(make([]byte, 8))
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	require.True(t, f.Poll(cx).IsPending())
	require.NoError(t, c.Close())
	res, ok := f.Poll(cx).Value()
	require.True(t, ok)
	assert.ErrorIs(t, res.Err, net.ErrClosed)
}

func TestUDPBadInput(t *testing.T) {
	_, err := poll.ListenUDP("tcp", ":0")
	assert.ErrorContains(t, err, "unknown network")
	_, err = poll.DialUDP("udp", "no-port")
	assert.Error(t, err)
	c, err := poll.ListenUDP("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer c.Close()
	res, _ := poll.BlockOn(c.WriteTo([]byte("x"), &net.TCPAddr{}))
	assert.ErrorContains(t, res.Err, "unsupported address type")
}

func TestUnixStreamEchoPeerCredAndCleanup(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	path := filepath.Join(t.TempDir(), "s")
	l, err := poll.ListenUnix(path)
	require.NoError(t, err)
	c, err := poll.DialUnix(path)
	require.NoError(t, err)
	s, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	cred, err := s.PeerCred()
	require.NoError(t, err)
	assert.Equal(t, os.Getpid(), cred.PID)
	assert.Equal(t, os.Getuid(), cred.UID)
	assert.Equal(t, path, s.LocalAddr().String())

	msg := make([]byte, 1<<20)
	for i := range msg {
		msg[i] = byte(i * 3)
	}
	res := block(r, future.Join3[future.Result[int64], future.Result[int], future.Result[[]byte]](
		future.Map(aio.Copy(s, s), func(r future.Result[int64]) future.Result[int64] { s.CloseWrite(); return r }),
		future.Map(aio.WriteAll(c, msg), func(r future.Result[int]) future.Result[int] { c.CloseWrite(); return r }),
		aio.ReadAll(c)))
	require.NoError(t, res.First.Err)
	require.NoError(t, res.Second.Err)
	require.NoError(t, res.Third.Err)
	assert.Equal(t, msg, res.Third.Value)

	require.NoError(t, c.Close())
	require.NoError(t, s.Close())
	require.NoError(t, l.Close())
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, os.ErrNotExist, "Close removed the socket file")
	assert.Equal(t, before, openFDs(t), "no descriptor leaked")

	_, err = poll.DialUnix(path)
	assert.ErrorIs(t, err, syscall.ENOENT)
}

func TestUnixAbstractAndDatagram(t *testing.T) {
	r := withReactor(t)
	name := "@spindle-test-" + filepath.Base(t.TempDir())
	l, err := poll.ListenUnix(name)
	require.NoError(t, err)
	defer l.Close()
	c, err := poll.DialUnix(name)
	require.NoError(t, err)
	defer c.Close()
	s, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	defer s.Close()
	_, err = block(r, aio.WriteAll(c, []byte("abstract"))).Get()
	require.NoError(t, err)
	got := make([]byte, 8)
	_, err = block(r, aio.ReadFull(s, got)).Get()
	require.NoError(t, err)
	assert.Equal(t, "abstract", string(got))

	gpath := filepath.Join(t.TempDir(), "g")
	srv, err := poll.ListenUnixgram(gpath)
	require.NoError(t, err)
	defer srv.Close()
	cli, err := poll.DialUnixgram(gpath)
	require.NoError(t, err)
	defer cli.Close()
	buf := make([]byte, 16)
	res := block(r, future.Join2[future.Result[poll.Datagram], future.Result[int]](srv.ReadFrom(buf), cli.Write([]byte("dgram"))))
	d, err := res.First.Get()
	require.NoError(t, err)
	assert.Equal(t, "dgram", string(buf[:d.N]))
	_, err = block(r, srv.WriteTo([]byte("reply"), d.Addr)).Get()
	require.NoError(t, err, "the dialer autobound a name to answer to: %v", d.Addr)
	n, err := block(r, cli.Read(buf)).Get()
	require.NoError(t, err)
	assert.Equal(t, "reply", string(buf[:n]))
}
