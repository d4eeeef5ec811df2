package pool

import (
	"errors"
	"fmt"

	"github.com/spindle-rt/spindle/future"
)

// ErrClosed is the error of a task spawned on a pool that is shutting down,
// or cancelled because Shutdown's context ended before it finished.
var ErrClosed = errors.New("pool: closed")

// ErrAborted is the error of a task whose JoinHandle was aborted before the
// task completed.
var ErrAborted = errors.New("pool: task aborted")

// ErrInWorker is returned by BlockOn, TryBlockOn, JoinHandle.Wait, TryWait
// and Shutdown when they are called from inside a task running on a pool,
// or from the body of an async Task that a worker is running: blocking
// there would stall the worker, and with it, maybe, the very task being
// waited for. It is future.ErrInWorker, so errors.Is matches either name.
var ErrInWorker = future.ErrInWorker

// ErrNotInPool is the error of the *future.MisuseError that SpawnFrom panics
// with when its Context does not come from a pool worker.
var ErrNotInPool = errors.New("pool: SpawnFrom called with a Context that is not a pool worker's")

// ErrNilFuture is the error of the *future.MisuseError that Spawn,
// SpawnFrom and SpawnBlocking panic with when given a nil future or func.
// It is [future.ErrNilFuture], the same value, so one errors.Is test
// covers every package.
var ErrNilFuture = future.ErrNilFuture

// PanicError is the error of a task whose future panicked while it was
// polled. The worker recovered and went on with other tasks.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the stack of the panicking goroutine, from debug.Stack
}

// Error returns the panic value as text.
func (e *PanicError) Error() string { return fmt.Sprintf("pool: task panicked: %v", e.Value) }

// Unwrap returns the panic value if it is an error, so that errors.Is and
// errors.As see through the panic.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}
