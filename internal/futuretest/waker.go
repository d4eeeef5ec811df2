package futuretest

import (
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// CountWaker is a future.Waker that counts its wakes. It may be woken from
// any goroutine; its zero value is ready to use. Besides counting, it
// signals each wake on the channel Woken returns, for tests that block
// until a wake arrives from another goroutine.
type CountWaker struct {
	n    atomic.Int64
	once sync.Once
	ch   chan struct{} // capacity 1: wakes that arrive while it is full merge
}

// NewContext returns a fresh Context whose waker is a fresh CountWaker, and
// that waker: the usual set-up of a test that polls by hand.
func NewContext() (*future.Context, *CountWaker) {
	w := &CountWaker{}
	return future.NewContext(w), w
}

// Wake counts the wake and signals it on Woken's channel.
func (w *CountWaker) Wake() {
	w.n.Add(1)
	select {
	case w.woken() <- struct{}{}:
	default:
	}
}

// Count returns how many wakes there have been.
func (w *CountWaker) Count() int { return int(w.n.Load()) }

// Reset returns how many wakes there have been since the last Reset and
// starts counting from zero again.
func (w *CountWaker) Reset() int { return int(w.n.Swap(0)) }

// Context returns a fresh Context with w as its waker.
func (w *CountWaker) Context() *future.Context { return future.NewContext(w) }

// Woken returns a channel that receives after a wake. Wakes that arrive
// before the last one was received merge into one, so a receive says "at
// least one wake since the previous receive", never how many.
func (w *CountWaker) Woken() <-chan struct{} { return w.woken() }

// woken makes the channel on first use, so that the zero value works and a
// wake that comes before the first call to Woken is not lost.
func (w *CountWaker) woken() chan struct{} {
	w.once.Do(func() { w.ch = make(chan struct{}, 1) })
	return w.ch
}

// LocalWaker is a future.LocalWaker that records how it was woken: plain
// wakes are counted, local wakes (through future.WakeFrom inside a poll)
// are recorded with the extension they came with. It may be woken from any
// goroutine.
type LocalWaker struct {
	mu     sync.Mutex
	wakes  int
	locals []any
}

// Wake counts a plain wake.
func (w *LocalWaker) Wake() {
	w.mu.Lock()
	w.wakes++
	w.mu.Unlock()
}

// WakeLocal records a local wake that came with ext.
func (w *LocalWaker) WakeLocal(ext any) {
	w.mu.Lock()
	w.locals = append(w.locals, ext)
	w.mu.Unlock()
}

// Wakes returns how many plain wakes there have been.
func (w *LocalWaker) Wakes() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.wakes
}

// Locals returns the extensions of the local wakes so far, in order (nil if
// there were none).
func (w *LocalWaker) Locals() []any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]any(nil), w.locals...)
}
