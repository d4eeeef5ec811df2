package poll_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// lineServer answers "OK <line>" per line, "ERR too long" for a line past
// 1 KiB (and goes on), and 32 MiB for "BIG", with a 200 ms limit on each
// write. Each connection's outcome goes to ended.
func lineServer(l *poll.Listener, ended chan<- error) future.Future[struct{}] {
	return async.New(func(a *async.Awaiter) struct{} {
		for {
			c, err := async.TryAwait(a, l.Accept())
			if err != nil {
				return struct{}{}
			}
			pool.SpawnFrom(a.Context(), async.New(func(a *async.Awaiter) struct{} {
				err := serveLines(a, c)
				c.Close()
				ended <- err
				return struct{}{}
			}))
		}
	})
}

func serveLines(a *async.Awaiter, c *poll.Conn) error {
	in, out := aio.NewBufReader(c), aio.NewBufWriter(c)
	in.SetMaxLine(1024)
	send := func(p []byte) error {
		if _, err := async.TryAwait(a, poll.TryTimeout(aio.WriteAll(out, p), 200*time.Millisecond)); err != nil {
			return err
		}
		_, err := async.TryAwait(a, poll.TryTimeout(out.Flush(), 200*time.Millisecond))
		return err
	}
	for {
		line, err := async.TryAwait(a, in.ReadLine())
		var reply []byte
		switch {
		case errors.Is(err, aio.ErrLineTooLong):
			reply = []byte("ERR too long\n")
		case err != nil:
			return err
		case line == "BIG":
			reply = make([]byte, 32<<20) // more than loopback buffers hold
		default:
			reply = []byte("OK " + line + "\n")
		}
		if err := send(reply); err != nil {
			return err
		}
	}
}

func TestLineServerSurvivesBadClients(t *testing.T) {
	r := withReactor(t)
	p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(r))
	require.NoError(t, err)
	before := openFDs(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ended := make(chan error, 16)
	srv := pool.Spawn(p, lineServer(l, ended))
	addr := l.Addr().String()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		return c
	}
	served := func() {
		t.Helper()
		c := dial()
		defer c.Close()
		_, err := c.Write([]byte("still there?\n"))
		require.NoError(t, err)
		line, err := bufio.NewReader(c).ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "OK still there?\n", line)
		c.Close()
		assert.Equal(t, io.EOF, <-ended)
	}

	t.Run("half-close", func(t *testing.T) {
		c := dial()
		defer c.Close()
		_, err := c.Write([]byte("a\nb\r\nlast"))
		require.NoError(t, err)
		require.NoError(t, c.(*net.TCPConn).CloseWrite())
		got, err := io.ReadAll(c)
		require.NoError(t, err)
		assert.Equal(t, "OK a\nOK b\nOK last\n", string(got), "answers every line, then closes")
		assert.Equal(t, io.EOF, <-ended)
	})
	served()

	t.Run("oversized line", func(t *testing.T) {
		c := dial()
		defer c.Close()
		_, err := c.Write([]byte(strings.Repeat("x", 100_000) + "\nafter\n"))
		require.NoError(t, err)
		br := bufio.NewReader(c)
		for _, want := range []string{"ERR too long\n", "OK after\n"} {
			line, err := br.ReadString('\n')
			require.NoError(t, err)
			assert.Equal(t, want, line)
		}
		c.Close()
		assert.Equal(t, io.EOF, <-ended)
	})
	served()

	t.Run("reset in the middle of a request", func(t *testing.T) {
		c := dial()
		_, err := c.Write([]byte("half a requ"))
		require.NoError(t, err)
		require.NoError(t, c.(*net.TCPConn).SetLinger(0))
		require.NoError(t, c.Close()) // RST
		err = <-ended
		// Either the reset is seen, or the partial line came first and
		// then the end: never a hang, never a crash.
		assert.True(t, errors.Is(err, syscall.ECONNRESET) || err == io.EOF || errors.Is(err, syscall.EPIPE), "%v", err)
	})
	served()

	t.Run("peer that never reads", func(t *testing.T) {
		c := dial()
		defer c.Close()
		_, err := c.Write([]byte("BIG\n"))
		require.NoError(t, err)
		assert.ErrorIs(t, <-ended, poll.ErrTimeout, "the write gave up; the connection was closed")
	})
	served()

	assert.Equal(t, 1, r.Stats().Registrations, "only the listener is left in the reactor")
	require.NoError(t, l.Close())
	_, err = srv.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 0, r.Stats().Registrations)
	assert.Equal(t, before, openFDs(t), "no descriptor leaked")
	shutdown(t, p) // closes r too
}
