package poll

import (
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// BlockingConn is a Conn or UnixConn as a net.Conn for goroutine code (crypto/tls,
// net/http, bufio): Read, Write, Close, the addresses and deadlines, with
// the semantics of package net. Each call parks the calling goroutine
// until the Conn's reactor reports readiness; that reactor must be driven
// by someone else meanwhile (a pool made with it, or a BlockOn on another
// goroutine), since the calling goroutine does not drive it.
//
// A call past its deadline fails with a *net.OpError wrapping
// os.ErrDeadlineExceeded (errors.Is works, and Timeout() is true). Like a
// net.Conn it is safe for concurrent use: reads are serialised among
// themselves, and so are writes, so one Write's bytes are never
// interleaved with another's.
//
// A wait is a loop: poll the read or write with a waker that signals a
// channel; if Pending, sleep on that channel, the deadline's timer and the
// deadline-changed channel; a deadline that has passed returns the
// timeout. The waiter left in the connection is this side's one reusable
// waker, replaced by the next call, so nothing accumulates.
type BlockingConn struct {
	c      streamConn
	r      *Reactor // for a UnixConn that has not joined one yet
	rd, wr direction
}

// streamConn is what BlockingConn needs of a stream connection (*Conn,
// *UnixConn).
type streamConn interface {
	PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]]
	PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]]
	Close() error
	CloseWrite() error
	LocalAddr() net.Addr
	RemoteAddr() net.Addr
	opErr(op string, err error) error
}

// direction is one side's lock, deadline and reusable waker.
type direction struct {
	mu   sync.Mutex // one operation at a time on this side
	wake chanWaker
	dl   deadline
}

// deadline is a settable point in time whose changes a waiting call sees.
type deadline struct {
	mu      sync.Mutex
	t       time.Time
	changed chan struct{} // closed and replaced on every change
}

func (d *deadline) get() (time.Time, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.changed == nil {
		d.changed = make(chan struct{})
	}
	return d.t, d.changed
}

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	d.t = t
	if d.changed != nil {
		close(d.changed)
		d.changed = nil
	}
	d.mu.Unlock()
}

// chanWaker turns a wake into a token on a channel of one.
type chanWaker struct {
	once sync.Once
	ch   chan struct{}
}

func (w *chanWaker) init() { w.once.Do(func() { w.ch = make(chan struct{}, 1) }) }

func (w *chanWaker) Wake() {
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

// Blocking returns c as a net.Conn for goroutine code (see BlockingConn).
// Close on either closes the connection.
func (c *Conn) Blocking() *BlockingConn { return &BlockingConn{c: c} }

// Blocking returns c as a net.Conn for goroutine code (see BlockingConn),
// waiting through r unless c already belongs to a reactor (a Unix
// connection joins one only when it first has to wait).
func (c *UnixConn) Blocking(r *Reactor) *BlockingConn { return &BlockingConn{c: c, r: r} }

// Read reads like net.Conn.Read: it blocks until at least one byte is
// read, and returns io.EOF at the end of the stream. Called from a pool
// worker or an async body a worker runs it returns future.ErrInWorker:
// await the connection's futures there instead.
func (b *BlockingConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return b.rd.do(b.c, b.r, "read", p, false)
}

// Write writes all of p like net.Conn.Write; on a timeout or error it
// returns how much was written before. Like Read it returns
// future.ErrInWorker where blocking is forbidden.
func (b *BlockingConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return b.wr.do(b.c, b.r, "write", p, true)
}

// do reads into p once (or, with all, writes all of p) on the calling
// goroutine until done, the side's deadline passes, or the connection is
// closed; it returns the bytes moved before a timeout or error too.
func (d *direction) do(c streamConn, r *Reactor, op string, p []byte, all bool) (int, error) {
	if noblock.Forbidden() {
		return 0, future.ErrInWorker
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.wake.init()
	cx := future.NewContext(&d.wake)
	if r != nil {
		cx.SetDriver(r)
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	n := 0
	for {
		t, changed := d.dl.get()
		if !t.IsZero() && !time.Now().Before(t) {
			return n, c.opErr(op, os.ErrDeadlineExceeded)
		}
		var poll future.Poll[future.Result[int]]
		if all {
			poll = c.PollWrite(cx, p[n:])
		} else {
			poll = c.PollRead(cx, p)
		}
		if res, ok := poll.Value(); ok {
			if res.Err != nil {
				return n, res.Err
			}
			n += res.Value
			if !all || n == len(p) {
				return n, nil
			}
			continue
		}
		var expired <-chan time.Time
		if !t.IsZero() {
			if timer == nil {
				timer = time.NewTimer(time.Until(t))
			} else {
				timer.Reset(time.Until(t))
			}
			expired = timer.C
		}
		select {
		case <-d.wake.ch:
		case <-expired:
		case <-changed:
		}
	}
}

// Close closes the connection; blocked calls return net.ErrClosed.
func (b *BlockingConn) Close() error { return b.c.Close() }

// CloseWrite half-closes the connection (like net.TCPConn.CloseWrite).
func (b *BlockingConn) CloseWrite() error { return b.c.CloseWrite() }

// LocalAddr returns the local address.
func (b *BlockingConn) LocalAddr() net.Addr { return b.c.LocalAddr() }

// RemoteAddr returns the peer's address.
func (b *BlockingConn) RemoteAddr() net.Addr { return b.c.RemoteAddr() }

// SetDeadline sets the read and write deadlines (see net.Conn); the zero
// time means none. It applies to calls already blocked too.
func (b *BlockingConn) SetDeadline(t time.Time) error {
	b.rd.dl.set(t)
	b.wr.dl.set(t)
	return nil
}

// SetReadDeadline sets the deadline of Read calls, present and future.
func (b *BlockingConn) SetReadDeadline(t time.Time) error {
	b.rd.dl.set(t)
	return nil
}

// SetWriteDeadline sets the deadline of Write calls, present and future.
func (b *BlockingConn) SetWriteDeadline(t time.Time) error {
	b.wr.dl.set(t)
	return nil
}

var (
	_ net.Conn                          = (*BlockingConn)(nil)
	_ io.ReadWriteCloser                = (*BlockingConn)(nil)
	_ future.Future[future.Result[int]] = (*IOFuture)(nil)
	_ streamConn                        = (*Conn)(nil)
	_ streamConn                        = (*UnixConn)(nil)
)
