package count

// The async server is two async functions (server_body.go), compiled by
// spindle-async into futures on a spindle pool, or, with Alt, run on
// coroutines by future/async: the same bodies either way.
//
// acceptBody, one per server, loops:
//
//	await Accept, or the stop ──stop──▶ return nil (the listener closes)
//	  ├ refused for lack of descriptors: await the back-off (from
//	  │ MinAcceptBackoff), a closed connection, or the stop; loop
//	  ├ an error: return it (nil if the stop came meanwhile)
//	  └ a connection: hand out the next value, spawn answerBody on this
//	    worker, end a burst of refused accepts; loop
//
// answerBody, one per connection, awaits the write of its reply (bounded
// by asyncWriteTimeout: a client whose receive window stays shut loses it)
// and closes the connection.
//
// poll.Listener backs off by itself on EMFILE (5 ms doubling to 1 s); the
// accept loop watches Listener.Backoffs to see a refused accept, cancels
// that Accept and waits on its own terms instead, woken early by a
// connection that closes. No goroutine is started per connection: a
// compiled answer task is a small struct that the reactor wakes when its
// socket is writable. Each coroutine body, on the other hand, owns a
// parked goroutine: Alt is there to compare the two ways to run a body, as
// the Rust demo's --alt compares tokio and async-std.

import (
	"context"
	"net"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// asyncWriteTimeout bounds how long a connection task waits for a client
// whose receive window is closed.
const asyncWriteTimeout = 10 * time.Second

type asyncServer struct {
	ln  *poll.Listener
	p   *pool.Pool
	own bool // p was made by listenAsync: shut it down at the end
	alt bool // run the bodies on coroutines
}

// listenAsync makes the pool (when the config brings none) together with
// the listener, so that every descriptor the server needs exists before it
// serves: a server started while descriptors are short fails at once
// instead of later.
func listenAsync(addr string, cfg ServerConfig) (serverImpl, error) {
	ln, err := poll.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &asyncServer{ln: ln, p: cfg.Pool, alt: cfg.Alt}
	if s.p == nil {
		var opts []pool.Option
		workers := cfg.Workers
		if workers <= 0 {
			workers = DefaultServerWorkers
		}
		opts = append(opts, pool.WithWorkers(workers))
		if s.p, err = NewPool(opts...); err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.own = true
	}
	return s, nil
}

func (s *asyncServer) addr() net.Addr { return s.ln.Addr() }

func (s *asyncServer) close() error {
	err := s.ln.Close()
	if s.own {
		shutdownPool(s.p)
	}
	return err
}

func (s *asyncServer) serve(ctx context.Context, srv *Server) error {
	p := s.p
	if s.own {
		defer shutdownPool(p)
	}
	a := &acceptor{ln: s.ln, srv: srv, bo: acceptBackoff{log: srv.log}, coro: s.alt}
	var accept future.Future[error]
	if s.alt {
		accept = async.New(a.acceptBody)
	} else {
		accept = a.accept()
	}
	h := pool.Spawn(p, accept)
	stop := context.AfterFunc(ctx, a.stop.fire)
	defer stop()
	serr, err := h.Wait(context.Background())
	// The accept loop has returned, so no connection task is spawned any
	// more: wait for the ones in flight (graceful shutdown).
	a.inflight.Wait()
	if err != nil {
		_ = s.ln.Close()
		return err
	}
	return serr
}
