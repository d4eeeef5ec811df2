package poll

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// lookup is a host-name resolution running on a goroutine of its own, so
// a slow DNS server never holds a worker. It is a plain goroutine rather
// than pool.SpawnBlocking so that Dial works under any executor (BlockOn,
// pooltest) and needs nothing but the waker: the goroutine stores the
// result and wakes the most recent waker the DialFuture left.
//
//	running ──lookup returns──▶ done (addrs or err), waker woken
//	running ──cancel──▶ the lookup's context ends, the goroutine returns soon
type lookup struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	done   bool
	addrs  []*net.TCPAddr
	err    error
	w      future.Waker
}

// literalAddrs resolves address without any lookup when its host is an IP
// literal (or empty) and its port a number; ok is false when a lookup is
// needed.
func literalAddrs(network, address string) (addrs []*net.TCPAddr, ok bool, err error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, true, net.UnknownNetworkError(network)
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, true, err
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, false, nil // a service name ("http"): look it up
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil {
			return nil, false, nil // a host name
		}
	}
	a, err := resolve(network, address) // literals only: never a lookup
	if err != nil {
		return nil, true, err
	}
	return []*net.TCPAddr{a}, true, nil
}

// startLookup resolves address on a new goroutine.
func startLookup(ctx context.Context, network, address string) *lookup {
	ctx, cancel := context.WithCancel(ctx)
	l := &lookup{cancel: cancel}
	res := net.DefaultResolver // read here, not on the goroutine, like a Dialer's field
	go func() {
		addrs, err := lookupTCP(ctx, res, network, address)
		cancel()
		l.mu.Lock()
		l.done, l.addrs, l.err = true, addrs, err
		w := l.w
		l.w = nil
		l.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	}()
	return l
}

// poll returns the result once the lookup is done; until then it keeps w
// to wake.
func (l *lookup) poll(w future.Waker) (addrs []*net.TCPAddr, done bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.w = w
		return nil, false, nil
	}
	return l.addrs, true, l.err
}

func (l *lookup) stop() {
	l.cancel()
	l.mu.Lock()
	l.w = nil
	l.mu.Unlock()
}

// lookupTCP resolves host and port the way net.Dialer does, keeping the
// addresses of network's family in the resolver's order.
func lookupTCP(ctx context.Context, res *net.Resolver, network, address string) ([]*net.TCPAddr, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	pn, err := res.LookupPort(ctx, network, port)
	if err != nil {
		return nil, err
	}
	fam := "ip"
	switch network {
	case "tcp4":
		fam = "ip4"
	case "tcp6":
		fam = "ip6"
	}
	ips, err := res.LookupNetIP(ctx, fam, host)
	if err != nil {
		return nil, err
	}
	addrs := make([]*net.TCPAddr, 0, len(ips))
	for _, ip := range ips {
		addrs = append(addrs, net.TCPAddrFromAddrPort(netip.AddrPortFrom(ip.Unmap(), uint16(pn))))
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no suitable address", Name: host, IsNotFound: true}
	}
	return addrs, nil
}
