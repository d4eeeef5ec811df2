package bridge

import (
	"context"

	"github.com/spindle-rt/spindle/future"
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
// Never call Wait from inside a Poll: it would block a worker.
func Wait[T any](ctx context.Context, f future.Future[T]) (T, error) {
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

// WaitResult is Wait for a future that can fail: it returns the future's
// own error or the context's.
func WaitResult[T any](ctx context.Context, f future.Future[future.Result[T]]) (T, error) {
	r, err := Wait(ctx, f)
	if err != nil {
		return r.Value, err
	}
	return r.Get()
}
