package main

// One connection's task, serveConnBody, compiled into a state machine by
// spindle-async. Its states:
//
//	idle    -> holds no buffer; waits for the first bytes of the next
//	           request (IdleTimeout), or for the server to stop: then it
//	           closes. Each poll of the wait borrows buffers to read into
//	           and gives them back if the read has to wait (idleRead).
//	reading -> one request head and body (ReadTimeout from its first byte:
//	           a slow client gets 408 and the close).
//	answer  -> the response is appended to the output buffer. Input left
//	           over (pipelined requests): reading again, and the output goes
//	           out as soon as reading has to wait for the connection (see
//	           source), so that a batch of pipelined requests gets one
//	           write. No input left, or closing: the output is written
//	           (WriteTimeout); then back to idle, the buffers returned to
//	           the server's pool.
//
// Errors (a reset, an EOF in the middle, a timeout) close the connection.

import (
	"errors"
	"net/http"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
)

// flushAt is how much output a pipelining client may leave in the buffer
// before the server writes it even though more requests are waiting.
const flushAt = 16 << 10

// errStopping ends an idle connection when the server stops.
var errStopping = errors.New("httpd: server stopping")

// buffers is what a connection needs while a request is in flight. Idle
// connections give theirs back to the server's pool, so that holding a
// hundred thousand of them costs no buffers.
type buffers struct {
	src     source
	br      *aio.BufReader
	head    [1024]byte // the idle wait reads the next request's first bytes into it
	scratch [512]byte  // a request body is read into it and dropped
}

// source is the connection as the BufReader reads it: first the bytes
// that ended the idle wait, then the connection itself. Before it waits for
// the connection it writes the responses still in out: a client may wait
// for them before it sends the rest of the next request. A write that
// waits there counts against the request's read timeout.
type source struct {
	c    *poll.Conn
	pre  []byte // read by the idle wait, not yet taken by the BufReader
	out  []byte // responses not yet written, from out[sent:]
	sent int
}

// PollRead implements aio.Reader.
func (s *source) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	if len(s.pre) > 0 && len(p) > 0 {
		n := copy(p, s.pre)
		s.pre = s.pre[n:]
		return future.Ready(future.Ok(n))
	}
	if err, ok := s.pollFlush(cx).Value(); !ok || err != nil {
		if !ok {
			return future.Pending[future.Result[int]]()
		}
		return future.Ready(future.Err[int](err))
	}
	return s.c.PollRead(cx, p)
}

// pollFlush writes the output not yet written, then empties out.
func (s *source) pollFlush(cx *future.Context) future.Poll[error] {
	for s.sent < len(s.out) {
		r, ok := s.c.PollWrite(cx, s.out[s.sent:]).Value()
		if !ok {
			return future.Pending[error]()
		}
		if r.Err != nil {
			return future.Ready(r.Err)
		}
		s.sent += r.Value
	}
	s.out, s.sent = s.out[:0], 0
	return future.Ready[error](nil)
}

// flushing is pollFlush as a future, for a write that has to wait.
type flushing struct{ s *source }

// Poll implements future.Future.
func (f flushing) Poll(cx *future.Context) future.Poll[future.Result[struct{}]] {
	err, ok := f.s.pollFlush(cx).Value()
	if !ok {
		return future.Pending[future.Result[struct{}]]()
	}
	return future.Ready(future.Result[struct{}]{Err: err})
}

// serveConnBody serves the requests of one connection until either side
// closes it.
//
//spindle:async serveConn
func (s *Server) serveConnBody(a *async.Awaiter, c *poll.Conn) {
	idle := idleWait{s: s, c: c, stop: s.stop.Cancelled()}
	idle.stop.Adopt() // closeConn cancels it
	var b *buffers
	defer s.closeConn(c, &b, idle.stop)
	for {
		if b == nil {
			_, err := async.TryAwait(a, poll.TryTimeout(&idle, s.cfg.IdleTimeout))
			if err != nil {
				return
			}
			b, idle.b = idle.b, nil
		}
		// A request that is all there (the common case) is read in one
		// poll, with no timer made for it; one that has to wait goes on
		// under the read timeout.
		rf := readRequest(b.br, s.cfg.MaxHeaderBytes, s.cfg.MaxBodyBytes, b.scratch[:])
		res, ok := rf.Poll(a.Context()).Value()
		if !ok {
			res = async.Await(a, poll.TryTimeout(rf, s.cfg.ReadTimeout))
		}
		rf = nil // an idle connection keeps no reference to the pooled buffers
		req, err := res.Get()
		switch {
		case errors.Is(err, aio.ErrLineTooLong):
			req.status = http.StatusRequestHeaderFieldsTooLarge
		case errors.Is(err, poll.ErrTimeout):
			req.status = http.StatusRequestTimeout
		case err != nil:
			return // EOF or reset: nobody to answer
		}
		closing := req.close || req.status != 0 || s.stop.IsCancelled()
		status, body := req.status, []byte(nil)
		if status == 0 {
			status, body = Handler(&s.count, req.method, req.path, b.scratch[:0])
		} else {
			body = append(b.scratch[:0], http.StatusText(status)...)
			body = append(body, '\n')
		}
		b.src.out = appendResponse(b.src.out, status, body, req.head, closing)
		if closing || b.br.Buffered() == 0 || len(b.src.out) >= flushAt {
			// Likewise the socket nearly always takes the output at once.
			err, ok := b.src.pollFlush(a.Context()).Value()
			if !ok {
				_, err = async.TryAwait(a, poll.TryTimeout[struct{}](flushing{&b.src}, s.cfg.WriteTimeout))
			}
			if err != nil || closing {
				return
			}
		}
		if b.br.Buffered() == 0 {
			s.putBuffers(b)
			b = nil
		}
	}
}

// idleWait is the idle state's wait, one per connection, awaited once per
// request: it completes with the next request's first bytes, or with
// errStopping when the server stops.
//
// Each poll takes buffers from the server's pool and reads straight into
// them, so that the request costs one read; if the read has to wait, the
// buffers go back, so that an idle connection holds none. On success b
// holds the buffers, with the bytes in b.src.pre. The read is polled
// before the stop, so that a connection whose next request is there when
// the server stops gets its answer.
//
// stop lives as long as the connection: polled Pending, it stays queued
// on the server's token between requests, so that a request costs no
// new future and no trip through the token's queue.
type idleWait struct {
	s    *Server
	c    *poll.Conn
	stop *tasksync.CancelledFuture
	b    *buffers
}

// Poll implements future.Future.
func (w *idleWait) Poll(cx *future.Context) future.Poll[future.Result[int]] {
	b := w.s.newBuffers()
	res, ok := w.c.PollRead(cx, b.head[:]).Value()
	if !ok || res.Err != nil {
		w.s.bufPool.Put(b)
		if ok {
			return future.Ready(res)
		}
		if w.stop.Poll(cx).IsReady() {
			return future.Ready(future.Err[int](errStopping))
		}
		return future.Pending[future.Result[int]]()
	}
	w.s.busy.Add(1)
	b.src = source{c: w.c, pre: b.head[:res.Value], out: b.src.out[:0]}
	w.b = b
	return future.Ready(res)
}

// newBuffers takes buffers from the pool, or makes them.
func (s *Server) newBuffers() *buffers {
	b, _ := s.bufPool.Get().(*buffers)
	if b == nil {
		b = &buffers{}
		b.br = aio.NewBufReaderSize(&b.src, 4096)
		b.br.SetMaxLine(s.cfg.MaxHeaderBytes)
	}
	return b
}

// putBuffers gives b back to the pool, letting go of its connection.
func (s *Server) putBuffers(b *buffers) {
	s.busy.Add(-1)
	out := b.src.out[:0]
	if cap(out) > 2*flushAt {
		out = nil // a pipelining burst grew it: do not keep that for everyone
	}
	b.src = source{out: out}
	s.bufPool.Put(b)
}

// closeConn closes c and stops its wait on the server's stop; a
// connection that ends with a request in progress drops its buffers (they
// may hold a sticky error) rather than pool them. The buffers are counted
// out before the socket closes, so that whoever sees the socket gone sees
// them gone too.
func (s *Server) closeConn(c *poll.Conn, b **buffers, stop *tasksync.CancelledFuture) {
	stop.Cancel()
	if *b != nil {
		s.busy.Add(-1)
	}
	c.Close()
}
