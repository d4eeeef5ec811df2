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
	// StatePanicked is the state of a compiled future whose poll panicked
	// once the future that poll left in flight was cancelled: during the
	// unwinding if the body has deferred calls, else by the owner's Cancel
	// after the panic. Like StateRunning, a later poll panics with
	// future.ErrPolledAfterPanic.
	StatePanicked
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

// Enter begins a poll of the compiled future f whose resume point is
// *state: it marks f running and returns the state to resume at. If f can
// no longer be polled (the state is negative), it panics as PanicFinal
// does. Generated code calls it first in Poll.
func Enter(f any, state *int) int {
	pc := *state
	if pc < 0 {
		PanicFinal(f, pc)
	}
	*state = StateRunning
	return pc
}

// Cancelling begins the Cancel of a compiled future whose resume point is
// *state: it marks the future cancelled and returns the state it was
// suspended at. If the future had finished, or is running, it changes
// nothing and returns the negative state. Generated code calls it first in
// Cancel; the Cancel does nothing more, except for StateRunning: that is
// the state a poll that panicked left (a Cancel from inside the future's
// own Poll breaks the future.Canceler contract), and the generated Cancel
// then cancels the awaited future that poll left in flight and moves to
// StatePanicked, as an adopted future's owner is promised (see SetAdopted).
func Cancelling(state *int) int {
	pc := *state
	if pc >= 0 {
		*state = StateCancelled
	}
	return pc
}

// Done marks a compiled future whose resume point is *state finished and
// returns v as its Ready poll. Generated code returns it where the body
// returns.
func Done[T any](state *int, v T) future.Poll[T] {
	*state = StateDone
	return future.Ready(v)
}

// SetAdopted records, in *adopted, that the compiled future whose resume
// point is state was adopted (future.Adopter): only before its first poll,
// as the Adopter contract says. The generated Adopt calls it.
//
// An adopted compiled future adopts each future it awaits, just before the
// future's first poll. That keeps the Adopter promise, since a compiled
// future cancels the future in flight whenever it stops before Ready: its
// Cancel while suspended; its Cancel after a poll that panicked (the
// awaited future's, or the body's); and, when a deferred call recovers a
// panic, before it returns Ready. Futures whose type cannot be tested for
// nil in the generated code (type parameters, value types) are not adopted.
func SetAdopted(adopted *bool, state int) {
	if state == 0 {
		*adopted = true
	}
}
