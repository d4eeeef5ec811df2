package bridge

import (
	"fmt"
	"runtime/debug"

	"github.com/spindle-rt/spindle/future"
)

// ErrPolledAfterCancel is the error of the *future.MisuseError a bridge
// future panics with when it is polled after its Cancel (or Stop). It is
// [future.ErrPolledAfterCancel], the same value, so one errors.Is test
// covers every package.
var ErrPolledAfterCancel = future.ErrPolledAfterCancel

func panicPolledAfterCancel(f any) {
	panic(&future.MisuseError{Future: fmt.Sprintf("%T", f), Err: ErrPolledAfterCancel})
}

// PanicError is the panic value with which a future re-raises, in the task
// that polls it, a panic that happened on a goroutine it started (Go's fn,
// stream.FromSeq's sequence). Value is what was passed to panic; Stack is
// the stack of the goroutine that panicked, which the re-raise would
// otherwise lose.
type PanicError struct {
	Value any
	Stack []byte
}

// Error reports the panic value and the stack of the goroutine.
func (e *PanicError) Error() string {
	return fmt.Sprintf("spindle: panic on a bridged goroutine: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns Value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Capture runs fn and returns nil, or a *PanicError if fn panicked. It is
// how bridges catch a panic on the goroutines they start, so that it can be
// re-raised where the future is polled.
func Capture(fn func()) (pe *PanicError) {
	defer func() {
		if r := recover(); r != nil {
			pe = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	fn()
	return nil
}
