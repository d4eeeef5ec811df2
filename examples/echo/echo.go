package main

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// The server and the client are async functions: straight-line code with
// an Await where a goroutine would block, compiled by spindle-async into
// futures (echo_async.go). A connection's task holds its 16 KiB buffer and
// a few words: no goroutine, no stack.

// serveBody accepts connections until l is closed and spawns a task that
// echoes each, on the worker that accepted it.
//
//spindle:async serve
func serveBody(a *async.Awaiter, l *poll.Listener) error {
	for {
		c, err := async.TryAwait(a, l.Accept())
		if err != nil {
			return err // net.ErrClosed after l.Close
		}
		pool.SpawnFrom(a.Context(), echo(c))
	}
}

// echoBody writes back what it reads from c until the client half-closes
// (io.EOF) or an error, then closes c.
//
//spindle:async echo
func echoBody(a *async.Awaiter, c *poll.Conn) {
	defer c.Close()
	buf := make([]byte, 16<<10)
	for {
		n, err := async.TryAwait(a, c.Read(buf))
		if err != nil {
			return
		}
		if _, err := async.TryAwait(a, c.WriteAll(buf[:n])); err != nil {
			return
		}
	}
}

// clientBody dials addr, sends msg, half-closes and reads the echo to the
// end.
//
//spindle:async client
func clientBody(a *async.Awaiter, addr string, msg []byte) ([]byte, error) {
	c, err := async.TryAwait(a, poll.Dial("tcp", addr))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := async.TryAwait(a, c.WriteAll(msg)); err != nil {
		return nil, err
	}
	c.CloseWrite()
	return async.TryAwait(a, c.ReadToEnd())
}
