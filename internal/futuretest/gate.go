package futuretest

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// Gate is a hand-driven future[T]: Pending until the test opens it, then
// Ready with the value it was opened with, on every poll (it does not
// enforce the rule against polling after Ready: tests count polls instead).
//
// It records every poll: their number, and the waker and Ext of the latest
// one. It keeps that waker after it has woken it and after it is open, so
// a test can wake a waker the code under test no longer waits on, as a
// slow I/O event would. Every method may be called from any goroutine.
//
// WakeInPoll and PanicWith are read at every poll; set them before the
// first one.
type Gate[T any] struct {
	// WakeInPoll is how many times each poll wakes the poll's own waker
	// before returning: a wake that arrives while the poll still runs.
	WakeInPoll int
	// PanicWith, when not nil, is what every poll panics with.
	PanicWith any

	mu    sync.Mutex
	polls int
	waker future.Waker
	ext   any
	value T
	open  bool
}

// ReadyGate returns a Gate that is open with v from the start.
func ReadyGate[T any](v T) *Gate[T] { return &Gate[T]{value: v, open: true} }

// Gates returns n fresh Gates, and the same as a slice of futures to hand
// to a combinator.
func Gates[T any](n int) ([]*Gate[T], []future.Future[T]) {
	return many[T](n, func() *Gate[T] { return &Gate[T]{} })
}

// many returns n futures made by mk, as they are and as plain futures.
func many[T any, G future.Future[T]](n int, mk func() G) ([]G, []future.Future[T]) {
	gs := make([]G, n)
	fs := make([]future.Future[T], n)
	for i := range gs {
		gs[i] = mk()
		fs[i] = gs[i]
	}
	return gs, fs
}

// Poll records the poll, then panics with PanicWith if set, wakes its own
// waker WakeInPoll times, and is Ready if the gate is open.
func (g *Gate[T]) Poll(cx *future.Context) future.Poll[T] {
	g.mu.Lock()
	g.polls++
	g.waker = cx.Waker()
	g.ext = cx.Ext()
	open, v, n, pv := g.open, g.value, g.WakeInPoll, g.PanicWith
	g.mu.Unlock()
	if pv != nil {
		panic(pv)
	}
	for range n {
		cx.Waker().Wake()
	}
	if open {
		return future.Ready(v)
	}
	return future.Pending[T]()
}

// Open makes the gate Ready with v and wakes the waker of its latest poll,
// like an I/O event completing.
func (g *Gate[T]) Open(v T) {
	g.mu.Lock()
	g.value, g.open = v, true
	w := g.waker
	g.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Opened reports whether Open or OpenWithoutWake was called.
func (g *Gate[T]) Opened() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open
}

// OpenWithoutWake makes the gate Ready with v and wakes nobody: its next
// poll finds it Ready only if something else causes that poll.
func (g *Gate[T]) OpenWithoutWake(v T) {
	g.mu.Lock()
	g.value, g.open = v, true
	g.mu.Unlock()
}

// WakeLatest wakes the waker of the gate's latest poll without opening it:
// a spurious wake, or a stale one once the gate is open.
func (g *Gate[T]) WakeLatest() {
	if w := g.Waker(); w != nil {
		w.Wake()
	}
}

// Waker returns the waker of the gate's latest poll (nil before the first).
func (g *Gate[T]) Waker() future.Waker {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waker
}

// Polls returns how many times the gate has been polled.
func (g *Gate[T]) Polls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.polls
}

// LastExt returns the Ext of the Context of the gate's latest poll.
func (g *Gate[T]) LastExt() any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ext
}

// CancelGate is a Gate that implements future.Canceler and counts the
// Cancel calls, like a lock wait or a timer that must give its place back
// when abandoned. It is a separate type so that tests can also hand
// combinators children that are not Cancelers.
type CancelGate[T any] struct {
	Gate[T]
	cancels int // under Gate.mu
}

// CancelGates returns n fresh CancelGates, and the same as a slice of
// futures to hand to a combinator.
func CancelGates[T any](n int) ([]*CancelGate[T], []future.Future[T]) {
	return many[T](n, func() *CancelGate[T] { return &CancelGate[T]{} })
}

// Cancel counts the call. It checks nothing: tests assert on Cancels.
func (g *CancelGate[T]) Cancel() {
	g.mu.Lock()
	g.cancels++
	g.mu.Unlock()
}

// Cancels returns how many times Cancel has been called.
func (g *CancelGate[T]) Cancels() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cancels
}
