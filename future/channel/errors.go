package channel

import (
	"errors"
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// ErrClosed reports that the other side of the channel is closed: for a
// receiver, that every sender closed and every accepted value has been
// received; for a sender, that the receiver (or every receiver) closed.
var ErrClosed = errors.New("channel: closed")

// ErrFull is the error of TrySend on a bounded MPSC with no room.
var ErrFull = errors.New("channel: full")

// ErrEmpty is the error of TryRecv when no value is ready yet.
var ErrEmpty = errors.New("channel: empty")

// ErrLagged is matched (errors.Is) by a *LaggedError.
var ErrLagged = errors.New("channel: receiver lagged")

// ErrHandleClosed is the error of the *future.MisuseError raised when a
// handle is used after its own Close.
var ErrHandleClosed = errors.New("handle used after Close")

// ErrAlreadySent is the error of the *future.MisuseError raised by a second
// Send on a Oneshot.
var ErrAlreadySent = errors.New("oneshot value already sent")

// ErrZeroCapacity is the error of the *future.MisuseError raised when a
// bounded channel is made with a capacity below 1.
var ErrZeroCapacity = errors.New("capacity must be at least 1")

// ErrPolledAfterCancel is the error of the *future.MisuseError raised when a
// send future is polled after Cancel. It is [future.ErrPolledAfterCancel],
// the same value, so one errors.Is test covers every package.
var ErrPolledAfterCancel = future.ErrPolledAfterCancel

// ErrResetBusy is the error of the *future.MisuseError raised by Reset on
// a send future that has not finished. It is the same value as
// [github.com/spindle-rt/spindle/future/tasksync.ErrResetBusy].
var ErrResetBusy = waitq.ErrResetBusy

// SendError is a failed send. It hands back the value that was not sent;
// Err is ErrClosed or ErrFull.
type SendError[T any] struct {
	Value T
	Err   error
}

// Error says the send failed and why.
func (e *SendError[T]) Error() string { return "channel: send failed: " + e.Err.Error() }

// Unwrap returns e.Err, so errors.Is(err, ErrClosed) works.
func (e *SendError[T]) Unwrap() error { return e.Err }

// LaggedError tells a Broadcast receiver that it fell so far behind that
// Missed values were overwritten before it received them. The receiver
// goes on with the oldest value still kept.
type LaggedError struct {
	Missed uint64
}

// Error says how many values the receiver missed.
func (e *LaggedError) Error() string {
	return fmt.Sprintf("channel: receiver lagged, missed %d values", e.Missed)
}

// Is makes errors.Is(err, ErrLagged) true.
func (e *LaggedError) Is(target error) bool { return target == ErrLagged }

func misuse(what string, err error) {
	panic(&future.MisuseError{Future: what, Err: err})
}
