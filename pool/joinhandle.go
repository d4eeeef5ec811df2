package pool

import (
	"context"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// JoinHandle is the task itself, seen from its spawner: a Future of the
// task's Result, a way to wait from a goroutine, and a way to abort.
//
// One party awaits a JoinHandle at a time through Poll (like Rust's, the
// handle is not meant to be shared between tasks); any number of
// goroutines may call Wait, and Abort may be called by anyone.
type JoinHandle[T any] struct {
	t task[T]
}

// Poll implements future.Future: Ready with the task's value, or with its
// error (ErrAborted, ErrClosed, *PanicError), once the task is complete.
// It consumes one unit of the cooperative budget, like any leaf future,
// and gives it back when it returns Pending ([future.CoopRefund]).
// Polling it again after Ready panics with a *future.MisuseError.
func (h *JoinHandle[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	t := &h.t
	s := t.h.state.load()
	if s&stJoinRead != 0 {
		future.PanicPolledAfterReady(h)
	}
	if !future.Coop(cx) {
		return future.Pending[future.Result[T]]()
	}
	if s&stComplete == 0 && t.registerJoin(cx, s) {
		if !t.h.pool.isKilled() {
			future.CoopRefund(cx) // no progress: not charged
			return future.Pending[future.Result[T]]()
		}
		t.h.resolveKilled()
		if t.h.state.load()&stComplete == 0 {
			future.CoopRefund(cx)
			return future.Pending[future.Result[T]]() // SpawnBlocking's fn still runs
		}
	}
	t.h.state.markRead()
	v, err := t.result()
	return future.Ready(future.Result[T]{Value: v, Err: err})
}

// registerJoin stores cx's waker as the join waker and reports whether it
// did so before completion (false: the task completed, read the result).
func (t *task[T]) registerJoin(cx *future.Context, s uint32) bool {
	w := cx.Waker()
	if s&stForeignJoin == 0 && !t.h.pool.owns(w) && !t.h.pool.pollsOn(cx) {
		// Only this pool's tasks are woken by Shutdown's cancellation
		// of their pool; another executor's waker must be found then.
		// A waker that is not a task's own but is polled on one of the
		// pool's workers (a JoinSet's or a combinator's per-child
		// waker) leads back to a task of this pool, which Shutdown
		// cancels anyway: no registry entry, no global lock.
		t.h.pool.foreign.add(&t.h)
		if t.h.state.v.Or(stForeignJoin)&stComplete != 0 {
			t.h.pool.foreign.remove(&t.h)
		}
	}
	if s&stJoinWaker == 0 {
		t.h.joinWaker = w // the bit is clear: the field is ours
		return t.h.state.setJoinWaker()
	}
	if sameWaker(t.h.joinWaker, w) {
		return true
	}
	if !t.h.state.unsetJoinWaker() {
		return false
	}
	t.h.joinWaker = w
	return t.h.state.setJoinWaker()
}

// pollsOn reports whether cx is the Context of a poll by one of p's
// workers.
func (p *Pool) pollsOn(cx *future.Context) bool {
	w, ok := cxWorker(cx)
	return ok && w.p == p
}

// owns reports whether w is the waker of a task of p.
func (p *Pool) owns(w future.Waker) bool {
	t, ok := w.(interface{ hdr() *header })
	return ok && t.hdr().pool == p
}

// sameWaker reports whether a and b wake the same pool task. Other wakers
// are never compared: == on interfaces panics for func-typed wakers.
func sameWaker(a, b future.Waker) bool {
	ta, ok := a.(interface{ hdr() *header })
	if !ok {
		return false
	}
	tb, ok := b.(interface{ hdr() *header })
	return ok && ta.hdr() == tb.hdr()
}

// Wait blocks the calling goroutine until the task completes or ctx ends,
// and returns the task's value and error (ctx.Err() if ctx ended first).
// It may be called any number of times, from any number of goroutines, and
// after Poll returned Ready. Called from a pool worker, or from an async
// body a worker runs, it returns ErrInWorker instead of blocking the
// worker. TryWait is Wait for a handle of a Result.
func (h *JoinHandle[T]) Wait(ctx context.Context) (T, error) {
	t := &h.t
	if t.h.state.load()&stComplete == 0 {
		if noblock.Forbidden() {
			var zero T
			return zero, ErrInWorker
		}
		if e := t.h.pool.waits.enter(&t.h); e != nil { // nil: complete
			if err := t.h.wait(ctx, e); err != nil {
				var zero T
				return zero, err
			}
		}
	}
	return t.result()
}

// wait blocks until e's channel is closed (the task completed) or ctx ends.
func (h *header) wait(ctx context.Context, e *waitEntry) error {
	select {
	case <-e.ch:
		return nil
	case <-h.pool.killed:
		h.resolveKilled()
		select {
		case <-e.ch:
			return nil
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
	h.pool.waits.leave(h, e)
	return ctx.Err()
}

// Abort cancels the task: its future is never polled again and waiters
// get an error for which errors.Is(err, ErrAborted) holds. A task that is
// running finishes its current poll first; if that poll returns Ready the
// task keeps its value. If the future implements future.Canceler, its
// Cancel is called once, after its last poll, so that it releases what it
// holds (timers, lock-queue places, child tasks) at once; a panic there
// is reported as a *PanicError joined to ErrAborted. Shutdown's
// cancellation does the same with ErrClosed. Aborting a complete task
// does nothing. A function
// given to SpawnBlocking cannot be interrupted: its handle completes when
// it returns.
func (h *JoinHandle[T]) Abort() {
	if h.t.h.state.toCancelled(false) {
		h.t.cancelNow(ErrAborted)
	}
}

// IsFinished reports whether the task is complete (with a value or an
// error), so that Poll or Wait would return at once.
func (h *JoinHandle[T]) IsFinished() bool {
	h.t.h.resolveKilled()
	return h.t.h.state.load()&stComplete != 0
}
