package count

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
)

// threadServer is the idiomatic Go server: an accept loop that starts a
// goroutine per connection. With max > 0 at most max handlers run at once,
// like the Rust demo's thread server; the accept loop waits for a free
// slot. With alt the handlers take their replies from one amortized
// decimal counter under a mutex, as the Rust demo's default thread server
// does, instead of formatting an atomic count.
//
// While accepts are refused for lack of descriptors, a handler that
// closes its connection wakes the accept loop, which retries at once
// instead of sleeping out its back-off.
type threadServer struct {
	ln  net.Listener
	max int
	alt bool

	mu  sync.Mutex // guards dec
	dec decimal

	backingOff atomic.Bool   // the accept loop is waiting out a back-off
	released   chan struct{} // a handler closed a connection (capacity 1)
}

func (s *threadServer) addr() net.Addr { return s.ln.Addr() }
func (s *threadServer) close() error   { return s.ln.Close() }

func (s *threadServer) serve(ctx context.Context, srv *Server) error {
	stop := context.AfterFunc(ctx, func() { _ = s.ln.Close() })
	defer stop()
	defer s.ln.Close()
	var wg sync.WaitGroup
	defer wg.Wait() // graceful: the connections in flight finish
	var slots chan struct{}
	if s.max > 0 {
		slots = make(chan struct{}, s.max)
	}
	s.dec = newDecimal()
	s.released = make(chan struct{}, 1)
	bo := acceptBackoff{log: srv.log}
	defer bo.end()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			wait, ok := bo.failed(err)
			if !ok {
				return err
			}
			s.backingOff.Store(true)
			live := sleepCtx(ctx, wait, s.released)
			s.backingOff.Store(false)
			if !live {
				return nil
			}
			continue
		}
		bo.succeeded()
		if slots != nil {
			slots <- struct{}{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.handle(c, srv)
			if slots != nil {
				<-slots
			}
		}()
	}
}

// handle answers one connection and closes it.
func (s *threadServer) handle(c net.Conn, srv *Server) {
	var buf [MaxReply]byte
	var reply []byte
	if s.alt {
		s.mu.Lock()
		reply = append(buf[:0], s.dec.reply()...)
		s.dec.inc()
		srv.count.Add(1)
		s.mu.Unlock()
	} else {
		reply = AppendReply(buf[:0], srv.count.Add(1)-1)
	}
	_, _ = c.Write(reply)
	_ = c.Close()
	if s.backingOff.Load() {
		select {
		case s.released <- struct{}{}:
		default: // a wake is pending already
		}
	}
}
