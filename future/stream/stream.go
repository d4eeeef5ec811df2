package stream

import (
	"errors"
	"fmt"
	"io"

	"github.com/spindle-rt/spindle/future"
)

// Stream is an asynchronous sequence of values. PollNext returns Ready with
// Some(v) for the next value, Ready with End when there are no more values,
// or Pending after arranging for cx.Waker() to be woken when it is worth
// polling again. See the package documentation for the rules.
type Stream[T any] interface {
	PollNext(cx *future.Context) future.Poll[Item[T]]
}

// Item is what a ready PollNext returns: Value with Ok true, or the end of
// the stream with Ok false, like v, ok := <-ch.
type Item[T any] struct {
	Value T
	Ok    bool
}

// Some returns a ready poll carrying the value v.
func Some[T any](v T) future.Poll[Item[T]] { return future.Ready(Item[T]{Value: v, Ok: true}) }

// End returns a ready poll that ends the stream.
func End[T any]() future.Poll[Item[T]] { return future.Ready(Item[T]{}) }

// Func is a PollNext function used as a Stream.
type Func[T any] func(cx *future.Context) future.Poll[Item[T]]

// PollNext calls f.
func (f Func[T]) PollNext(cx *future.Context) future.Poll[Item[T]] { return f(cx) }

// ErrPolledAfterEnd is the error of the *future.MisuseError a stream panics
// with when it is polled again after it returned End.
var ErrPolledAfterEnd = errors.New("stream polled after it returned End")

// ErrPolledAfterClose is the error of the *future.MisuseError a stream
// panics with when it is polled after Close.
var ErrPolledAfterClose = errors.New("stream polled after Close")

// panicPolledAfterClose reports a poll of the closed stream s.
func panicPolledAfterClose(s any) {
	panic(&future.MisuseError{Future: fmt.Sprintf("%T", s), Err: ErrPolledAfterClose})
}

// panicPolledAfterEnd reports a poll of the finished stream s.
func panicPolledAfterEnd(s any) {
	panic(&future.MisuseError{Future: fmt.Sprintf("%T", s), Err: ErrPolledAfterEnd})
}

// misuse panics with a *future.MisuseError for a bad argument to the
// function named fn.
func misuse(fn string, msg string) {
	panic(&future.MisuseError{Future: "stream." + fn, Err: errors.New(msg)})
}

// Closer is implemented by streams that hold resources beyond memory, such
// as the goroutine behind FromSeq. Close releases them; the stream must not
// be polled afterwards. Close may be called more than once.
type Closer interface {
	Close()
}

// Close releases the resources of s if it implements Closer, io.Closer
// (whose error is then returned) or has a Cancel method (like the poll
// package's Ticker and Sleep), and does nothing otherwise. Call it when you
// stop polling a stream, or a future, before its end. Combinators call it on
// the sources and futures they drop.
func Close(s any) error {
	switch c := s.(type) {
	case Closer:
		c.Close()
	case io.Closer:
		return c.Close()
	case interface{ Cancel() }:
		c.Cancel()
	}
	return nil
}
