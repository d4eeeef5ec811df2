package main

import (
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// awaitServe is the server in straight-line code: the accept loop of a
// goroutine server, with Await where a goroutine would block.
func awaitServe(ln *poll.Listener, counter *atomic.Uint64) future.Future[error] {
	return async.New(func(a *async.Awaiter) error {
		for {
			c, err := async.TryAwait(a, ln.Accept())
			if listenerClosed(err) {
				return nil
			}
			if err != nil {
				return err // Accept already retries what is transient
			}
			// One task per connection, on this worker's queue.
			pool.SpawnFrom(a.Context(), awaitHandle(c, counter.Add(1)-1))
		}
	})
}

// awaitHandle answers one connection.
func awaitHandle(c *poll.Conn, v uint64) future.Future[error] {
	return async.New(func(a *async.Awaiter) error {
		var buf [maxReply]byte
		_, err := async.TryAwait(a, c.WriteAll(appendReply(buf[:0], v)))
		c.Close()
		return err
	})
}

// awaitClient makes len(out) transactions one after the other.
func awaitClient(addr string, out []uint64) future.Future[error] {
	return async.New(func(a *async.Awaiter) error {
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
	})
}
