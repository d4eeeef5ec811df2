package poll

import "github.com/spindle-rt/spindle/future"

// BlockOn runs f to completion on the calling goroutine with a fresh
// reactor as its driver, then closes the reactor: the smallest way to run a
// program's I/O and timers, with no pool and no other goroutine. It fails
// only when a reactor cannot be made (ErrUnsupported, descriptor limits).
// Descriptors that f leaves open stay open; the reactor's own are released.
func BlockOn[T any](f future.Future[T]) (T, error) {
	r, err := NewReactor()
	if err != nil {
		var zero T
		return zero, err
	}
	defer r.Close()
	return future.BlockOnDriver[T](r, f), nil
}
