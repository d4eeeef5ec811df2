// Package golden holds small async functions whose generated text the
// tests pin.
package golden

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// Conn is a connection whose operations are futures.
type Conn interface {
	Read() future.Future[future.Result[[]byte]]
	Close() future.Future[struct{}]
}

// Dial connects.
func Dial(addr string) future.Future[future.Result[Conn]] {
	return future.Done(future.Result[Conn]{Err: errors.New("no network in golden")})
}

// fetchBody reads what addr sends and closes the connection: three awaits,
// the example of issue 13's benchmark.
//
//spindle:async Fetch
func fetchBody(a *async.Awaiter, addr string) (int, error) {
	c, err := async.TryAwait(a, Dial(addr))
	if err != nil {
		return 0, err
	}
	defer c.Close() // not awaited: a deferred call cannot suspend
	b, err := async.TryAwait(a, c.Read())
	async.Await(a, c.Close())
	return len(b), err
}

// sumBody sums what the futures give, skipping negative values.
//
//spindle:async
func sumBody(a *async.Awaiter, fs []future.Future[int]) (total int) {
	for i, f := range fs {
		v := async.Await(a, f)
		if v < 0 {
			continue
		}
		total += v * (i + 1)
	}
	return
}

// drainBody reads until stopped: a loop whose condition is a negation
// lowers to the plain condition, not to !(!stopped()).
//
//spindle:async Drain
func drainBody(a *async.Awaiter, c Conn, stopped func() bool) int {
	n := 0
	for !stopped() {
		b, err := async.TryAwait(a, c.Read())
		if err != nil {
			break
		}
		n += len(b)
	}
	return n
}

// size is the length of what a read gave, or -1 if it failed.
func size(b []byte, err error) int {
	if err != nil {
		return -1
	}
	return len(b)
}

// moreBody reads once more only while the connection is open: the await
// on the right of && runs, and its future is made, only when open() is
// true; the two results of the TryAwait go to size as they are.
//
//spindle:async More
func moreBody(a *async.Awaiter, c Conn, open func() bool) bool {
	return open() && size(async.TryAwait(a, c.Read())) > 0
}
