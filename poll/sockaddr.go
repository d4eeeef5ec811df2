package poll

import (
	"net"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// resolve parses a TCP address. Host names are looked up synchronously
// (net.ResolveTCPAddr): inside a task prefer IP literals, or resolve first.
func resolve(network, address string) (*net.TCPAddr, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	return net.ResolveTCPAddr(network, address)
}

// family picks the socket family the way package net does: tcp4/tcp6 say
// so; for "tcp" an IPv4 address gets AF_INET, and a wildcard listener gets
// a dual-stack AF_INET6 socket.
func family(network string, ip net.IP, listen bool) int {
	switch network {
	case "tcp4":
		return unix.AF_INET
	case "tcp6":
		return unix.AF_INET6
	}
	if ip == nil || ip.IsUnspecified() {
		if listen {
			return unix.AF_INET6
		}
		return unix.AF_INET
	}
	if ip.To4() != nil {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

func toSockaddr(fam int, a *net.TCPAddr, listen bool) (unix.Sockaddr, error) {
	if fam == unix.AF_INET {
		sa := &unix.SockaddrInet4{Port: a.Port}
		ip := a.IP
		if ip == nil || (ip.IsUnspecified() && !listen) {
			ip = net.IPv4(127, 0, 0, 1) // dialing the wildcard means this host, as in net
		}
		ip4 := ip.To4()
		if ip4 == nil {
			return nil, &net.AddrError{Err: "non-IPv4 address", Addr: a.String()}
		}
		copy(sa.Addr[:], ip4)
		return sa, nil
	}
	sa := &unix.SockaddrInet6{Port: a.Port}
	ip := a.IP
	if ip == nil || (ip.IsUnspecified() && !listen) {
		ip = net.IPv6loopback
	}
	if ip.To4() != nil && !ip.IsUnspecified() {
		ip = ip.To16() // v4-mapped
	}
	copy(sa.Addr[:], ip.To16())
	if a.Zone != "" {
		if ifi, err := net.InterfaceByName(a.Zone); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		} else if n, err := strconv.Atoi(a.Zone); err == nil {
			sa.ZoneId = uint32(n)
		}
	}
	return sa, nil
}

func fromSockaddr(sa unix.Sockaddr) *net.TCPAddr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(append([]byte(nil), sa.Addr[:]...)), Port: sa.Port}
	case *unix.SockaddrInet6:
		a := &net.TCPAddr{IP: net.IP(append([]byte(nil), sa.Addr[:]...)), Port: sa.Port}
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				a.Zone = ifi.Name
			} else {
				a.Zone = strconv.Itoa(int(sa.ZoneId))
			}
		}
		return a
	}
	return nil
}

// fromSyscallSockaddr is fromSockaddr for package syscall's types.
func fromSyscallSockaddr(sa syscall.Sockaddr) *net.TCPAddr {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(append([]byte(nil), sa.Addr[:]...)), Port: sa.Port}
	case *syscall.SockaddrInet6:
		return fromSockaddr(&unix.SockaddrInet6{Port: sa.Port, ZoneId: sa.ZoneId, Addr: sa.Addr})
	}
	return nil
}

func sockname(fd int) *net.TCPAddr {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil
	}
	return fromSockaddr(sa)
}

func peername(fd int) *net.TCPAddr {
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return nil
	}
	return fromSockaddr(sa)
}

func sysErr(call string, err error) error { return os.NewSyscallError(call, err) }
