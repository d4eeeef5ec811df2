package future

import (
	"errors"
	"fmt"
)

// ErrPolledAfterReady is the error of a *MisuseError raised when a future is
// polled again after it returned Ready.
var ErrPolledAfterReady = errors.New("future polled after it returned Ready")

// MisuseError is the panic value of the futures of this module when they are
// used against the contract. Future names the dynamic type of the future
// that was misused; Err says what was done wrong and can be compared with
// errors.Is.
type MisuseError struct {
	Future string
	Err    error
}

// Error names the module, the misused future's type and the mistake.
func (e *MisuseError) Error() string {
	return "spindle: " + e.Future + ": " + e.Err.Error()
}

// Unwrap returns e.Err.
func (e *MisuseError) Unwrap() error { return e.Err }

// panicPolledAfterReady reports a poll of the finished future f.
func panicPolledAfterReady(f any) {
	panic(&MisuseError{Future: fmt.Sprintf("%T", f), Err: ErrPolledAfterReady})
}

// PanicPolledAfterReady panics with a *MisuseError naming f's type and
// wrapping ErrPolledAfterReady. Futures outside this package call it when
// they are polled after completion, so every future reports that mistake
// the same way.
func PanicPolledAfterReady(f any) { panicPolledAfterReady(f) }

func sprint(v any) string { return fmt.Sprint(v) }

// ErrPolledAfterPanic is the error of a *MisuseError raised when a future
// is polled again after an earlier poll of it panicked (the panic was
// recovered and the future reused). Its state is then unknown, so it refuses
// to go on rather than hang or compute a wrong value.
var ErrPolledAfterPanic = errors.New("future polled again after its poll panicked")

// ErrPolledAfterCancel is the error of a *MisuseError raised when a future
// is polled after it was cancelled (see Canceler).
// It is the one value for that mistake in the module: channel, tasksync,
// bridge and async export it under their own names.
var ErrPolledAfterCancel = errors.New("future polled after it was cancelled")

// ErrNilFuture is the error of a *MisuseError raised when a combinator is
// given a nil Future, or a function given to one (Then, AndThen) returns a
// nil Future. pool exports the same value as pool.ErrNilFuture.
var ErrNilFuture = errors.New("nil Future")

// ErrNoFutures is the error of a *MisuseError raised when a race (Race,
// TryRace, FirstOk, SelectN, SelectBiased) is given no futures, or no
// enabled case: it could never complete.
var ErrNoFutures = errors.New("no futures to race")

func misuse(f any, err error) {
	panic(&MisuseError{Future: fmt.Sprintf("%T", f), Err: err})
}

// misuseName panics like misuse for a constructor, which has no future
// value to name yet.
func misuseName(name string, err error) {
	panic(&MisuseError{Future: name, Err: err})
}

// ErrNilFunc is the error of a *MisuseError raised when a combinator is
// given a nil function.
var ErrNilFunc = errors.New("nil function")
