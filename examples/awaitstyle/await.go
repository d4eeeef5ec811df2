package main

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// The server and client in straight-line code: the accept loop and the
// transactions of a goroutine program, with an Await where a goroutine
// would block. Each body is written once and runs two ways: compiled by
// spindle-async into a future (await_async.go: serve, handle, client), or
// on a coroutine by async.New (coroServe, coroClient).

// serveBody accepts connections until ln is closed and spawns, for each,
// the task that handle returns.
//
//spindle:async serve
func serveBody(a *async.Awaiter, ln *poll.Listener, counter *atomic.Uint64, handle func(*poll.Conn, uint64) future.Future[error]) error {
	for {
		c, err := async.TryAwait(a, ln.Accept())
		if listenerClosed(err) {
			return nil
		}
		if err != nil {
			return err // Accept already retries what is transient
		}
		// One task per connection, on this worker's queue.
		pool.SpawnFrom(a.Context(), handle(c, counter.Add(1)-1))
	}
}

// handleBody answers one connection.
//
//spindle:async handle
func handleBody(a *async.Awaiter, c *poll.Conn, v uint64) error {
	var buf [maxReply]byte
	_, err := async.TryAwait(a, c.WriteAll(appendReply(buf[:0], v)))
	c.Close()
	return err
}

// clientBody makes len(out) transactions one after the other.
//
//spindle:async client
func clientBody(a *async.Awaiter, addr string, out []uint64) error {
	for i := range out {
		c, err := async.TryAwait(a, poll.Dial("tcp", addr))
		if err != nil {
			return err
		}
		reply, err := async.TryAwait(a, c.ReadToEnd())
		c.Close()
		if err != nil {
			return err
		}
		if out[i], err = parseReply(reply); err != nil {
			return err
		}
	}
	return nil
}

// compiledServe is the server compiled: no goroutine per task.
func compiledServe(ln *poll.Listener, counter *atomic.Uint64) future.Future[error] {
	return serve(ln, counter, handle)
}

// coroServe is the same server on coroutines: each task that has started
// owns a parked goroutine.
func coroServe(ln *poll.Listener, counter *atomic.Uint64) future.Future[error] {
	return async.New(func(a *async.Awaiter) error { return serveBody(a, ln, counter, coroHandle) })
}

func coroHandle(c *poll.Conn, v uint64) future.Future[error] {
	return async.New(func(a *async.Awaiter) error { return handleBody(a, c, v) })
}

func coroClient(addr string, out []uint64) future.Future[error] {
	return async.New(func(a *async.Awaiter) error { return clientBody(a, addr, out) })
}
