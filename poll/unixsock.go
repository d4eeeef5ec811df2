package poll

import (
	"net"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

// UnixConn is a non-blocking Unix stream connection, made by DialUnix or
// UnixListener.Accept. It is an aio.Reader, aio.Writer and
// aio.CloseWriter, so package aio's helpers (ReadFull, WriteAll, Copy,
// BufReader, Split) do its I/O. A name starting with "@" is in Linux's
// abstract namespace (no file). One read and one write may wait at once.
type UnixConn struct {
	fd           *Fd
	laddr, raddr *net.UnixAddr
}

// Cred is the identity of the process at the other end of a Unix socket,
// as the kernel recorded it when the connection was made (SO_PEERCRED).
type Cred struct {
	PID, UID, GID int
}

func unixAddr(sa unix.Sockaddr) *net.UnixAddr {
	if u, ok := sa.(*unix.SockaddrUnix); ok {
		return &net.UnixAddr{Name: u.Name, Net: "unix"}
	}
	return &net.UnixAddr{Net: "unix"}
}

// DialUnix connects to the Unix stream socket at path. It is a plain call,
// not a future: connecting a Unix socket never waits for the listener to
// accept. A full backlog fails with EAGAIN, as in package net.
func DialUnix(path string) (*UnixConn, error) {
	raddr := &net.UnixAddr{Name: path, Net: "unix"}
	fd, err := sysSocketType(unix.AF_UNIX, unix.SOCK_STREAM)
	if err != nil {
		return nil, opError("dial", "unix", nil, raddr, err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, opError("dial", "unix", nil, raddr, sysErr("connect", err))
	}
	c := &UnixConn{fd: newFd(fd), raddr: raddr}
	if sa, err := unix.Getsockname(fd); err == nil {
		c.laddr = unixAddr(sa)
	}
	return c, nil
}

// LocalAddr returns the local address (unnamed for a dialing socket).
func (c *UnixConn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address.
func (c *UnixConn) RemoteAddr() net.Addr { return c.raddr }

func (c *UnixConn) opErr(op string, err error) error {
	return opError(op, "unix", c.laddr, c.raddr, err)
}

// PollRead reads into p: Ok(n > 0), io.EOF at the end, or a *net.OpError.
func (c *UnixConn) PollRead(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	return c.mapErr("read", c.fd.PollRead(cx, p))
}

// PollWrite writes from p: Ok(n) or a *net.OpError.
func (c *UnixConn) PollWrite(cx *future.Context, p []byte) future.Poll[future.Result[int]] {
	return c.mapErr("write", c.fd.PollWrite(cx, p))
}

func (c *UnixConn) mapErr(op string, p future.Poll[future.Result[int]]) future.Poll[future.Result[int]] {
	if res, ok := p.Value(); ok && res.Err != nil && !isEOF(res.Err) {
		return future.Ready(future.Err[int](c.opErr(op, res.Err)))
	}
	return p
}

// CloseWrite half-closes the connection: the peer reads EOF.
func (c *UnixConn) CloseWrite() error {
	if !c.fd.ref.incref() {
		return c.opErr("shutdown", errClosedConn)
	}
	defer c.fd.ref.decref()
	if err := unix.Shutdown(c.fd.ref.fd, unix.SHUT_WR); err != nil {
		return c.opErr("shutdown", sysErr("shutdown", err))
	}
	return nil
}

// PollCloseWrite is CloseWrite as an aio.CloseWriter; always Ready.
func (c *UnixConn) PollCloseWrite(*future.Context) future.Poll[future.Result[struct{}]] {
	return future.Ready(future.Result[struct{}]{Err: c.CloseWrite()})
}

// PeerCred returns the credentials of the peer process (Linux only;
// ErrUnsupported elsewhere).
func (c *UnixConn) PeerCred() (Cred, error) {
	if !c.fd.ref.incref() {
		return Cred{}, c.opErr("getsockopt", errClosedConn)
	}
	defer c.fd.ref.decref()
	return peerCred(c.fd.ref.fd)
}

// Close closes the connection; waiting futures complete with
// net.ErrClosed.
func (c *UnixConn) Close() error {
	if !c.fd.ref.close() {
		return c.opErr("close", errClosedConn)
	}
	return nil
}

// UnixListener is a non-blocking Unix stream listener.
type UnixListener struct {
	fd     *Fd
	addr   *net.UnixAddr
	unlink bool
}

// ListenUnix listens on the Unix stream socket at path ("@name" for an
// abstract one). Close removes the socket file it created, as package net
// does.
func ListenUnix(path string) (*UnixListener, error) {
	addr := &net.UnixAddr{Name: path, Net: "unix"}
	fd, err := sysSocketType(unix.AF_UNIX, unix.SOCK_STREAM)
	if err != nil {
		return nil, opError("listen", "unix", nil, addr, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, opError("listen", "unix", nil, addr, sysErr("bind", err))
	}
	if err := unix.Listen(fd, backlog()); err != nil {
		unix.Close(fd)
		return nil, opError("listen", "unix", nil, addr, sysErr("listen", err))
	}
	return &UnixListener{fd: newFd(fd), addr: addr, unlink: !strings.HasPrefix(path, "@")}, nil
}

// Addr returns the listener's address.
func (l *UnixListener) Addr() net.Addr { return l.addr }

// Accept returns a future that completes with the next connection. When
// the process is out of descriptors it fails with EMFILE (unlike
// Listener.Accept, it does not back off); the listener stays usable.
func (l *UnixListener) Accept() future.Future[future.Result[*UnixConn]] {
	var peer unix.Sockaddr
	var nfd int
	return newOp(l.fd, Readable, func(fd int) (int, error) {
		n, sa, err := sysAcceptAny(fd)
		for err == unix.ECONNABORTED {
			n, sa, err = sysAcceptAny(fd)
		}
		nfd, peer = n, sa
		return 0, err
	}, func(res future.Result[int]) future.Result[*UnixConn] {
		if res.Err != nil {
			err := res.Err
			if err != errClosedConn && err != ErrReactorClosed {
				err = os.NewSyscallError("accept4", err)
			}
			return future.Err[*UnixConn](opError("accept", "unix", nil, l.addr, err))
		}
		return future.Ok(&UnixConn{fd: newFd(nfd), laddr: l.addr, raddr: unixAddr(peer)})
	})
}

// Close stops listening and removes the socket file (not for an abstract
// name); Accepts waiting complete with net.ErrClosed.
func (l *UnixListener) Close() error {
	if !l.fd.ref.close() {
		return opError("close", "unix", nil, l.addr, errClosedConn)
	}
	if l.unlink {
		_ = os.Remove(l.addr.Name)
	}
	return nil
}

// ListenUnixgram opens a Unix datagram socket bound to path ("@name" for
// an abstract one). Close does not remove the file.
func ListenUnixgram(path string) (*PacketConn, error) {
	return openUnixgram("listen", &unix.SockaddrUnix{Name: path}, nil)
}

// DialUnixgram opens a Unix datagram socket connected to path; it binds
// an autobound abstract name first so that the peer can answer.
func DialUnixgram(path string) (*PacketConn, error) {
	return openUnixgram("dial", &unix.SockaddrUnix{}, &unix.SockaddrUnix{Name: path})
}

func openUnixgram(op string, local, remote *unix.SockaddrUnix) (*PacketConn, error) {
	var raddr net.Addr
	if remote != nil {
		raddr = &net.UnixAddr{Name: remote.Name, Net: "unixgram"}
	}
	fd, err := sysSocketType(unix.AF_UNIX, unix.SOCK_DGRAM)
	if err != nil {
		return nil, opError(op, "unixgram", nil, raddr, err)
	}
	if err := unix.Bind(fd, local); err != nil {
		unix.Close(fd)
		return nil, opError(op, "unixgram", nil, raddr, sysErr("bind", err))
	}
	if remote != nil {
		if err := unix.Connect(fd, remote); err != nil {
			unix.Close(fd)
			return nil, opError(op, "unixgram", nil, raddr, sysErr("connect", err))
		}
	}
	c := &PacketConn{fd: newFd(fd), network: "unixgram", raddr: raddr}
	if sa, err := unix.Getsockname(fd); err == nil {
		c.laddr = toNetAddr("unixgram", sa)
	}
	return c, nil
}
