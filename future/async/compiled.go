package async

import (
	"fmt"

	"github.com/spindle-rt/spindle/future"
)

// The futures that cmd/spindle-async generates keep their resume point in
// an int: 0 before the first poll, a positive state while suspended in an
// Await, and one of the negative states below once they can no longer be
// polled. They share these so that the generated code stays small and every
// compiled future reports misuse the same way a Task does.
const (
	// StateRunning is set while the compiled Poll runs; it stays if that
	// Poll panicked, so that a second poll reports the panic instead of
	// resuming a body whose state is unknown.
	StateRunning = -1 - iota
	// StateDone is the state of a compiled future that returned Ready.
	StateDone
	// StateCancelled is the state of a compiled future after Cancel.
	StateCancelled
)

// PanicFinal panics with the *future.MisuseError for polling the compiled
// future f in the final state given: after Ready (future.ErrPolledAfterReady),
// after Cancel (future.ErrPolledAfterCancel), or after a poll that panicked
// (future.ErrPolledAfterPanic). Generated code calls it.
func PanicFinal(f any, state int) {
	err := future.ErrPolledAfterPanic
	switch state {
	case StateDone:
		future.PanicPolledAfterReady(f)
	case StateCancelled:
		err = future.ErrPolledAfterCancel
	}
	panic(&future.MisuseError{Future: fmt.Sprintf("%T", f), Err: err})
}

// Recovered returns what a compiled future's unwinding re-raises for the
// value p that its deferred recover returned: p itself, or, when p is nil
// because the body called runtime.Goexit, the *future.MisuseError wrapping
// ErrGoexit that a Task raises in that case. Generated code calls it.
func Recovered(p any) any {
	if p == nil {
		return &future.MisuseError{Future: "async body", Err: ErrGoexit}
	}
	return p
}
