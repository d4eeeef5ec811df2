package poll

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// BlockOn runs f to completion on the calling goroutine with a fresh
// reactor as its driver, then closes the reactor: the smallest way to run a
// program's I/O and timers, with no pool and no other goroutine. It fails
// when a reactor cannot be made (ErrUnsupported, descriptor limits), and
// with future.ErrInWorker, without running f, when called from a pool
// worker or from an async body a worker runs: blocking there would stall
// the worker. Descriptors that f leaves open stay open; the reactor's own
// are released. A program with a pool uses pool.BlockOn instead.
func BlockOn[T any](f future.Future[T]) (T, error) {
	if noblock.Forbidden() {
		var zero T
		return zero, future.ErrInWorker
	}
	r, err := NewReactor()
	if err != nil {
		var zero T
		return zero, err
	}
	defer r.Close()
	return future.BlockOnDriver[T](r, f), nil
}

// TryBlockOn is BlockOn for a future that can fail: its own error and
// BlockOn's come back as one.
func TryBlockOn[T any](f future.Future[future.Result[T]]) (T, error) {
	r, err := BlockOn(f)
	if err != nil {
		return r.Value, err
	}
	return r.Get()
}
