package poll

import (
	"context"
	"net"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

// DialFuture is the future of Dial and DialContext.
//
//	resolving (IP literal: at once; host name: lookup goroutine, see lookup)
//	   │ addresses
//	   ▼
//	connecting to addrs[next] ──writable, SO_ERROR=0, peer known──▶ done(Ok)
//	   │ refused, unreachable, ... and more addresses: close, next++
//	   └ last address failed ──▶ done(Err: the first address's error)
//	any state ──ctx done──▶ done(Err: ctx.Err()), socket closed, lookup cancelled
type DialFuture struct {
	ctx              context.Context
	network, address string
	look             *lookup
	addrs            []*net.TCPAddr
	next             int
	firstErr         error
	raddr            *net.TCPAddr
	c                *Conn // registered socket while connecting
	key              waitKey
	connecting       bool
	done             bool

	// ctxWake wakes the latest waker when ctx ends while the dial waits
	// on the lookup or the connect.
	ctxWake  wakeSlot
	stopCtx  func() bool
	resolved bool
}

// wakeSlot holds the waker of the most recent poll for a wake that comes
// from outside the reactor.
type wakeSlot struct {
	mu sync.Mutex
	w  future.Waker
}

func (s *wakeSlot) set(w future.Waker) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

func (s *wakeSlot) wake() {
	s.mu.Lock()
	w := s.w
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Dial is DialContext with a context that never ends: wrap it in Timeout
// to bound it.
func Dial(network, address string) *DialFuture {
	return DialContext(context.Background(), network, address)
}

// DialContext returns a future that connects to address on network ("tcp",
// "tcp4", "tcp6") with a non-blocking connect and completes with the
// connection, or a *net.OpError (Op "dial"): a refused connection matches
// errors.Is(err, syscall.ECONNREFUSED). A host name (or service name) is
// resolved on a goroutine of its own, never on the worker, and every
// address it yields is tried in order until one connects, as net.Dialer
// does (without its parallel IPv4/IPv6 race); IP literals need no lookup.
// When ctx ends first the dial fails with an error wrapping ctx.Err();
// Cancel ends the lookup and closes the socket too.
//
// Cancel safety: a cancelled dial leaves nothing behind (no socket, no
// registration, no lookup goroutine once it notices); a connection it had
// not yet returned is closed, and a new Dial starts afresh.
func DialContext(ctx context.Context, network, address string) *DialFuture {
	return &DialFuture{ctx: ctx, network: network, address: address}
}

// Poll drives the lookup and the connect.
func (f *DialFuture) Poll(cx *future.Context) future.Poll[future.Result[*Conn]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if err := f.ctx.Err(); err != nil {
		return f.fail(err)
	}
	r := reactorOf(cx, f)
	if f.stopCtx == nil && f.ctx.Done() != nil {
		f.stopCtx = context.AfterFunc(f.ctx, f.ctxWake.wake)
	}
	f.ctxWake.set(cx.Waker())
	if !f.resolved {
		if f.look == nil {
			addrs, ok, err := literalAddrs(f.network, f.address)
			if err != nil {
				return f.fail(err)
			}
			if !ok {
				f.look = startLookup(f.ctx, f.network, f.address)
			}
			f.addrs = addrs
		}
		if f.look != nil {
			addrs, done, err := f.look.poll(cx.Waker())
			if !done {
				return future.Pending[future.Result[*Conn]]()
			}
			f.look = nil
			if err != nil {
				if cerr := f.ctx.Err(); cerr != nil {
					err = cerr
				}
				return f.fail(err)
			}
			f.addrs = addrs
		}
		f.resolved = true
	}
	for {
		if !f.connecting {
			if err := f.start(r, f.addrs[f.next]); err != nil {
				if f.tryNext(err) {
					continue
				}
				return f.fail(f.firstErr)
			}
			if !f.connecting {
				return f.succeed()
			}
		}
		reg := f.c.ref.reg
		st, tick := reg.pollReady(cx, readyWrite, &f.key)
		switch st {
		case slotPending:
			return future.Pending[future.Result[*Conn]]()
		case slotClosed:
			return f.fail(reg.closedErr())
		}
		soerr, err := unix.GetsockoptInt(f.c.ref.fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return f.fail(sysErr("getsockopt", err))
		}
		switch e := unix.Errno(soerr); e {
		case 0:
			// Writable with no error may still be "not yet": only a known
			// peer proves the handshake finished (as in Go's netFD).
			if _, err := unix.Getpeername(f.c.ref.fd); err == nil {
				return f.succeed()
			}
			reg.clearReady(readyWrite, tick)
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
			reg.clearReady(readyWrite, tick)
		default:
			if f.tryNext(sysErr("connect", e)) {
				continue
			}
			return f.fail(f.firstErr)
		}
	}
}

// tryNext records a failed address and moves to the next one; false when
// none is left.
func (f *DialFuture) tryNext(err error) bool {
	if f.firstErr == nil {
		f.firstErr = err
	}
	if f.c != nil {
		f.c.Close()
		f.c = nil
	}
	f.connecting = false
	f.next++
	return f.next < len(f.addrs)
}

func (f *DialFuture) start(r *Reactor, raddr *net.TCPAddr) error {
	f.raddr = raddr
	fam := family(f.network, raddr.IP, false)
	sa, err := toSockaddr(fam, raddr, false)
	if err != nil {
		return err
	}
	fd, err := sysSocket(fam)
	if err != nil {
		return err
	}
	c, err := newConn(r, fd, f.network, nil, raddr, true, true)
	if err != nil {
		unix.Close(fd)
		return err
	}
	f.c = c
	switch err := unix.Connect(fd, sa); err {
	case nil:
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		f.connecting = true
	default:
		return sysErr("connect", err)
	}
	return nil
}

func (f *DialFuture) succeed() future.Poll[future.Result[*Conn]] {
	c := f.c
	f.c = nil
	f.release()
	if a := sockname(c.ref.fd); a != nil {
		c.laddr.Store(a)
	}
	if pa := peername(c.ref.fd); pa != nil {
		c.raddr = pa
	}
	return future.Ready(future.Ok(c))
}

func (f *DialFuture) fail(err error) future.Poll[future.Result[*Conn]] {
	var laddr net.Addr
	if f.c != nil {
		if a := sockname(f.c.ref.fd); a != nil {
			laddr = a
		}
	}
	var raddr net.Addr
	if f.raddr != nil {
		raddr = f.raddr
	}
	f.release()
	return future.Ready(future.Err[*Conn](opError("dial", f.network, laddr, raddr, err)))
}

// release ends the lookup, the context watch and a connect in progress.
func (f *DialFuture) release() {
	f.done = true
	if f.look != nil {
		f.look.stop()
		f.look = nil
	}
	if f.stopCtx != nil {
		f.stopCtx()
		f.stopCtx = nil
	}
	f.ctxWake.set(nil)
	if f.c != nil {
		f.c.Close()
		f.c = nil
	}
}

// Cancel abandons the dial: it cancels a lookup in progress and closes a
// socket that is connecting. Timeout calls it when the deadline wins.
func (f *DialFuture) Cancel() {
	if !f.done {
		f.release()
	}
}
