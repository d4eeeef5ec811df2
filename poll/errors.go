package poll

import (
	"errors"
	"fmt"
	"net"

	"github.com/spindle-rt/spindle/future"
)

// ErrUnsupported is returned by NewReactor (and so by everything that needs
// a reactor) on systems without epoll.
var ErrUnsupported = errors.New("poll: reactor unsupported on this operating system (needs Linux epoll)")

// ErrReactorClosed is the error of I/O on a resource whose reactor was
// closed, and the Err of the *future.MisuseError raised by a timer polled
// on a closed reactor.
var ErrReactorClosed = errors.New("poll: reactor closed")

// ErrNoReactor is matched (errors.Is) by the Err of the *future.MisuseError
// raised when a future of this package is polled with a Context whose
// Driver is not a *Reactor: on a pool made by pool.New instead of
// [NewPool], or blocked on with future.BlockOn instead of [BlockOn]. When
// the executor has a driver of another type, the error also names it.
var ErrNoReactor = errors.New("poll: future polled without a *poll.Reactor as its driver: " +
	"run it on a pool made by poll.NewPool (pool.New makes one without timers or sockets) " +
	"or block on it with poll.BlockOn")

// ErrParkedTwice is the Err of the *future.MisuseError raised when two
// goroutines call Park on one Reactor at the same time.
var ErrParkedTwice = errors.New("poll: Reactor.Park called while another goroutine is parked in it")

// ErrWrongReactor is returned when a listener first used with one reactor
// is polled under another.
var ErrWrongReactor = errors.New("poll: resource is registered with another reactor")

// ErrTimeout is the error of a Timeout whose deadline passed before its
// future finished. Compare with errors.Is. Like net's timeout errors it has
// a Timeout method returning true.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "poll: timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// reactorOf returns the reactor that drives cx, or panics with a
// *future.MisuseError naming f.
func reactorOf(cx *future.Context, f any) *Reactor {
	d := cx.Driver()
	if r, ok := d.(*Reactor); ok {
		return r
	}
	err := ErrNoReactor
	if d != nil {
		err = fmt.Errorf("%w (the executor's driver is a %T: give it a *poll.Reactor with its WithDriver option)", err, d)
	}
	panic(&future.MisuseError{Future: fmt.Sprintf("%T", f), Err: err})
}

func misuse(f any, err error) *future.MisuseError {
	return &future.MisuseError{Future: fmt.Sprintf("%T", f), Err: err}
}

// opError wraps err the way package net does, so callers can use
// errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNREFUSED) and
// errors.As(err, **net.OpError).
func opError(op, network string, local, remote net.Addr, err error) error {
	if err == nil {
		return nil
	}
	return &net.OpError{Op: op, Net: network, Source: local, Addr: remote, Err: err}
}

var errNonPositivePeriod = errors.New("poll: Interval period must be positive")
