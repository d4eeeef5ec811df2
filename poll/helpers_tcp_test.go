package poll_test

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// acceptLoop accepts until the listener is closed, spawning handle(c) for
// every connection; accepted reports each one.
func acceptLoop(e *miniExec, l *poll.Listener, handle func(*poll.Conn) future.Future[struct{}]) future.Future[struct{}] {
	var acc future.Future[future.Result[*poll.Conn]]
	return fn(func(cx *future.Context) bool {
		for {
			res, ok := await(cx, &acc, func() future.Future[future.Result[*poll.Conn]] { return l.Accept() })
			if !ok {
				return false
			}
			c, err := res.Get()
			if err != nil {
				return true // listener closed
			}
			e.spawn(handle(c))
		}
	})
}

// echo copies everything read back to the peer, then closes when the peer
// half-closes (or on any error).
func echo(c *poll.Conn) future.Future[struct{}] {
	buf := make([]byte, 32<<10)
	var rd, wr future.Future[future.Result[int]]
	n, writing := 0, false
	return fn(func(cx *future.Context) bool {
		for {
			if !writing {
				res, ok := await(cx, &rd, func() future.Future[future.Result[int]] { return c.Read(buf) })
				if !ok {
					return false
				}
				if res.Err != nil {
					c.Close()
					return true
				}
				n, writing = res.Value, true
			}
			res, ok := await(cx, &wr, func() future.Future[future.Result[int]] { return c.WriteAll(buf[:n]) })
			if !ok {
				return false
			}
			if res.Err != nil {
				c.Close()
				return true
			}
			writing = false
		}
	})
}

// roundTrip dials addr, writes msg, half-closes, reads to the end and
// reports what came back (or the first error) to out.
func roundTrip(network, addr string, msg []byte, out func([]byte, error)) future.Future[struct{}] {
	var dial future.Future[future.Result[*poll.Conn]]
	var wr future.Future[future.Result[int]]
	var rd future.Future[future.Result[[]byte]]
	var c *poll.Conn
	step := 0
	return fn(func(cx *future.Context) bool {
		for {
			switch step {
			case 0:
				res, ok := await(cx, &dial, func() future.Future[future.Result[*poll.Conn]] { return poll.Dial(network, addr) })
				if !ok {
					return false
				}
				if res.Err != nil {
					out(nil, res.Err)
					return true
				}
				c, step = res.Value, 1
			case 1:
				res, ok := await(cx, &wr, func() future.Future[future.Result[int]] { return c.WriteAll(msg) })
				if !ok {
					return false
				}
				if res.Err != nil {
					c.Close()
					out(nil, res.Err)
					return true
				}
				c.CloseWrite()
				step = 2
			case 2:
				res, ok := await(cx, &rd, func() future.Future[future.Result[[]byte]] { return c.ReadToEnd() })
				if !ok {
					return false
				}
				c.Close()
				out(res.Get())
				return true
			}
		}
	})
}

// acceptedPair listens on a loopback port, dials it with package net and
// accepts the connection through r. The listener and the net side are
// closed when the test ends; the accepted Conn is the caller's.
func acceptedPair(t *testing.T, r *poll.Reactor) (*poll.Listener, net.Conn, *poll.Conn) {
	t.Helper()
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	c, err := block(r, l.Accept()).Get()
	require.NoError(t, err)
	return l, nc, c
}
