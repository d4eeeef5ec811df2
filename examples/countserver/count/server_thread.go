package count

import (
	"context"
	"net"
	"sync"
)

// threadServer is the idiomatic Go server: an accept loop that starts a
// goroutine per connection. With max > 0 at most max handlers run at once,
// like the Rust demo's thread server; the accept loop waits for a free
// slot.
type threadServer struct {
	ln  net.Listener
	max int
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
	bo := acceptBackoff{log: srv.log}
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
			if !sleepCtx(ctx, wait) {
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
			var buf [MaxReply]byte
			v := srv.count.Add(1) - 1
			_, _ = c.Write(AppendReply(buf[:0], v))
			_ = c.Close()
			if slots != nil {
				<-slots
			}
		}()
	}
}
