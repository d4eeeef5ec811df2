package poll

import (
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// BlockingConn is a Conn as a net.Conn for goroutine code (crypto/tls,
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
// A wait is a loop: poll the operation's future with a waker that signals
// a channel; if Pending, sleep on that channel, the deadline's timer and
// the deadline-changed channel; a deadline that has passed cancels the
// future (withdrawing its waiter) and returns the timeout.
type BlockingConn struct {
	c      *Conn
	rd, wr direction
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

// Conn returns the Conn b wraps.
func (b *BlockingConn) Conn() *Conn { return b.c }

// Read reads like net.Conn.Read: it blocks until at least one byte is
// read, and returns io.EOF at the end of the stream.
func (b *BlockingConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return b.rd.do(b.c, "read", b.c.Read(p))
}

// Write writes all of p like net.Conn.Write; on a timeout or error it
// returns how much was written before.
func (b *BlockingConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return b.wr.do(b.c, "write", b.c.WriteAll(p))
}

// do drives f on the calling goroutine until it completes, its side's
// deadline passes, or the connection is closed.
func (d *direction) do(c *Conn, op string, f *IOFuture) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.wake.init()
	cx := future.NewContext(&d.wake)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		t, changed := d.dl.get()
		if !t.IsZero() && !time.Now().Before(t) {
			f.Cancel()
			return f.n, c.opErr(op, os.ErrDeadlineExceeded)
		}
		if res, ok := f.Poll(cx).Value(); ok {
			return res.Get()
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
)
