package pool

import (
	"context"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// BlockOn runs f as a task on p and blocks the calling goroutine until it
// completes, returning its value, or its error (ErrClosed, *PanicError).
// It is the way to run a future from main or any goroutine code when there
// is a pool; poll.BlockOn runs one without a pool. Called from a pool
// worker, or from an async body a worker runs, it returns ErrInWorker
// without spawning f: blocking there would stall the worker.
func BlockOn[T any](p *Pool, f future.Future[T]) (T, error) {
	if noblock.Forbidden() {
		var zero T
		return zero, ErrInWorker
	}
	return Spawn(p, f).Wait(context.Background())
}

// TryBlockOn is BlockOn for a future that can fail: the future's own error
// and the pool's (ErrClosed, *PanicError, ErrInWorker) come back as one,
// so that
//
//	v, err := pool.TryBlockOn(p, f)
//
// replaces checking BlockOn's error and then the Result's.
func TryBlockOn[T any](p *Pool, f future.Future[future.Result[T]]) (T, error) {
	r, err := BlockOn(p, f)
	if err != nil {
		return r.Value, err
	}
	return r.Get()
}

// TryWait is JoinHandle.Wait for a task that can fail: the task's own
// error and Wait's (ctx.Err(), ErrClosed, ErrAborted, *PanicError,
// ErrInWorker) come back as one. It is a function, not a method, because
// only a handle of a Result has it.
func TryWait[T any](ctx context.Context, h *JoinHandle[future.Result[T]]) (T, error) {
	r, err := h.Wait(ctx)
	if err != nil {
		return r.Value, err
	}
	return r.Get()
}
