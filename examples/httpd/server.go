package main

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

// Config holds the server's limits. The zero value of a field takes its
// default.
type Config struct {
	MaxHeaderBytes int           // request line and headers, with their line ends (431 over it); default 8 KiB
	MaxBodyBytes   int64         // a request body (413 over it); default 1 MiB
	ReadTimeout    time.Duration // from a request's first byte to the end of its body (408 after it); default 10 s
	IdleTimeout    time.Duration // a keep-alive connection waiting for its next request; default 60 s
	WriteTimeout   time.Duration // a client taking a batch of responses; default 10 s
}

func (c Config) withDefaults() Config {
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 8 << 10
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 10 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 60 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	return c
}

// Server is the HTTP/1.1 server: an accept task (Serve) and a task per
// connection (serveConn), on a pool made by poll.NewPool.
type Server struct {
	cfg     Config
	count   atomic.Uint64 // the count server's counter, behind /count
	stop    *tasksync.CancellationToken
	busy    atomic.Int64 // connections with a request in progress (holding buffers)
	bufPool sync.Pool    // of *buffers, see conn.go
}

// NewServer returns a server with the limits of cfg.
func NewServer(cfg Config) *Server {
	return &Server{cfg: cfg.withDefaults(), stop: tasksync.NewCancellationToken()}
}

// Stop starts a graceful stop: Serve accepts no more connections, idle
// connections close, and each busy one closes after the response it is
// working on (which says Connection: close).
func (s *Server) Stop() { s.stop.Cancel() }

// serveBody accepts connections on l and spawns a task on p for each,
// until Stop or an accept error; then it closes l, waits for the
// connections' tasks and returns how many connections it served.
//
//spindle:async Serve
func (s *Server) serveBody(a *async.Awaiter, p *pool.Pool, l *poll.Listener) (int, error) {
	defer l.Close()
	conns := joinset.New[struct{}](p)
	served := 0
	var conn *poll.Conn
	var err error
	for err == nil && !s.stop.IsCancelled() {
		conn = nil
		async.Await(a, future.SelectN(
			future.On(s.stop.Cancelled(), func(struct{}) bool { return true }),
			future.On(l.Accept(), func(r future.Result[*poll.Conn]) bool {
				conn, err = r.Value, r.Err
				return true
			}),
			future.On(conns.Next(), func(future.Result[struct{}]) bool {
				served++
				return true
			}).If(conns.Len() > 0), // Next on an empty set is Ready at once
		))
		if conn != nil {
			conns.SpawnOkFrom(a.Context(), s.serveConn(conn))
		}
		if errors.Is(err, net.ErrClosed) {
			err = nil // closed under us: a stop
			break
		}
	}
	l.Close()
	s.stop.Cancel() // an accept error stops the connections too
	rest, _ := async.Await(a, conns.JoinAll()).Get()
	return served + len(rest), err
}
