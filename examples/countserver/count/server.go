package count

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"

	"github.com/spindle-rt/spindle/pool"
)

// ServerConfig configures a server.
type ServerConfig struct {
	// Mode is the concurrency model. Required.
	Mode Mode
	// MaxInFlight caps the connections a Thread server handles at once
	// (the Rust demo's -m). Zero means no cap, the idiomatic Go server.
	// Other modes ignore it.
	MaxInFlight int
	// Pool is the pool an Async server runs on; it must have a reactor as
	// its driver (see NewPool). Nil makes the server create one and shut
	// it down when Serve returns. Other modes ignore it.
	Pool *pool.Pool
	// Workers is the number of workers of the pool an Async server makes
	// for itself (when Pool is nil); zero means DefaultServerWorkers.
	Workers int
	// Log receives the server's rare messages (the start and the end of a
	// burst of refused accepts). Nil discards them.
	Log io.Writer
	// Alt selects the other implementation of the mode, as the Rust
	// demo's --alt does: for Seq and Thread, the amortized decimal counter
	// (see the Rust demo's "fast" counter) instead of formatting an
	// integer; for Async, the same async functions run on coroutines by
	// future/async instead of compiled by spindle-async.
	Alt bool
}

// DefaultServerWorkers is the size of the pool an Async server makes for
// itself when ServerConfig.Workers is zero: one, a single event loop like
// tokio's current-thread runtime. The accept loop is one task and a
// connection's task is a write and a close, shorter than the thread wake
// a second worker needs before it takes connections over, and on a machine
// whose CPUs the clients share the wake is all it adds: one worker spends
// less CPU per transaction than two (countbench's async against async-2w).
// Raise it (the -w flag) where connections do real work.
const DefaultServerWorkers = 1

// Server is a count server bound to an address. Make one with Listen, run
// it with Serve.
type Server struct {
	cfg   ServerConfig
	log   io.Writer
	impl  serverImpl
	count atomic.Uint64 // values handed out; the next value to hand out
	used  atomic.Bool   // Serve was called
}

// serverImpl is what each mode provides.
type serverImpl interface {
	addr() net.Addr
	// serve runs until ctx is done, then stops accepting, finishes the
	// connections in flight and returns nil; or returns an error that
	// stops the server.
	serve(ctx context.Context, s *Server) error
	// close releases the listener of a server that never served.
	close() error
}

// ErrServed is returned by a second call to Serve.
var ErrServed = errors.New("count: server already served")

// Listen binds a server of the configured mode to addr ("host:port"; port
// 0 picks a free one, see Addr).
func Listen(addr string, cfg ServerConfig) (*Server, error) {
	s := &Server{cfg: cfg, log: cfg.Log}
	if s.log == nil {
		s.log = io.Discard
	}
	var err error
	switch cfg.Mode {
	case Seq, Thread:
		var ln net.Listener
		ln, err = net.Listen("tcp", addr)
		if err == nil {
			if cfg.Mode == Seq {
				s.impl = &seqServer{ln: ln, alt: cfg.Alt}
			} else {
				s.impl = &threadServer{ln: ln, max: cfg.MaxInFlight, alt: cfg.Alt}
			}
		}
	case Async:
		s.impl, err = listenAsync(addr, cfg)
	default:
		return nil, fmt.Errorf("count: unknown server mode %v", cfg.Mode)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.impl.addr() }

// Count returns how many values the server has handed out so far, which is
// also the next value it will hand out. Safe to call at any time.
func (s *Server) Count() uint64 { return s.count.Load() }

// Serve answers connections until ctx is done. Then it stops accepting,
// lets the connections in flight finish, closes the listener and returns
// nil. It returns an error only if the listener fails for good. A server
// serves once.
func (s *Server) Serve(ctx context.Context) error {
	if s.used.Swap(true) {
		return ErrServed
	}
	return s.impl.serve(ctx, s)
}

// Close releases the listener of a server that was never served. After
// Serve it does nothing.
func (s *Server) Close() error {
	if s.used.Swap(true) {
		return nil
	}
	return s.impl.close()
}
