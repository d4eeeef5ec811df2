//go:build !linux

package poll

import (
	"net"

	"golang.org/x/sys/unix"
)

// The reactor needs epoll; on other systems NewReactor reports
// ErrUnsupported and everything built on it does too. A kqueue backend
// would implement these methods.
type epoller struct{}

type sysEvent struct{}

type event struct {
	token uint32
	gen   uint32
	bits  uint8
}

const (
	readyRead  uint8 = 1 << 0
	readyWrite uint8 = 1 << 1
	readHup    uint8 = 1 << 2
)

func newPoller() (*epoller, error)                     { return nil, ErrUnsupported }
func (p *epoller) add(fd int, token, gen uint32) error { return ErrUnsupported }
func (p *epoller) del(fd int)                          {}
func (p *epoller) wait(buf []sysEvent, out []event, msec int) ([]event, error) {
	return out, ErrUnsupported
}
func (p *epoller) wake()        {}
func (p *epoller) close() error { return nil }

func sysSocket(family int) (int, error) { return -1, ErrUnsupported }

func sysAccept(fd int) (int, *net.TCPAddr, error) { return -1, nil, ErrUnsupported }

func sysSocketType(family, typ int) (int, error) { return -1, ErrUnsupported }

func sysAcceptAny(fd int) (int, unix.Sockaddr, error) { return -1, nil, ErrUnsupported }

func peerCred(fd int) (Cred, error) { return Cred{}, ErrUnsupported }
