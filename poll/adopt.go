package poll

import (
	"fmt"
	"net"
	"runtime"
)

// AdoptConn takes a connection of package net over: on success nc is
// closed and the connection lives on as the returned *Conn, on a duplicate
// of its descriptor. Only *net.TCPConn can be adopted. The Conn joins the
// reactor of the first task that has to wait on it, so use it from a task
// (not through Blocking) first. Data nc had buffered is not lost: package
// net buffers nothing.
func AdoptConn(nc net.Conn) (*Conn, error) {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil, fmt.Errorf("poll: AdoptConn: %T is not a *net.TCPConn", nc)
	}
	fd, err := dupOf(tc)
	if err != nil {
		return nil, opError("adopt", "tcp", nc.LocalAddr(), nc.RemoteAddr(), err)
	}
	raddr, _ := nc.RemoteAddr().(*net.TCPAddr)
	c := &Conn{network: nc.RemoteAddr().Network(), raddr: raddr}
	if la, ok := nc.LocalAddr().(*net.TCPAddr); ok {
		c.laddr.Store(la)
	}
	c.ref = &fdRef{fd: fd}
	runtime.AddCleanup(c, closeAbandoned, c.ref)
	if err := setNonblock(fd); err != nil {
		c.Close()
		return nil, err
	}
	nc.Close()
	return c, nil
}

// AdoptListener takes a listener of package net over, as AdoptConn does a
// connection: on success nl is closed and the returned *Listener accepts
// on a duplicate of its descriptor. Only *net.TCPListener can be adopted
// (an inherited socket-activation listener, say: net.FileListener first).
func AdoptListener(nl net.Listener) (*Listener, error) {
	tl, ok := nl.(*net.TCPListener)
	if !ok {
		return nil, fmt.Errorf("poll: AdoptListener: %T is not a *net.TCPListener", nl)
	}
	fd, err := dupOf(tl)
	if err != nil {
		return nil, opError("adopt", "tcp", nil, nl.Addr(), err)
	}
	addr, _ := nl.Addr().(*net.TCPAddr)
	l := &Listener{network: nl.Addr().Network(), addr: addr, nodelayEach: true}
	l.ref = &fdRef{fd: fd}
	runtime.AddCleanup(l, closeAbandoned, l.ref)
	if err := setNonblock(fd); err != nil {
		l.Close()
		return nil, err
	}
	nl.Close()
	return l, nil
}

// AdoptUnixConn takes a Unix stream connection of package net over, as
// AdoptConn does a TCP one: on success nc is closed and the connection
// lives on as the returned *UnixConn.
func AdoptUnixConn(nc *net.UnixConn) (*UnixConn, error) {
	fd, err := dupOf(nc)
	if err != nil {
		return nil, opError("adopt", "unix", nc.LocalAddr(), nc.RemoteAddr(), err)
	}
	c := &UnixConn{fd: newFd(fd)}
	c.laddr, _ = nc.LocalAddr().(*net.UnixAddr)
	c.raddr, _ = nc.RemoteAddr().(*net.UnixAddr)
	if err := setNonblock(fd); err != nil {
		c.Close()
		return nil, err
	}
	nc.Close()
	return c, nil
}

// AdoptUnixListener takes a Unix stream listener of package net over: on
// success nl is closed (without removing the socket file, which the
// returned listener's Close removes instead) and the returned
// *UnixListener accepts on a duplicate of its descriptor.
func AdoptUnixListener(nl *net.UnixListener) (*UnixListener, error) {
	fd, err := dupOf(nl)
	if err != nil {
		return nil, opError("adopt", "unix", nil, nl.Addr(), err)
	}
	addr, _ := nl.Addr().(*net.UnixAddr)
	if addr == nil {
		addr = &net.UnixAddr{Net: "unix"}
	}
	l := &UnixListener{fd: newFd(fd), addr: addr, unlink: addr.Name != "" && addr.Name[0] != '@'}
	if err := setNonblock(fd); err != nil {
		l.Close()
		return nil, err
	}
	nl.SetUnlinkOnClose(false)
	nl.Close()
	return l, nil
}
