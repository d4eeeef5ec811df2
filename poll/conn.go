package poll

import (
	"errors"
	"io"
	"net"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

var errClosedConn = net.ErrClosed

// Conn is a non-blocking TCP connection bound to a reactor, made by Dial or
// Listener.Accept (an accepted Conn joins the reactor's epoll set only
// when it first has to wait). Its I/O methods return futures; every error is a
// *net.OpError (Op "read", "write", ...) wrapping the syscall error, except
// io.EOF at the end of the stream, so errors.Is(err, syscall.ECONNRESET)
// and errors.Is(err, net.ErrClosed) work as with package net.
//
// Closing a Conn ends every wait on it at once with net.ErrClosed. One read
// and one write may be in flight at the same time, from different tasks.
type Conn struct {
	ref     *fdRef
	network string
	// laddr is the local address once known: set at once for a dialed
	// Conn, else on the first LocalAddr (or error) — an accepted Conn
	// pays no getsockname unless someone asks. lhint, when not nil, is
	// the listener's specific bound address, which is the accepted
	// socket's local address too, so no syscall is needed at all.
	laddr atomic.Pointer[net.TCPAddr]
	lhint *net.TCPAddr
	raddr *net.TCPAddr // from accept4 itself, or the dialed/peer address
	r     *Reactor     // registers with it on the first EAGAIN (see pollIO); nil if adopted
	rkey  waitKey      // waiter key of PollRead callers
	wkey  waitKey      // waiter key of PollWrite callers
}

// newConn wraps fd. A dialed socket (dialed true) is registered at once,
// as it must wait for connect, and gets TCP_NODELAY; an accepted one
// registers on its first EAGAIN and inherits TCP_NODELAY from its listener
// unless nodelay says the listener lacks it.
func newConn(r *Reactor, fd int, network string, lhint, raddr *net.TCPAddr, nodelay, dialed bool) (*Conn, error) {
	c := &Conn{network: network, lhint: lhint, raddr: raddr, r: r}
	c.ref = &fdRef{fd: fd}
	if dialed {
		if _, err := c.ref.register(r); err != nil {
			return nil, err
		}
	}
	if nodelay {
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1) // as package net does
	}
	// A Conn dropped without Close (an abandoned Dial, a task aborted
	// mid-conversation) closes its socket once unreachable, as *os.File
	// does. A Conn some task waits on stays reachable through that task's
	// waker in the reactor, so only truly abandoned ones are closed.
	runtime.AddCleanup(c, closeAbandoned, c.ref)
	return c, nil
}

// LocalAddr returns the local address. For a connection accepted on a
// wildcard listener it is asked of the kernel on the first call and cached;
// if that first call comes after Close it returns nil.
func (c *Conn) LocalAddr() net.Addr { return addrOf(c.localAddr()) }

func (c *Conn) localAddr() *net.TCPAddr {
	if a := c.laddr.Load(); a != nil {
		return a
	}
	var a *net.TCPAddr
	if h := c.lhint; h != nil {
		a = &net.TCPAddr{IP: append(net.IP(nil), h.IP...), Port: h.Port, Zone: h.Zone}
	} else {
		if !c.ref.incref() { // never ask about a closed (maybe reused) number
			return nil
		}
		a = sockname(c.ref.fd)
		c.ref.decref()
		if a == nil {
			return nil
		}
	}
	if !c.laddr.CompareAndSwap(nil, a) {
		a = c.laddr.Load()
	}
	return a
}

// RemoteAddr returns the peer's address (as accept4 or connect reported
// it, so it stays known after the peer has gone).
func (c *Conn) RemoteAddr() net.Addr { return addrOf(c.raddr) }

func (c *Conn) opErr(op string, err error) error {
	return opError(op, c.network, addrOf(c.localAddr()), addrOf(c.raddr), err)
}

// addrOf keeps a nil *net.TCPAddr from becoming a non-nil net.Addr.
func addrOf(a *net.TCPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

// SetNoDelay turns Nagle's algorithm off (true, the default of package net
// and of connections made here) or on.
func (c *Conn) SetNoDelay(noDelay bool) error {
	if !c.ref.incref() {
		return c.opErr("set", errClosedConn)
	}
	defer c.ref.decref()
	v := 0
	if noDelay {
		v = 1
	}
	if err := unix.SetsockoptInt(c.ref.fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, v); err != nil {
		return c.opErr("set", sysErr("setsockopt", err))
	}
	return nil
}

// PollRead reads into p once data is available: Ready(Ok(n)) with n > 0,
// Ready(Err(io.EOF)) at the end of the stream, a *net.OpError otherwise.
// It is the allocation-free building block of Read, for hand-written
// futures; callers of PollRead on one Conn share one waiter slot.
func (c *Conn) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	return c.pollIO(cx, &c.rkey, p, readyRead)
}

// PollWrite writes from p once the socket has room: Ready(Ok(n)) with
// 0 < n ≤ len(p), or a *net.OpError. Callers share one waiter slot.
func (c *Conn) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	return c.pollIO(cx, &c.wkey, p, readyWrite)
}

func (c *Conn) pollIO(cx *future.Context, key *waitKey, p []byte, dir uint8) future.Poll[future.Result[int]] {
	op := "read"
	if dir == readyWrite {
		op = "write"
	}
	if len(p) == 0 {
		return future.Ready(future.Ok(0))
	}
	if !future.Coop(cx) {
		return future.Pending[future.Result[int]]()
	}
	if !c.ref.incref() {
		return future.Ready(future.Err[int](c.opErr(op, errClosedConn)))
	}
	defer c.ref.decref()
	var reg registration
	if c.ref.regd.Load() {
		reg = c.ref.reg
	} else {
		// Not registered yet (an accepted Conn that never had to wait):
		// try the syscall first, so a connection that reads what is
		// already there, writes and closes never costs an epoll_ctl.
		n, err := c.sys(dir, p)
		for err == unix.EINTR {
			n, err = c.sys(dir, p)
		}
		if err != unix.EAGAIN {
			return c.result(op, dir, n, err)
		}
		// Register, then go through the loop below: the new slot starts
		// ready, so the syscall is tried once more. Readiness that came
		// between the EAGAIN and EPOLL_CTL_ADD is not lost: the retry
		// sees it, and ADD itself queues an event for a descriptor that
		// is already ready (ep_insert polls it).
		r := c.r
		if r == nil { // adopted (AdoptConn): the first task to wait decides
			r = reactorOf(cx, c)
		}
		if reg, err = c.ref.register(r); err != nil {
			return future.Ready(future.Err[int](c.opErr(op, err)))
		}
	}
	for {
		st, tick := reg.pollReady(cx, dir, key)
		switch st {
		case slotPending:
			return future.Pending[future.Result[int]]()
		case slotClosed:
			return future.Ready(future.Err[int](c.opErr(op, reg.closedErr())))
		}
		n, err := c.sys(dir, p)
		switch err {
		case unix.EAGAIN:
			reg.clearReady(dir, tick)
			continue
		case unix.EINTR:
			continue
		}
		if err == nil && dir == readyRead && n > 0 && n < len(p) {
			// A short read emptied the receive queue: the next read
			// waits for an event instead of a syscall saying EAGAIN
			// (as tokio does). Writes keep theirs: a short write
			// says less about what the next one meets.
			reg.drained(tick)
		}
		return c.result(op, dir, n, err)
	}
}

func (c *Conn) sys(dir uint8, p []byte) (int, error) {
	if dir == readyRead {
		return unix.Read(c.ref.fd, p)
	}
	return unix.Write(c.ref.fd, p)
}

// result turns a finished read or write into the future's outcome.
func (c *Conn) result(op string, dir uint8, n int, err error) future.Poll[future.Result[int]] {
	switch {
	case err != nil:
		return future.Ready(future.Err[int](c.opErr(op, sysErr(op, err))))
	case n == 0 && dir == readyRead:
		return future.Ready(future.Err[int](io.EOF))
	}
	return future.Ready(future.Ok(n))
}

// cancelWait forgets key's waiter (see Canceler).
func (c *Conn) cancelWait(dir uint8, key *waitKey) {
	if !c.ref.regd.Load() {
		return // never waited, so no waiter to forget
	}
	g := c.ref.reg
	if g.s != nil {
		g.s.removeWaiter(g.gen, dir, key)
	}
}

// IOFuture is the future of Read, Write and WriteAll.
//
// Cancel safety: a Read or Write cancelled while Pending (its Cancel, or
// dropping it) has transferred nothing: bytes move only in the poll that
// returns them, so a new Read gets every byte. A WriteAll cancelled after
// some polls may have written a prefix of p, and the count is lost with
// the future: it is not cancel-safe; write with Write in a loop where a
// cancelled write must be resumed.
type IOFuture struct {
	c    *Conn
	p    []byte
	n    int
	dir  uint8
	all  bool
	done bool
	key  waitKey
}

// Read returns a future that reads into p once data is available and
// completes with the byte count (> 0), io.EOF at the end of the stream, or
// a *net.OpError. p must not be touched until it completes.
func (c *Conn) Read(p []byte) *IOFuture { return &IOFuture{c: c, p: p, dir: readyRead} }

// Write returns a future that writes some of p, as much as the socket
// takes in one go, and completes with the count.
func (c *Conn) Write(p []byte) *IOFuture { return &IOFuture{c: c, p: p, dir: readyWrite} }

// WriteAll returns a future that writes all of p and completes with
// len(p), or with the error and the count written before it.
func (c *Conn) WriteAll(p []byte) *IOFuture {
	return &IOFuture{c: c, p: p, dir: readyWrite, all: true}
}

// Poll performs the I/O.
func (f *IOFuture) Poll(cx *future.Context) future.Poll[future.Result[int]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	for {
		r, ok := f.c.pollIO(cx, &f.key, f.p[f.n:], f.dir).Value()
		if !ok {
			return future.Pending[future.Result[int]]()
		}
		if r.Err != nil {
			f.done = true
			return future.Ready(future.Result[int]{Value: f.n, Err: r.Err})
		}
		f.n += r.Value
		if !f.all || f.n == len(f.p) {
			f.done = true
			return future.Ready(future.Ok(f.n))
		}
	}
}

// Cancel withdraws the future's waiter from the connection.
func (f *IOFuture) Cancel() { f.c.cancelWait(f.dir, &f.key) }

// ReadToEnd returns a future that reads until the peer shuts its write side
// down and completes with everything read. On an error the Result holds
// both the bytes read so far and the error.
func (c *Conn) ReadToEnd() future.Future[future.Result[[]byte]] {
	return &readToEnd{c: c}
}

type readToEnd struct {
	c    *Conn
	buf  []byte
	done bool
	key  waitKey
}

func (f *readToEnd) Poll(cx *future.Context) future.Poll[future.Result[[]byte]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	for {
		if cap(f.buf)-len(f.buf) < 512 {
			f.buf = append(f.buf, make([]byte, max(4096, cap(f.buf)))...)[:len(f.buf)]
		}
		r, ok := f.c.pollIO(cx, &f.key, f.buf[len(f.buf):cap(f.buf)], readyRead).Value()
		if !ok {
			return future.Pending[future.Result[[]byte]]()
		}
		if r.Err != nil {
			f.done = true
			if errors.Is(r.Err, io.EOF) {
				return future.Ready(future.Ok(f.buf))
			}
			return future.Ready(future.Result[[]byte]{Value: f.buf, Err: r.Err})
		}
		f.buf = f.buf[:len(f.buf)+r.Value]
	}
}

func (f *readToEnd) Cancel() { f.c.cancelWait(readyRead, &f.key) }

// CloseWrite shuts the write side down (half-close, like
// net.TCPConn.CloseWrite): the peer reads EOF once it has read what was
// sent, and this side can still read. Like Close it returns an error, not a
// future: shutdown(2) does not wait for anything.
func (c *Conn) CloseWrite() error { return c.shutdown() }

// PollCloseWrite is CloseWrite in the shape of aio.CloseWriter, so generic
// helpers (aio.CopyBidirectional, a BufWriter) can half-close a Conn. It is
// always Ready.
func (c *Conn) PollCloseWrite(*future.Context) future.Poll[future.Result[struct{}]] {
	return future.Ready(future.Result[struct{}]{Err: c.shutdown()})
}

func (c *Conn) shutdown() error {
	if !c.ref.incref() {
		return c.opErr("shutdown", errClosedConn)
	}
	defer c.ref.decref()
	if err := unix.Shutdown(c.ref.fd, unix.SHUT_WR); err != nil {
		return c.opErr("shutdown", sysErr("shutdown", err))
	}
	return nil
}

// Close closes the connection and ends every wait on it with
// net.ErrClosed; it errs only if the connection was already closed. It
// returns an error, not a future, like Listener.Close and net.Conn.Close:
// closing a descriptor never blocks on Linux (the kernel sends what is
// queued in the background), so there is nothing to wait for, and the
// plain shape makes a Conn an io.Closer and keeps `defer c.Close()` honest.
func (c *Conn) Close() error {
	if !c.ref.close() {
		return c.opErr("close", errClosedConn)
	}
	return nil
}
