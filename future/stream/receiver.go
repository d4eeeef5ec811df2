package stream

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
)

// Receiver is the receiving side of a task channel: the channel package's
// Receiver and BroadcastReceiver.
type Receiver[T any] interface {
	PollRecv(cx *future.Context) future.Poll[future.Result[T]]
}

// FromReceiver returns a stream of the values received from r. It ends
// when r reports channel.ErrClosed (every sender closed and every value was
// received), or at the first other error, such as a Broadcast receiver's
// *channel.LaggedError, which Err then returns, as bufio.Scanner does.
// Close closes r.
func FromReceiver[T any](r Receiver[T]) *RecvStream[T] { return &RecvStream[T]{r: r} }

// RecvStream is the stream returned by FromReceiver.
type RecvStream[T any] struct {
	r     Receiver[T]
	err   error
	ended bool
}

// PollNext receives the next value. The channel's PollRecv is the leaf
// and spends the task's budget, so this does not spend it twice.
func (s *RecvStream[T]) PollNext(cx *future.Context) future.Poll[Item[T]] {
	if s.ended {
		panicPolledAfterEnd(s)
	}
	r, ok := s.r.PollRecv(cx).Value()
	if !ok {
		return future.Pending[Item[T]]()
	}
	if r.Err != nil {
		s.ended = true
		if !errors.Is(r.Err, channel.ErrClosed) {
			s.err = r.Err
		}
		return End[T]()
	}
	return Some(r.Value)
}

// Err returns the error that ended the stream, or nil if it ended because
// the channel closed (or has not ended).
func (s *RecvStream[T]) Err() error { return s.err }

// Close closes the receiver.
func (s *RecvStream[T]) Close() { Close(s.r) }
