package main

import (
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// The same server and client as await.go, written as hand-written futures:
// each Await there is a state here, and each local that lives across an
// Await is a field. spindle-async writes this kind of future from the
// bodies of await.go (await_async.go); this file shows how Poll works.

// handServer is the accept loop: a single state, the pending Accept.
type handServer struct {
	ln      *poll.Listener
	counter *atomic.Uint64
	accept  *poll.AcceptFuture
}

func handServe(ln *poll.Listener, counter *atomic.Uint64) future.Future[error] {
	return &handServer{ln: ln, counter: counter}
}

func (s *handServer) Poll(cx *future.Context) future.Poll[error] {
	for {
		if s.accept == nil {
			s.accept = s.ln.Accept()
		}
		r, ok := s.accept.Poll(cx).Value()
		if !ok {
			return future.Pending[error]()
		}
		s.accept = nil
		c, err := r.Get()
		if listenerClosed(err) {
			return future.Ready[error](nil)
		}
		if err != nil {
			return future.Ready(err)
		}
		pool.SpawnFrom(cx, &handHandler{c: c, v: s.counter.Add(1) - 1})
	}
}

// handHandler answers one connection: writing ──▶ done (Close does not
// wait, so it is no state of its own).
type handHandler struct {
	c     *poll.Conn
	v     uint64
	buf   [maxReply]byte
	write *poll.IOFuture
}

func (h *handHandler) Poll(cx *future.Context) future.Poll[error] {
	if h.write == nil {
		h.write = h.c.WriteAll(appendReply(h.buf[:0], h.v))
	}
	r, ok := h.write.Poll(cx).Value()
	if !ok {
		return future.Pending[error]()
	}
	h.c.Close()
	return future.Ready(r.Err)
}

// handClientFuture makes len(out) transactions, each
// dialling ──▶ reading ──▶ (close, next transaction).
type handClientFuture struct {
	addr string
	out  []uint64
	i    int
	dial *poll.DialFuture
	conn *poll.Conn
	read future.Future[future.Result[[]byte]]
}

func handClient(addr string, out []uint64) future.Future[error] {
	return &handClientFuture{addr: addr, out: out}
}

func (t *handClientFuture) Poll(cx *future.Context) future.Poll[error] {
	for t.i < len(t.out) {
		switch {
		case t.read != nil:
			r, ok := t.read.Poll(cx).Value()
			if !ok {
				return future.Pending[error]()
			}
			t.read = nil
			t.conn.Close()
			t.conn = nil
			reply, err := r.Get()
			if err != nil {
				return future.Ready(err)
			}
			v, err := parseReply(reply)
			if err != nil {
				return future.Ready(err)
			}
			t.out[t.i] = v
			t.i++
		case t.dial != nil:
			r, ok := t.dial.Poll(cx).Value()
			if !ok {
				return future.Pending[error]()
			}
			t.dial = nil
			c, err := r.Get()
			if err != nil {
				return future.Ready(err)
			}
			t.conn, t.read = c, c.ReadToEnd()
		default:
			t.dial = poll.Dial("tcp", t.addr)
		}
	}
	return future.Ready[error](nil)
}
