package main

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// serve accepts connections until l is closed and spawns an echoConn task
// for each, on the worker that accepted it.
func serve(l *poll.Listener) future.Future[error] {
	var acc *poll.AcceptFuture
	return future.Func[error](func(cx *future.Context) future.Poll[error] {
		for {
			if acc == nil {
				acc = l.Accept()
			}
			res, ok := acc.Poll(cx).Value()
			if !ok {
				return future.Pending[error]()
			}
			acc = nil
			c, err := res.Get()
			if err != nil {
				return future.Ready(err) // net.ErrClosed after l.Close
			}
			pool.SpawnFrom(cx, future.Future[struct{}](&echoConn{c: c, buf: make([]byte, 16<<10)}))
		}
	})
}

// echoConn is one connection's task, written by hand as a state machine:
//
//	reading ──n bytes──▶ writing ──all n written──▶ reading
//	   └─ EOF or error ──▶ closed (Ready)
//
// It holds 16 KiB of buffer and a few words: no goroutine, no stack.
type echoConn struct {
	c      *poll.Conn
	buf    []byte
	n, off int // bytes read, bytes of them written back
}

func (e *echoConn) Poll(cx *future.Context) future.Poll[struct{}] {
	for {
		if e.off == e.n {
			r, ok := e.c.PollRead(cx, e.buf).Value()
			if !ok {
				return future.Pending[struct{}]()
			}
			if r.Err != nil { // io.EOF: the client half-closed
				e.c.Close()
				return future.Ready(struct{}{})
			}
			e.n, e.off = r.Value, 0
		}
		r, ok := e.c.PollWrite(cx, e.buf[e.off:e.n]).Value()
		if !ok {
			return future.Pending[struct{}]()
		}
		if r.Err != nil {
			e.c.Close()
			return future.Ready(struct{}{})
		}
		e.off += r.Value
	}
}

// client dials addr, sends msg, half-closes and reads the echo to the end.
func client(addr string, msg []byte) future.Future[future.Result[[]byte]] {
	var dial *poll.DialFuture
	var c *poll.Conn
	var wr *poll.IOFuture
	var rd future.Future[future.Result[[]byte]]
	return future.Func[future.Result[[]byte]](func(cx *future.Context) future.Poll[future.Result[[]byte]] {
		if c == nil {
			if dial == nil {
				dial = poll.Dial("tcp", addr)
			}
			res, ok := dial.Poll(cx).Value()
			if !ok {
				return future.Pending[future.Result[[]byte]]()
			}
			if res.Err != nil {
				return future.Ready(future.Err[[]byte](res.Err))
			}
			c, wr = res.Value, res.Value.WriteAll(msg)
		}
		if wr != nil {
			res, ok := wr.Poll(cx).Value()
			if !ok {
				return future.Pending[future.Result[[]byte]]()
			}
			if res.Err != nil {
				c.Close()
				return future.Ready(future.Err[[]byte](res.Err))
			}
			wr = nil
			c.CloseWrite()
			rd = c.ReadToEnd()
		}
		res, ok := rd.Poll(cx).Value()
		if !ok {
			return future.Pending[future.Result[[]byte]]()
		}
		c.Close()
		return future.Ready(res)
	})
}
