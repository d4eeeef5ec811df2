package poll

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
)

// PacketConn is a non-blocking datagram socket: UDP (ListenUDP, DialUDP)
// or a Unix datagram socket (ListenUnixgram, DialUnixgram). ReadFrom and
// WriteTo are futures; a connected socket (the Dial functions) also has
// Read and Write, which talk to its one peer. Datagrams are not a byte
// stream (an empty datagram is not the end of anything), so a PacketConn is
// not an aio.Reader. Errors are *net.OpError values, as in package net.
//
// One read and one write may wait at once, from different tasks; each
// future withdraws its own waiter when cancelled.
type PacketConn struct {
	fd           *Fd
	network      string
	laddr, raddr net.Addr
}

// Datagram is what ReadFrom completes with: the datagram's length (its
// bytes are in the buffer given to ReadFrom) and its sender.
type Datagram struct {
	N    int
	Addr net.Addr
}

// ListenUDP opens a UDP socket bound to address on network ("udp",
// "udp4", "udp6"); port 0 picks a free port; an empty host binds every
// address (dual-stack for "udp"). The address is resolved synchronously:
// use IP literals inside tasks.
func ListenUDP(network, address string) (*PacketConn, error) {
	return openUDP("listen", network, address, false)
}

// DialUDP opens a UDP socket connected to address: Write sends to it, Read
// receives only from it, and an ICMP "port unreachable" shows as
// ECONNREFUSED on a later call. The address is resolved synchronously.
func DialUDP(network, address string) (*PacketConn, error) {
	return openUDP("dial", network, address, true)
}

func openUDP(op, network, address string, connect bool) (*PacketConn, error) {
	tcpNet := map[string]string{"udp": "tcp", "udp4": "tcp4", "udp6": "tcp6"}[network]
	if tcpNet == "" {
		return nil, opError(op, network, nil, nil, net.UnknownNetworkError(network))
	}
	ua, err := net.ResolveUDPAddr(network, address)
	if err != nil {
		return nil, opError(op, network, nil, nil, err)
	}
	a := &net.TCPAddr{IP: ua.IP, Port: ua.Port, Zone: ua.Zone}
	fam := family(tcpNet, a.IP, !connect)
	sa, err := toSockaddr(fam, a, !connect)
	if err != nil {
		return nil, opError(op, network, nil, ua, err)
	}
	fd, err := sysSocketType(fam, unix.SOCK_DGRAM)
	if err != nil {
		return nil, opError(op, network, nil, ua, err)
	}
	if fam == unix.AF_INET6 && !connect {
		v6only := 0
		if network == "udp6" || (ua.IP != nil && !ua.IP.IsUnspecified()) {
			v6only = 1
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	if connect {
		err = unix.Connect(fd, sa)
	} else {
		err = unix.Bind(fd, sa)
	}
	if err != nil {
		unix.Close(fd)
		call := "bind"
		if connect {
			call = "connect"
		}
		return nil, opError(op, network, nil, ua, sysErr(call, err))
	}
	c := &PacketConn{fd: newFd(fd), network: network}
	if sa, err := unix.Getsockname(fd); err == nil {
		c.laddr = toNetAddr(network, sa)
	}
	if connect {
		c.raddr = ua
	}
	return c, nil
}

// toNetAddr converts a socket address to the net.Addr of network.
func toNetAddr(network string, sa unix.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: sa.Name, Net: network}
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		a := fromSockaddr(sa)
		switch network {
		case "udp", "udp4", "udp6":
			return &net.UDPAddr{IP: a.IP, Port: a.Port, Zone: a.Zone}
		}
		return a
	}
	return nil
}

// sockaddrOf converts the destination of WriteTo for this socket.
func (c *PacketConn) sockaddrOf(addr net.Addr) (unix.Sockaddr, error) {
	switch a := addr.(type) {
	case *net.UDPAddr:
		ta := &net.TCPAddr{IP: a.IP, Port: a.Port, Zone: a.Zone}
		fam := unix.AF_INET
		if la, ok := c.laddr.(*net.UDPAddr); ok && la.IP.To4() == nil {
			fam = unix.AF_INET6 // a v6 (or dual-stack) socket sends to v4 as v4-mapped
		}
		return toSockaddr(fam, ta, false)
	case *net.UnixAddr:
		return &unix.SockaddrUnix{Name: a.Name}, nil
	}
	return nil, &net.AddrError{Err: "unsupported address type", Addr: addr.String()}
}

// LocalAddr returns the socket's own address.
func (c *PacketConn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the connected peer's address, or nil.
func (c *PacketConn) RemoteAddr() net.Addr { return c.raddr }

// Close closes the socket; waiting futures complete with net.ErrClosed.
func (c *PacketConn) Close() error {
	if !c.fd.ref.close() {
		return opError("close", c.network, c.laddr, c.raddr, errClosedConn)
	}
	return nil
}

func (c *PacketConn) fail(op string, err error) error {
	if err != errClosedConn && err != ErrReactorClosed {
		err = os.NewSyscallError(map[string]string{"read": "recvfrom", "write": "sendto"}[op], err)
	}
	return opError(op, c.network, c.laddr, c.raddr, err)
}

// ReadFrom returns a future that receives one datagram into p and
// completes with its length and sender. A datagram longer than p is
// truncated, as in package net. p must not be touched until it completes.
func (c *PacketConn) ReadFrom(p []byte) future.Future[future.Result[Datagram]] {
	var from unix.Sockaddr
	return newOp(c.fd, Readable, func(fd int) (int, error) {
		n, sa, err := unix.Recvfrom(fd, p, 0)
		from = sa
		return n, err
	}, func(res future.Result[int]) future.Result[Datagram] {
		if res.Err != nil {
			return future.Err[Datagram](c.fail("read", res.Err))
		}
		addr := c.raddr
		if from != nil {
			addr = toNetAddr(c.network, from)
		}
		return future.Ok(Datagram{N: res.Value, Addr: addr})
	})
}

// WriteTo returns a future that sends p as one datagram to addr (a
// *net.UDPAddr or *net.UnixAddr) and completes with len(p).
func (c *PacketConn) WriteTo(p []byte, addr net.Addr) future.Future[future.Result[int]] {
	sa, err := c.sockaddrOf(addr)
	if err != nil {
		return future.Done(future.Err[int](opError("write", c.network, c.laddr, addr, err)))
	}
	return c.send(p, sa)
}

// Read returns a future that receives one datagram from the connected
// peer into p and completes with its length.
func (c *PacketConn) Read(p []byte) future.Future[future.Result[int]] {
	return newOp(c.fd, Readable, func(fd int) (int, error) {
		return unix.Read(fd, p)
	}, func(res future.Result[int]) future.Result[int] {
		if res.Err != nil {
			return future.Err[int](c.fail("read", res.Err))
		}
		return res
	})
}

// Write returns a future that sends p as one datagram to the connected
// peer and completes with len(p).
func (c *PacketConn) Write(p []byte) future.Future[future.Result[int]] { return c.send(p, nil) }

func (c *PacketConn) send(p []byte, sa unix.Sockaddr) future.Future[future.Result[int]] {
	return newOp(c.fd, Writable, func(fd int) (int, error) {
		if err := unix.Sendto(fd, p, 0, sa); err != nil {
			return 0, err
		}
		return len(p), nil
	}, func(res future.Result[int]) future.Result[int] {
		if res.Err != nil {
			return future.Err[int](c.fail("write", res.Err))
		}
		return res
	})
}
