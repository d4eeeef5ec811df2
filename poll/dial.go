package poll

import (
	"net"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

// DialFuture is the future of Dial.
//
//	start ──socket+register+connect──▶ connecting ──writable, SO_ERROR=0, peer known──▶ done(Ok)
//	  │ immediate success ─────────────────────────────────────────────────────────────▶ done(Ok)
//	  └ error ──▶ done(Err)        connecting ──SO_ERROR≠0──▶ done(Err)
type DialFuture struct {
	network, address string
	raddr            *net.TCPAddr
	c                *Conn // registered socket while connecting
	key              waitKey
	connecting       bool
	done             bool
}

// Dial returns a future that connects to address on network ("tcp",
// "tcp4", "tcp6") with a non-blocking connect and completes with the
// connection, or a *net.OpError (Op "dial"): a refused connection matches
// errors.Is(err, syscall.ECONNREFUSED). Host names are resolved
// synchronously when first polled; IP literals never block. Wrap it in
// Timeout to bound the wait.
func Dial(network, address string) *DialFuture {
	return &DialFuture{network: network, address: address}
}

// Poll drives the connect.
func (f *DialFuture) Poll(cx *future.Context) future.Poll[future.Result[*Conn]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if !f.connecting {
		r := reactorOf(cx, f)
		if err := f.start(r); err != nil {
			return f.fail(err)
		}
		if !f.connecting {
			return f.succeed()
		}
	}
	reg := f.c.ref.reg
	for {
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
			return f.fail(sysErr("connect", e))
		}
	}
}

func (f *DialFuture) start(r *Reactor) error {
	raddr, err := resolve(f.network, f.address)
	if err != nil {
		return err
	}
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
	f.done = true
	c := f.c
	f.c = nil
	if a := sockname(c.ref.fd); a != nil {
		c.laddr.Store(a)
	}
	if pa := peername(c.ref.fd); pa != nil {
		c.raddr = pa
	}
	return future.Ready(future.Ok(c))
}

func (f *DialFuture) fail(err error) future.Poll[future.Result[*Conn]] {
	f.done = true
	var laddr net.Addr
	if f.c != nil {
		if a := sockname(f.c.ref.fd); a != nil {
			laddr = a
		}
		f.c.close()
		f.c = nil
	}
	var raddr net.Addr
	if f.raddr != nil {
		raddr = f.raddr
	}
	return future.Ready(future.Err[*Conn](opError("dial", f.network, laddr, raddr, err)))
}

// Cancel abandons a connect in progress and closes its socket; Timeout
// calls it when the deadline wins.
func (f *DialFuture) Cancel() {
	if f.c != nil && !f.done {
		f.c.close()
		f.c = nil
		f.done = true
	}
}
