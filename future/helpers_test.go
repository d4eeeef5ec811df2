package future_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
)

// probe is a hand-driven child future. It records every poll and the waker
// of the latest one; it is Ready once completed; it can wake its own waker
// inside Poll (a wake that arrives before the poll returns) and panic.
type probe[T any] struct {
	mu         sync.Mutex
	polls      int
	waker      future.Waker
	ext        any
	value      T
	ready      bool
	wakeInPoll int // wakes of its own waker inside each poll, before returning
	panicWith  any
}

func (p *probe[T]) Poll(cx *future.Context) future.Poll[T] {
	p.mu.Lock()
	p.polls++
	p.waker = cx.Waker()
	p.ext = cx.Ext()
	ready, v, n, pv := p.ready, p.value, p.wakeInPoll, p.panicWith
	p.mu.Unlock()
	if pv != nil {
		panic(pv)
	}
	for range n {
		cx.Waker().Wake()
	}
	if ready {
		return future.Ready(v)
	}
	return future.Pending[T]()
}

// complete makes the probe Ready with v and wakes it, like an I/O event.
func (p *probe[T]) complete(v T) {
	p.mu.Lock()
	p.value, p.ready = v, true
	w := p.waker
	p.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// wake wakes the waker of the probe's latest poll without completing it.
func (p *probe[T]) wake() {
	p.mu.Lock()
	w := p.waker
	p.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (p *probe[T]) pollCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.polls
}

func (p *probe[T]) lastExt() any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ext
}

// probes returns n fresh probes and the same as a []future.Future[T].
func probes[T any](n int) ([]*probe[T], []future.Future[T]) {
	ps := make([]*probe[T], n)
	fs := make([]future.Future[T], n)
	for i := range ps {
		ps[i] = &probe[T]{}
		fs[i] = ps[i]
	}
	return ps, fs
}

// readyProbe is a probe that is Ready with v from its first poll.
func readyProbe[T any](v T) *probe[T] { return &probe[T]{value: v, ready: true} }

// countWaker counts its wakes; it is the parent (task) waker in tests.
type countWaker struct{ n atomic.Int64 }

func (w *countWaker) Wake()      { w.n.Add(1) }
func (w *countWaker) count() int { return int(w.n.Load()) }
func (w *countWaker) reset() int { return int(w.n.Swap(0)) }
func newCX() (*future.Context, *countWaker) {
	w := &countWaker{}
	return future.NewContext(w), w
}

// localWaker records local wakes and the extension they came with.
type localWaker struct {
	mu     sync.Mutex
	wakes  int
	locals []any
}

func (w *localWaker) Wake() { w.mu.Lock(); w.wakes++; w.mu.Unlock() }
func (w *localWaker) WakeLocal(ext any) {
	w.mu.Lock()
	w.locals = append(w.locals, ext)
	w.mu.Unlock()
}

// requireMisuse runs fn and requires it to panic with a *MisuseError that
// wraps target and whose message names a type containing typeName.
func requireMisuse(t *testing.T, target error, typeName string, fn func()) {
	t.Helper()
	r := catch(fn)
	require.NotNil(t, r, "expected a panic")
	e, ok := r.(*future.MisuseError)
	require.True(t, ok, "panic value is %T (%v), want *future.MisuseError", r, r)
	require.ErrorIs(t, e, target)
	require.Contains(t, e.Future, typeName)
	require.Contains(t, e.Error(), typeName)
}

// catch runs fn and returns what it panicked with, or nil.
func catch(fn func()) (r any) {
	defer func() { r = recover() }()
	fn()
	return nil
}

// drive polls f with cx until it is Ready, at most limit times.
func drive[T any](t *testing.T, f future.Future[T], cx *future.Context, limit int) T {
	t.Helper()
	for range limit {
		if v, ok := f.Poll(cx).Value(); ok {
			return v
		}
	}
	require.FailNow(t, fmt.Sprintf("%T not ready after %d polls", f, limit))
	panic("unreachable")
}
