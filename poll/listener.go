package poll

import (
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

// Listener is a non-blocking TCP listener. Listen makes the socket with no
// reactor; the first Accept registers it with the reactor of the task that
// polls it.
type Listener struct {
	ref     *fdRef
	network string
	addr    *net.TCPAddr

	mu sync.Mutex // guards registration
	r  *Reactor

	nodelayEach bool // TCP_NODELAY could not be set on the listener: set it per connection

	backoff  atomic.Int64 // current EMFILE back-off in ns; 0 when accepting works
	backoffs atomic.Int64 // times Accept backed off
}

const (
	minAcceptBackoff = 5 * time.Millisecond // as net/http's Server
	maxAcceptBackoff = time.Second
)

// Listen announces on a TCP address: network is "tcp", "tcp4" or "tcp6";
// address is host:port as for net.Listen (port 0 picks a free port; an
// empty host listens on every address, dual-stack for "tcp"). The socket
// is non-blocking and close-on-exec, with SO_REUSEADDR.
func Listen(network, address string) (*Listener, error) {
	laddr, err := resolve(network, address)
	if err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	fail := func(err error) (*Listener, error) {
		return nil, opError("listen", network, nil, laddr, err)
	}
	fam := family(network, laddr.IP, true)
	sa, err := toSockaddr(fam, laddr, true)
	if err != nil {
		return fail(err)
	}
	fd, err := sysSocket(fam)
	if err != nil {
		return fail(err)
	}
	if fam == unix.AF_INET6 {
		v6only := 0
		if network == "tcp6" || (laddr.IP != nil && !laddr.IP.IsUnspecified()) {
			v6only = 1
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(fd)
		return fail(sysErr("setsockopt", err))
	}
	// Accepted sockets inherit TCP_NODELAY from the listener on Linux
	// (TestAcceptedInheritsNoDelay checks it), so setting it here once
	// saves a setsockopt per connection. If it fails, Accept sets it on
	// every connection instead.
	l := &Listener{network: network}
	l.nodelayEach = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1) != nil
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return fail(sysErr("bind", err))
	}
	if err := unix.Listen(fd, backlog()); err != nil {
		unix.Close(fd)
		return fail(sysErr("listen", err))
	}
	l.addr = sockname(fd)
	l.ref = &fdRef{fd: fd}
	runtime.AddCleanup(l, closeAbandoned, l.ref)
	return l, nil
}

var backlogOnce = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
			return n
		}
	}
	return unix.SOMAXCONN
})

func backlog() int { return backlogOnce() }

// Addr returns the address the listener is bound to (with the chosen port
// when port 0 was asked for).
func (l *Listener) Addr() net.Addr { return l.addr }

// Backoffs returns how many times Accept paused because the process or the
// system was out of descriptors (EMFILE, ENFILE) or memory.
func (l *Listener) Backoffs() int64 { return l.backoffs.Load() }

// Close stops listening. Accepts waiting on the listener complete with
// net.ErrClosed; connections already accepted are not affected.
func (l *Listener) Close() error {
	l.mu.Lock() // l.ref.reg is written by the first Accept under mu
	ok := l.ref.close()
	l.mu.Unlock()
	if !ok {
		return opError("close", l.network, nil, addrOf(l.addr), errClosedConn)
	}
	return nil
}

// specificAddr is the listener's address when it is bound to one IP (then
// every accepted socket has that local address), nil for a wildcard.
func (l *Listener) specificAddr() *net.TCPAddr {
	if l.addr == nil || l.addr.IP == nil || l.addr.IP.IsUnspecified() {
		return nil
	}
	return l.addr
}

// registration registers the listener with r on first use.
func (l *Listener) registration(r *Reactor) (registration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.r == nil {
		reg, err := r.register(l.ref.fd)
		if err != nil {
			return registration{}, err
		}
		l.ref.reg = reg
		l.r = r
	}
	if l.r != r {
		return registration{}, ErrWrongReactor
	}
	return l.ref.reg, nil
}

// AcceptFuture is the future of Accept.
//
// Cancel safety: cancelling a pending AcceptFuture (its Cancel, or
// dropping it) loses no connection: a connection is accepted only in the
// poll that returns it, so one not yet accepted stays in the kernel's
// queue for the next Accept.
type AcceptFuture struct {
	l       *Listener
	key     waitKey
	bo      timer // back-off timer while out of descriptors
	r       *Reactor
	backing bool
	done    bool
}

// Accept returns a future that completes with the next incoming connection.
// When the process or system runs out of descriptors it waits (5 ms,
// doubling up to 1 s, no busy loop) and tries again, as net/http does;
// connections aborted by the peer before they were accepted are skipped.
// Several Accepts may wait on one listener at once.
func (l *Listener) Accept() *AcceptFuture { return &AcceptFuture{l: l, bo: timer{idx: -1}} }

// Poll accepts one connection.
func (f *AcceptFuture) Poll(cx *future.Context) future.Poll[future.Result[*Conn]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.r == nil {
		f.r = reactorOf(cx, f)
	}
	l := f.l
	if f.backing {
		if nanotime() < f.bo.when {
			if !f.r.timers.arm(&f.bo, cx.Waker()) {
				return f.fail(ErrReactorClosed)
			}
			return future.Pending[future.Result[*Conn]]()
		}
		f.r.timers.cancel(&f.bo)
		f.backing = false
	}
	if !future.Coop(cx) {
		return future.Pending[future.Result[*Conn]]()
	}
	if !l.ref.incref() {
		return f.fail(errClosedConn)
	}
	defer l.ref.decref()
	reg, err := l.registration(f.r)
	if err != nil {
		return f.fail(err)
	}
	for {
		st, tick := reg.pollReady(cx, readyRead, &f.key)
		switch st {
		case slotPending:
			return future.Pending[future.Result[*Conn]]()
		case slotClosed:
			return f.fail(reg.closedErr())
		}
		nfd, raddr, err := sysAccept(l.ref.fd)
		switch err {
		case nil:
		case unix.EAGAIN:
			reg.clearReady(readyRead, tick)
			continue
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
			d := l.backoff.Load()
			d = min(max(2*d, int64(minAcceptBackoff)), int64(maxAcceptBackoff))
			l.backoff.Store(d)
			l.backoffs.Add(1)
			f.backing = true
			f.bo.when = nanotime() + d
			if !f.r.timers.arm(&f.bo, cx.Waker()) {
				return f.fail(ErrReactorClosed)
			}
			return future.Pending[future.Result[*Conn]]()
		default:
			return f.fail(sysErr("accept", err))
		}
		l.backoff.Store(0)
		c, err := newConn(f.r, nfd, l.network, l.specificAddr(), raddr, l.nodelayEach, false)
		if err != nil {
			unix.Close(nfd)
			return f.fail(err)
		}
		f.done = true
		return future.Ready(future.Ok(c))
	}
}

func (f *AcceptFuture) fail(err error) future.Poll[future.Result[*Conn]] {
	f.done = true
	return future.Ready(future.Err[*Conn](opError("accept", f.l.network, nil, addrOf(f.l.addr), err)))
}

// Cancel withdraws the future's waiter and back-off timer.
func (f *AcceptFuture) Cancel() {
	if f.r != nil {
		f.r.timers.cancel(&f.bo)
	}
	f.l.mu.Lock()
	g := f.l.ref.reg
	f.l.mu.Unlock()
	if g.s != nil {
		g.s.removeWaiter(g.gen, readyRead, &f.key)
	}
}
