package bridge_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/spindle-rt/spindle/future"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// countWaker counts wakes from any goroutine and signals each on a channel.
type countWaker struct {
	n  atomic.Int64
	ch chan struct{}
}

func newWaker() *countWaker { return &countWaker{ch: make(chan struct{}, 1)} }

func (w *countWaker) Wake() {
	w.n.Add(1)
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

func (w *countWaker) count() int { return int(w.n.Load()) }

// gate is a hand-driven future with a Cancel that is recorded.
type gate[T any] struct {
	mu        sync.Mutex
	w         future.Waker
	v         T
	open      bool
	polls     int
	cancelled int
}

func (g *gate[T]) Poll(cx *future.Context) future.Poll[T] {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.polls++
	if g.open {
		return future.Ready(g.v)
	}
	g.w = cx.Waker()
	return future.Pending[T]()
}

func (g *gate[T]) finish(v T) {
	g.mu.Lock()
	g.v, g.open = v, true
	w := g.w
	g.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (g *gate[T]) Cancel() {
	g.mu.Lock()
	g.cancelled++
	g.mu.Unlock()
}

func (g *gate[T]) counts() (polls, cancelled int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.polls, g.cancelled
}

// eventually polls cond on the test goroutine until it holds or 30s have
// passed. Unlike require.Eventually it starts no goroutine, so conditions
// may count goroutines. The deadline only bounds a failure.
func eventually(t *testing.T, cond func() bool, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf(msg, args...)
		}
		time.Sleep(time.Millisecond)
	}
}
