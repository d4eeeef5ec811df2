package poll_test

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/poll"
)

// A listener and a client connection made by package net are taken over:
// the spindle side accepts on the one and talks over the other.
func TestAdoptListenerAndConn(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l, err := poll.AdoptListener(nl)
	require.NoError(t, err)
	_, err = nl.Accept()
	assert.ErrorIs(t, err, net.ErrClosed, "the net.Listener was closed by the adoption")
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	c, err := poll.AdoptConn(nc)
	require.NoError(t, err)
	assert.Equal(t, nc.LocalAddr().String(), c.LocalAddr().String())

	res := block(r, future.Join2[future.Result[*poll.Conn], future.Result[int]](l.Accept(), c.WriteAll([]byte("adopted"))))
	s, err := res.First.Get()
	require.NoError(t, err)
	require.NoError(t, res.Second.Err)
	require.NoError(t, c.CloseWrite())
	got, err := block(r, aio.ReadAll(s)).Get()
	require.NoError(t, err)
	assert.Equal(t, "adopted", string(got))
	assert.Equal(t, c.LocalAddr().String(), s.RemoteAddr().String())
	require.NoError(t, s.Close())
	require.NoError(t, c.Close())
	require.NoError(t, l.Close())
	assert.Equal(t, before, openFDs(t), "no descriptor leaked")
}

func TestAdoptRejectsOtherKinds(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_, err := poll.AdoptConn(a)
	assert.ErrorContains(t, err, "is not a *net.TCPConn")
	ul, err := net.Listen("unix", "@spindle-adopt-test")
	require.NoError(t, err)
	defer ul.Close()
	_, err = poll.AdoptListener(ul)
	assert.ErrorContains(t, err, "is not a *net.TCPListener")
}

func TestAdoptUnixListenerAndConn(t *testing.T) {
	r := withReactor(t)
	before := openFDs(t)
	path := filepath.Join(t.TempDir(), "adopt.sock")
	nl, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	require.NoError(t, err)
	l, err := poll.AdoptUnixListener(nl)
	require.NoError(t, err)
	_, err = os.Stat(path)
	require.NoError(t, err, "closing the adopted net.UnixListener kept the socket file")
	nc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	require.NoError(t, err)
	c, err := poll.AdoptUnixConn(nc)
	require.NoError(t, err)
	s, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	res := block(r, future.Join2[future.Result[int], future.Result[[]byte]](
		future.Map(aio.WriteAll(c, []byte("unix, adopted")), func(r future.Result[int]) future.Result[int] { c.CloseWrite(); return r }),
		aio.ReadAll(s)))
	require.NoError(t, res.First.Err)
	assert.Equal(t, "unix, adopted", string(res.Second.Value))
	require.NoError(t, c.Close())
	require.NoError(t, s.Close())
	require.NoError(t, l.Close())
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, os.ErrNotExist, "the spindle listener removed the file")
	assert.Equal(t, before, openFDs(t), "no descriptor leaked")
}
