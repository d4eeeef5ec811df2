//go:build linux

package poll

import (
	"errors"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// epoller is the Linux backend: one epoll instance plus an eventfd that
// Unpark writes to. Every descriptor is registered edge-triggered for read,
// write and peer hang-up at once (mio does the same), so a registration
// never needs epoll_ctl(MOD) and readiness is tracked by the reactor, not by
// re-arming interest.
type epoller struct {
	epfd int
	efd  int
}

// wakeToken is the token of the eventfd; slab tokens never reach it.
const wakeToken = ^uint32(0)

// event is one readiness report, decoupled from the kernel's struct so the
// portable code does not name epoll.
type event struct {
	token uint32
	gen   uint32
	bits  uint8
}

const (
	readyRead  uint8 = 1 << 0
	readyWrite uint8 = 1 << 1
	// readHup is set with readyRead by an event that says the peer shut
	// its side or the socket failed: the end of the stream or an error
	// is waiting to be read, which no later event will announce.
	readHup uint8 = 1 << 2
)

const ioEvents = unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET

func newPoller() (*epoller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: -1} // uint32(-1) == wakeToken
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, efd, &ev); err != nil {
		unix.Close(efd)
		unix.Close(epfd)
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	return &epoller{epfd: epfd, efd: efd}, nil
}

// add registers fd; the kernel hands token and gen back with every event
// (they fill epoll_event.data), so the reactor can tell a stale event for a
// slot that has since been freed or reused from a live one.
func (p *epoller) add(fd int, token, gen uint32) error {
	ev := unix.EpollEvent{Events: ioEvents, Fd: int32(token), Pad: int32(gen)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

func (p *epoller) del(fd int) {
	// ENOENT/EBADF only mean the kernel already forgot fd; nothing to undo.
	_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// wait blocks for at most msec milliseconds (-1: no limit) and appends the
// events to out. A wake through the eventfd is drained here and reported
// as no event: its only job is to end the wait.
func (p *epoller) wait(buf []unix.EpollEvent, out []event, msec int) ([]event, error) {
	n, err := unix.EpollWait(p.epfd, buf, msec)
	if err != nil {
		if errors.Is(err, unix.EINTR) {
			return out, nil
		}
		return out, os.NewSyscallError("epoll_wait", err)
	}
	for i := range n {
		e := &buf[i]
		tok := uint32(e.Fd)
		if tok == wakeToken {
			p.drain()
			continue
		}
		var bits uint8
		if e.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			bits |= readyRead
		}
		if e.Events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			bits |= readHup
		}
		if e.Events&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			bits |= readyWrite
		}
		out = append(out, event{token: tok, gen: uint32(e.Pad), bits: bits})
	}
	return out, nil
}

var one = [8]byte{1, 0, 0, 0, 0, 0, 0, 0}

func (p *epoller) wake() {
	// EAGAIN means the counter is saturated: a wake is pending anyway.
	_, _ = unix.Write(p.efd, one[:])
}

func (p *epoller) drain() {
	var b [8]byte
	_, _ = unix.Read(p.efd, b[:])
}

func (p *epoller) close() error {
	e1 := unix.Close(p.efd)
	e2 := unix.Close(p.epfd)
	return errors.Join(e1, e2)
}

type sysEvent = unix.EpollEvent

func sysSocket(family int) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// sysAccept accepts with the standard library's accept4 wrapper rather
// than x/sys's: both get the peer address from accept4 itself, but x/sys
// decodes an AF_INET address only after a getsockopt(SO_PROTOCOL) — one
// more syscall per connection for nothing, as the socket is TCP. Keeping
// the address from accept4 (instead of passing NULL and asking
// getpeername later) keeps RemoteAddr right after a reset, when
// getpeername would fail with ENOTCONN.
func sysAccept(fd int) (int, *net.TCPAddr, error) {
	nfd, sa, err := syscall.Accept4(fd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
	if err != nil {
		return -1, nil, err
	}
	return nfd, fromSyscallSockaddr(sa), nil
}

func sysSocketType(family, typ int) (int, error) {
	fd, err := unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// sysAcceptAny accepts a connection of any family.
func sysAcceptAny(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}

// peerCred reads SO_PEERCRED.
func peerCred(fd int) (Cred, error) {
	u, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return Cred{}, os.NewSyscallError("getsockopt", err)
	}
	return Cred{PID: int(u.Pid), UID: int(u.Uid), GID: int(u.Gid)}, nil
}
