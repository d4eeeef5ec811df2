package poll

import (
	"net"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// BlockingListener is a Listener as a net.Listener for goroutine code
// (http.Server.Serve, tls.NewListener): Accept blocks the calling
// goroutine and returns a *BlockingConn. The connections it accepts are
// driven by the reactor given to Listener.Blocking, which someone else
// must drive meanwhile (a pool made with it, usually).
type BlockingListener struct {
	l    *Listener
	r    *Reactor
	mu   sync.Mutex // one Accept polls at a time; the others wait their turn
	wake chanWaker
}

// Blocking returns l as a net.Listener whose connections belong to r.
// A listener already used by tasks of another reactor fails every Accept
// with ErrWrongReactor. Close on either closes the listener.
func (l *Listener) Blocking(r *Reactor) *BlockingListener {
	return &BlockingListener{l: l, r: r}
}

// Accept waits for the next connection, like net.Listener.Accept; after
// Close it returns an error wrapping net.ErrClosed. When the process is out
// of descriptors it waits and retries, as Listener.Accept does. Called from
// a pool worker or an async body a worker runs it returns
// future.ErrInWorker.
func (b *BlockingListener) Accept() (net.Conn, error) {
	if noblock.Forbidden() {
		return nil, future.ErrInWorker
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.wake.init()
	cx := future.NewContext(&b.wake)
	cx.SetDriver(b.r)
	f := b.l.Accept()
	for {
		if res, ok := f.Poll(cx).Value(); ok {
			if res.Err != nil {
				return nil, res.Err
			}
			return res.Value.Blocking(), nil
		}
		<-b.wake.ch
	}
}

// Close stops listening; a blocked Accept returns net.ErrClosed.
func (b *BlockingListener) Close() error { return b.l.Close() }

// Addr returns the listener's address.
func (b *BlockingListener) Addr() net.Addr { return b.l.Addr() }

var _ net.Listener = (*BlockingListener)(nil)
