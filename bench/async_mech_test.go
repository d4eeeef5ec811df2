package bench

import (
	"iter"

	"github.com/spindle-rt/spindle/future"
)

// The two mechanisms that future/async did not pick, written just well
// enough to be measured against it (docs/design.md says why).

// chanTask is mechanism (c): the body runs on an ordinary goroutine that
// gets the poll's Context over one channel and hands control back over
// another, so the poller blocks while the body runs.
type chanTask[T any] struct {
	body    func(*chanAwaiter) T
	a       chanAwaiter
	back    chan bool // true: the body returned
	started bool
	result  T
}

type chanAwaiter struct {
	cx     *future.Context
	resume chan *future.Context
	back   chan bool
}

func newChanTask[T any](body func(*chanAwaiter) T) *chanTask[T] {
	back := make(chan bool)
	return &chanTask[T]{body: body, back: back,
		a: chanAwaiter{resume: make(chan *future.Context), back: back}}
}

func (t *chanTask[T]) Poll(cx *future.Context) future.Poll[T] {
	if !t.started {
		t.started = true
		go func() {
			t.a.cx = <-t.a.resume
			t.result = t.body(&t.a)
			t.back <- true
		}()
	}
	t.a.resume <- cx
	if <-t.back {
		return future.Ready(t.result)
	}
	return future.Pending[T]()
}

func chanAwait[T any](a *chanAwaiter, f future.Future[T]) T {
	for {
		if v, ok := f.Poll(a.cx).Value(); ok {
			return v
		}
		a.back <- false
		a.cx = <-a.resume
	}
}

// coroTask is the switch that mechanism (b), pinning, would cost: a bare
// iter.Pull coroutine created and resumed by the same goroutine, with no
// thread-lock dance, no misuse checks and no cleanup. It is only correct
// when nothing else ever resumes it, which is what a pin to one worker
// would guarantee.
type coroTask[T any] struct {
	a      coroAwaiter
	body   func(*coroAwaiter) T
	next   func() (struct{}, bool)
	stop   func()
	result T
}

type coroAwaiter struct {
	cx    *future.Context
	yield func(struct{}) bool
}

func newCoroTask[T any](body func(*coroAwaiter) T) *coroTask[T] {
	return &coroTask[T]{body: body}
}

func (t *coroTask[T]) Poll(cx *future.Context) future.Poll[T] {
	if t.next == nil {
		t.next, t.stop = iter.Pull(func(yield func(struct{}) bool) {
			t.a.yield = yield
			t.result = t.body(&t.a)
		})
	}
	t.a.cx = cx
	if _, ok := t.next(); ok {
		return future.Pending[T]()
	}
	return future.Ready(t.result)
}

func coroAwait[T any](a *coroAwaiter, f future.Future[T]) T {
	for {
		if v, ok := f.Poll(a.cx).Value(); ok {
			return v
		}
		a.yield(struct{}{})
	}
}
