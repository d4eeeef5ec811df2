package tasksync

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/internal/waitq"
)

// ErrClosed is the error of an acquire on a closed Semaphore.
var ErrClosed = errors.New("tasksync: semaphore closed")

// ErrNoPermits is returned by Semaphore.TryAcquire when not enough permits
// are free right now.
var ErrNoPermits = errors.New("tasksync: no permits available")

// ErrReleased is the error of the *future.MisuseError raised when a guard
// or permit is released a second time.
var ErrReleased = errors.New("released twice")

// ErrPolledAfterCancel is the error of the *future.MisuseError raised when
// a wait future is polled after Cancel. It is [future.ErrPolledAfterCancel],
// the same value, so one errors.Is test covers every package.
var ErrPolledAfterCancel = future.ErrPolledAfterCancel

// ErrResetBusy is the error of the *future.MisuseError raised by Reset on
// a future that has not finished, or whose guard or permit is still held.
// It is the same value as
// [github.com/spindle-rt/spindle/future/channel.ErrResetBusy].
var ErrResetBusy = waitq.ErrResetBusy

// ErrUninitialized is the error of the *future.MisuseError raised when a
// zero Mutex, RWMutex or Semaphore is used instead of one made by its
// constructor.
var ErrUninitialized = waitq.ErrUninitialized

func misuse(what string, err error) {
	panic(&future.MisuseError{Future: what, Err: err})
}

// acqErr turns an error of waitq.PollAcquire into what the caller sees:
// closed is an error value, the other two are misuse.
func acqErr(what string, err error) error {
	switch err {
	case waitq.ErrSemClosed:
		return ErrClosed
	case waitq.ErrCancelled:
		misuse(what, ErrPolledAfterCancel)
	case waitq.ErrUninitialized:
		misuse(what, ErrUninitialized)
	}
	return err
}
