package count

import (
	"context"
	"net"
	"time"
)

// seqServer answers one connection at a time from a single loop. A reply
// is at most MaxReply bytes written into the send buffer of a fresh
// connection, so the write never waits for the client: a client that never
// reads cannot stall the loop. With alt the reply comes from the amortized
// decimal counter instead of formatting the count.
//
// It holds no descriptor of its own between accepts, so when accepts are
// refused for lack of descriptors it can only wait (acceptBackoff).
type seqServer struct {
	ln  net.Listener
	alt bool
}

func (s *seqServer) addr() net.Addr { return s.ln.Addr() }
func (s *seqServer) close() error   { return s.ln.Close() }

func (s *seqServer) serve(ctx context.Context, srv *Server) error {
	stop := context.AfterFunc(ctx, func() { _ = s.ln.Close() })
	defer stop()
	defer s.ln.Close()
	bo := acceptBackoff{log: srv.log}
	defer bo.end()
	buf := make([]byte, 0, MaxReply)
	dec := newDecimal()
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
			if !sleepCtx(ctx, wait, nil) {
				return nil
			}
			continue
		}
		bo.succeeded()
		v := srv.count.Load()
		if s.alt {
			buf = append(buf[:0], dec.reply()...)
			dec.inc()
		} else {
			buf = AppendReply(buf[:0], v)
		}
		srv.count.Store(v + 1)
		_, _ = c.Write(buf) // a client that reset the connection is its own loss
		_ = c.Close()
	}
}

// sleepCtx sleeps for d, or less if ctx ends or wake receives first; it
// reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration, wake <-chan struct{}) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	case <-ctx.Done():
	}
	return ctx.Err() == nil
}
