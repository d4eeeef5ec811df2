// Package adopted holds async bodies that wait on tasksync primitives and
// on probe futures, so that the tests can check what a compiled future
// adopted by its owner (future.Adopter) passes on, what a waiting task
// costs, and that every adopted future is cancelled however the body
// stops.
package adopted

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
)

// lockBody takes m, then lets it go.
//
//spindle:async Lock
func lockBody(a *async.Awaiter, m *tasksync.Mutex) int {
	g := async.Await(a, m.Lock())
	g.Unlock()
	return 1
}

// notifiedBody waits for n.
//
//spindle:async Notified
func notifiedBody(a *async.Awaiter, n *tasksync.Notify) int {
	async.Await(a, n.Notified())
	return 1
}

// acquireBody takes a permit of s, then gives it back.
//
//spindle:async Acquire
func acquireBody(a *async.Awaiter, s *tasksync.Semaphore) (int, error) {
	p, err := async.TryAwait(a, s.Acquire(1))
	if err != nil {
		return 0, err
	}
	p.Release()
	return 1, nil
}

// awaitBody awaits f where it is (a parameter: the state polls its field
// in place).
//
//spindle:async Await
func awaitBody(a *async.Awaiter, f future.Future[int]) int {
	return async.Await(a, f)
}

// awaitMadeBody awaits what mk makes (held in a field of its own while it
// is in flight).
//
//spindle:async AwaitMade
func awaitMadeBody(a *async.Awaiter, mk func() future.Future[int]) int {
	return async.Await(a, mk())
}

// recoverBody awaits what mk makes; a deferred call recovers a panic and
// makes the result -1.
//
//spindle:async Recover
func recoverBody(a *async.Awaiter, mk func() future.Future[int]) (n int) {
	defer func() {
		if recover() != nil {
			n = -1
		}
	}()
	return async.Await(a, mk())
}
