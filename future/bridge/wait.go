package bridge

import (
	"context"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// Wait runs f on the calling goroutine until it completes or ctx is done,
// parking the goroutine between polls, and returns f's value or ctx.Err().
// It is future.BlockOn under a context, for goroutine code (an HTTP
// handler, a test, main) that needs a future's value.
//
// ctx is checked before every poll, so a context that is already done
// returns its error without polling f. On cancellation f is released: it
// is not polled again and its Cancel or Close method is called if it has
// one.
//
// f is polled with no executor and no driver, so it must not need the
// poll package's reactor: to wait for I/O or timers, spawn the future on a
// pool and wait for its JoinHandle (JoinHandle.Wait takes a context too).
// Called from a pool worker or from an async body a worker runs, it
// returns future.ErrInWorker without polling f: blocking there would
// stall the worker.
func Wait[T any](ctx context.Context, f future.Future[T]) (T, error) {
	if noblock.Forbidden() {
		var zero T
		return zero, future.ErrInWorker
	}
	p := newParker()
	cx := future.NewContext(p)
	stop := context.AfterFunc(ctx, p.Wake)
	defer stop()
	for {
		if err := ctx.Err(); err != nil {
			release(f)
			var zero T
			return zero, err
		}
		if v, ok := f.Poll(cx).Value(); ok {
			return v, nil
		}
		p.park()
	}
}

// TryWait is Wait for a future that can fail: it returns the future's
// own error, the context's, or ErrInWorker, as one error.
func TryWait[T any](ctx context.Context, f future.Future[future.Result[T]]) (T, error) {
	r, err := Wait(ctx, f)
	if err != nil {
		return r.Value, err
	}
	return r.Get()
}
