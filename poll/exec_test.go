package poll_test

import (
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// miniExec is a one-goroutine executor for the tests: tasks run on the
// goroutine that calls run, which parks in the reactor when none is
// runnable. It stands in for a pool in tests that need many tasks.
type miniExec struct {
	r     *poll.Reactor
	mu    sync.Mutex
	queue []*task
	live  int
}

type task struct {
	e      *miniExec
	f      future.Future[struct{}]
	queued bool
	done   bool
}

func (t *task) Wake() {
	e := t.e
	e.mu.Lock()
	if t.queued || t.done {
		e.mu.Unlock()
		return
	}
	t.queued = true
	e.queue = append(e.queue, t)
	e.mu.Unlock()
	e.r.Unpark()
}

func newExec(r *poll.Reactor) *miniExec { return &miniExec{r: r} }

// spawn adds a task; safe before or during run (from inside a task).
func (e *miniExec) spawn(f future.Future[struct{}]) {
	t := &task{e: e, f: f}
	e.mu.Lock()
	e.live++
	e.mu.Unlock()
	t.Wake()
}

// run polls tasks until all completed.
func (e *miniExec) run() {
	cx := future.NewContext(nil)
	cx.SetDriver(e.r)
	var batch []*task
	for {
		e.mu.Lock()
		if e.live == 0 {
			e.mu.Unlock()
			return
		}
		batch = append(batch[:0], e.queue...)
		clear(e.queue)
		e.queue = e.queue[:0]
		for _, t := range batch {
			t.queued = false
		}
		e.mu.Unlock()
		for _, t := range batch {
			cx.SetWaker(t)
			if t.f.Poll(cx).IsReady() {
				e.mu.Lock()
				t.done = true
				e.live--
				e.mu.Unlock()
			}
		}
		e.mu.Lock()
		idle := len(e.queue) == 0 && e.live > 0
		e.mu.Unlock()
		if idle {
			e.r.Park(cx, -1)
		} else {
			e.r.Park(cx, 0)
		}
	}
}

// fn adapts a closure run once per poll into a unit future.
type fn func(cx *future.Context) bool

func (f fn) Poll(cx *future.Context) future.Poll[struct{}] {
	if f(cx) {
		return future.Ready(struct{}{})
	}
	return future.Pending[struct{}]()
}

// await polls *slot (made on demand by mk) and reports its value once
// ready, resetting the slot so the next call starts a new future. It lets
// the tests write sequential steps as small state machines.
func await[T any](cx *future.Context, slot *future.Future[T], mk func() future.Future[T]) (T, bool) {
	if *slot == nil {
		*slot = mk()
	}
	v, ok := (*slot).Poll(cx).Value()
	if ok {
		*slot = nil
	}
	return v, ok
}

func withReactor(t interface {
	Helper()
	Cleanup(func())
	Fatalf(string, ...any)
}) *poll.Reactor {
	t.Helper()
	r, err := poll.NewReactor()
	if err != nil {
		t.Fatalf("NewReactor: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// block runs f on r on the calling goroutine.
func block[T any](r *poll.Reactor, f future.Future[T]) T { return future.BlockOnDriver(r, f) }

var _ = time.Second
