package pooltest

import (
	"errors"
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// task is one spawned future. Every field but id and site belongs to the
// loop goroutine.
type task struct {
	id         uint64
	site       string
	state      taskState
	gen        uint32 // generation of the latest poll; wakers carry theirs
	polls      int
	staleWakes int
	prio       uint64                        // PCT priority; higher runs first
	poll       func(cx *future.Context) bool // polls the future, true when done
	cancel     func()                        // the future's Cancel, if it has one
}

// taskWaker is the waker handed to one poll of t. A fresh one per poll is
// what lets the loop tell the waker of the latest poll from stale ones.
type taskWaker struct {
	t   *task
	gen uint32
	s   *Sched
}

// Wake queues the wake for the loop; any goroutine may call it.
func (w *taskWaker) Wake() { w.s.post(wake{t: w.t, gen: w.gen}) }

// WakeLocal is Wake: a wake from inside a poll also goes through the inbox,
// so that wake order is decided by the seed and not by who called.
func (w *taskWaker) WakeLocal(any) { w.Wake() }

// Handle is the handle of a spawned task. It is a future.Future of the
// task's value, so tasks can await each other; await it from one task at a
// time, as any future.
type Handle[T any] struct {
	t      *task
	value  T
	done   atomic.Bool
	waker  future.Waker // waker of the latest poll of the Handle itself
	polled bool         // returned Ready already
}

// Spawn adds f to s as a new task and returns its handle. It may be called
// from the body, from inside tasks, and from other goroutines; the task is
// first polled at a step of the loop chosen by the seed.
func Spawn[T any](s *Sched, f future.Future[T]) *Handle[T] {
	if f == nil {
		panic(&future.MisuseError{Future: "pooltest.Spawn", Err: future.ErrNilFuture})
	}
	h := &Handle[T]{}
	t := &task{id: atomic.AddUint64(&s.nextID, 1), site: callerSite(2)}
	t.poll = func(cx *future.Context) bool {
		v, ok := f.Poll(cx).Value()
		if !ok {
			return false
		}
		h.value = v
		h.done.Store(true)
		if w := h.waker; w != nil {
			h.waker = nil
			future.WakeFrom(cx, w)
		}
		return true
	}
	if c, ok := f.(interface{ Cancel() }); ok {
		t.cancel = c.Cancel
	}
	h.t = t
	s.post(wake{t: t, spawn: true})
	return h
}

// Poll is Ready with the task's value once the task has finished; until
// then it keeps cx's waker to wake when it finishes. Polling it again after
// it returned Ready panics with a *future.MisuseError.
func (h *Handle[T]) Poll(cx *future.Context) future.Poll[T] {
	if h.polled {
		future.PanicPolledAfterReady(h)
	}
	if h.done.Load() {
		h.polled = true
		h.waker = nil
		return future.Ready(h.value)
	}
	h.waker = cx.Waker()
	return future.Pending[T]()
}

// Done reports whether the task has finished.
func (h *Handle[T]) Done() bool { return h.done.Load() }

// Value returns the task's value and true once it has finished, the zero
// T and false before.
func (h *Handle[T]) Value() (T, bool) {
	if !h.done.Load() {
		var zero T
		return zero, false
	}
	return h.value, true
}

// ID returns the task's id: 1 for the first task spawned in a run, then 2,
// and so on. Deadlock reports name tasks by it.
func (h *Handle[T]) ID() uint64 { return h.t.id }

// ErrNestedLoop is the error of the *future.MisuseError with which BlockOn
// and Wait panic when called from inside a task: a poll must not block,
// and the loop is already running it. Await a Handle instead.
var ErrNestedLoop = errors.New("pooltest: BlockOn or Wait called from inside a task")

// BlockOn spawns f and runs the loop until it finishes, polling the other
// tasks as the seed decides, and returns its value. Call it from the body.
// If the run fails (a task panicked, an assertion failed, deadlock) it
// stops the body as FailNow does.
func BlockOn[T any](s *Sched, f future.Future[T]) T {
	h := Spawn(s, f)
	if !s.loop(h.Done) {
		panic(failNow{})
	}
	return h.value
}

// Wait runs the loop until every task spawned so far, and every task they
// spawn, has finished. Call it from the body, for instance before checking
// what the tasks did. Run calls it after the body returns. If the run
// fails, Wait stops the body as FailNow does.
func (s *Sched) Wait() {
	if !s.loop(func() bool { return s.live == 0 }) {
		panic(failNow{})
	}
}

// callerSite names where a task was spawned: the caller of Spawn, then up
// to two of its callers (tests often spawn through a helper), innermost
// first, as "file.go:12 ← file_test.go:40". Frames of the runtime, of
// package testing and of this package's loop are left out.
func callerSite(skip int) string {
	var pcs [8]uintptr
	n := runtime.Callers(skip+1, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	for kept := 0; kept < 3; {
		f, more := frames.Next()
		switch {
		case strings.HasPrefix(f.Function, "github.com/spindle-rt/spindle/pool/pooltest."):
			if kept == 0 && more {
				continue // BlockOn
			}
			return siteOrUnknown(&b)
		case strings.HasPrefix(f.Function, "runtime."), strings.HasPrefix(f.Function, "testing."):
			return siteOrUnknown(&b)
		}
		if kept > 0 {
			b.WriteString(" ← ")
		}
		fmt.Fprintf(&b, "%s:%d", path.Base(f.File), f.Line)
		kept++
		if !more {
			break
		}
	}
	return siteOrUnknown(&b)
}

func siteOrUnknown(b *strings.Builder) string {
	if b.Len() == 0 {
		return "unknown"
	}
	return b.String()
}
