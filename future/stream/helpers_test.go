package stream_test

import (
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pushStream is a hand-driven stream: values pushed from any goroutine,
// ended by end, with a count of polls and of Close calls.
type pushStream[T any] struct {
	mu     sync.Mutex
	items  []T
	ended  bool
	w      future.Waker
	polls  int
	closed int
}

func (p *pushStream[T]) PollNext(cx *future.Context) future.Poll[stream.Item[T]] {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.polls++
	if len(p.items) > 0 {
		v := p.items[0]
		p.items = p.items[1:]
		return stream.Some(v)
	}
	if p.ended {
		return stream.End[T]()
	}
	p.w = cx.Waker()
	return future.Pending[stream.Item[T]]()
}

// push appends vs to what the stream yields and wakes its poller.
func (p *pushStream[T]) push(vs ...T) { p.update(func() { p.items = append(p.items, vs...) }) }

// end makes the stream end after what was pushed and wakes its poller.
func (p *pushStream[T]) end() { p.update(func() { p.ended = true }) }

// update makes change under the lock and wakes the waker of the latest
// Pending poll, once.
func (p *pushStream[T]) update(change func()) {
	p.mu.Lock()
	change()
	w := p.w
	p.w = nil
	p.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Close counts the call; tests check that adapters close their source.
func (p *pushStream[T]) Close() {
	p.mu.Lock()
	p.closed++
	p.mu.Unlock()
}

// closeCount returns how many times Close was called.
func (p *pushStream[T]) closeCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// drain polls s with cx until it is Pending or ends, returning the values
// and whether it ended.
func drain[T any](cx *future.Context, s stream.Stream[T]) (vs []T, ended bool) {
	for {
		it, ok := s.PollNext(cx).Value()
		if !ok {
			return vs, false
		}
		if !it.Ok {
			return vs, true
		}
		vs = append(vs, it.Value)
	}
}

// ints returns 0, 1, ..., n-1.
func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
