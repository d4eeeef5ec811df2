package async

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// A Task runs its body on a coroutine (iter.Pull) that lives only while it
// is switched to from Poll. Its phases:
//
//	fresh ──Poll──▶ running ──body returns or panics──▶ done
//	                  │   ▲
//	  Await: Pending  ▼   │ Poll
//	               suspended ──Cancel / GC cleanup──▶ cancelled
//	fresh ──Cancel──▶ cancelled (the body never ran: nothing to unwind)
//
// done and cancelled are final. Poll in done panics with
// future.ErrPolledAfterReady, in cancelled with ErrCancelled, in running
// (the body awaiting its own Task) with ErrReentrant. A Task is polled by
// one goroutine at a time like every future; Cancel must not run during a
// Poll. Nothing here is atomic: the future contract (one poller at a time,
// wakes publishing through the executor) orders every access.
type phase uint8

const (
	phaseFresh phase = iota
	phaseRunning
	phaseSuspended
	phaseDone
	phaseCancelled
)

// ErrCancelled is wrapped by the *future.MisuseError panic of a Task polled
// after Cancel. It is [future.ErrPolledAfterCancel], the same value, so one
// errors.Is test covers every package.
var ErrCancelled = future.ErrPolledAfterCancel

// ErrReentrant is wrapped by the *future.MisuseError panic of a Task polled
// or cancelled from inside its own body.
var ErrReentrant = errors.New("async task polled or cancelled from inside its own body")

// ErrThreadChanged is wrapped by the *future.MisuseError panic of a Task
// whose coroutine was created pinned to a thread (see New) and was then
// polled from another thread, or from an unlocked goroutine.
var ErrThreadChanged = errors.New("async task created pinned to a locked thread was polled elsewhere")

// Task is the Future of an async body. Create it with New or Try, run it
// like any future (spawn it on a pool, join it, race it, Await it in
// another body, BlockOn it), and Cancel it if it is dropped before it
// finished.
type Task[T any] struct {
	s     *shared[T]
	phase phase
	mode  threadMode
	tid   int
	clean runtime.Cleanup
	armed bool // clean is registered
}

// shared is what the coroutine reaches. It must never point back to the
// Task: the GC cleanup that unwinds an abandoned Task runs only once the
// Task is unreachable, and the parked coroutine's stack is a GC root.
type shared[T any] struct {
	a      Awaiter
	body   func(*Awaiter) T
	result T
	stack  []byte // the body's stack when it panicked
	next   func() (struct{}, bool)
	stop   func()
}

// New returns a Task that runs body when polled. The body runs as if it
// were blocking code: each Await returns the value of a future, and while
// that future is pending the Task returns Pending to its executor and the
// body stays suspended until the Task is woken and polled again.
//
// The body runs on a coroutine of its own (a goroutine that runs only when
// switched to from Poll, never in parallel with its poller). Poll switches
// to it from an unlocked goroutine; a pool worker's single LockOSThread
// level is dropped around the switch and taken again after it, so a Task
// may move between workers. A poller holding deeper locks pins the Task to
// its thread (polling it elsewhere is a *future.MisuseError panic wrapping
// ErrThreadChanged).
//
// A panic in the body unwinds the body, then reaches the poller with the
// original value (a pool turns it into its *pool.PanicError). A body
// calling runtime.Goexit makes Poll panic with a *future.MisuseError.
//
// Cancel, or the garbage collector if the Task is dropped unfinished,
// unwinds a suspended body: its deferred calls run. See Cancel.
func New[T any](body func(a *Awaiter) T) *Task[T] {
	if body == nil {
		panic(&future.MisuseError{Future: "async.New", Err: future.ErrNilFunc})
	}
	return &Task[T]{s: &shared[T]{body: body}}
}

// Try is New for bodies that can fail: the Task's value is a
// future.Result holding what body returned.
func Try[T any](body func(a *Awaiter) (T, error)) *Task[future.Result[T]] {
	if body == nil {
		panic(&future.MisuseError{Future: "async.Try", Err: future.ErrNilFunc})
	}
	return New(func(a *Awaiter) future.Result[T] {
		v, err := body(a)
		return future.Result[T]{Value: v, Err: err}
	})
}

func (t *Task[T]) misuse(err error) *future.MisuseError {
	return &future.MisuseError{Future: fmt.Sprintf("%T", t), Err: err}
}

// Poll runs the body until it finishes or awaits a pending future.
func (t *Task[T]) Poll(cx *future.Context) future.Poll[T] {
	switch t.phase {
	case phaseDone:
		future.PanicPolledAfterReady(t)
	case phaseCancelled:
		panic(t.misuse(ErrCancelled))
	case phaseRunning:
		panic(t.misuse(ErrReentrant))
	}
	th := releaseThread()
	if t.phase == phaseFresh {
		t.start(th)
	} else if th.mode != t.mode || th.tid != t.tid {
		restoreThread(th)
		panic(t.misuse(ErrThreadChanged))
	}
	if t.resume(cx, th) {
		return future.Pending[T]()
	}
	v := t.s.result
	var zero T
	t.s.result = zero
	return future.Ready(v)
}

// start creates the coroutine under the thread state the first poll runs
// with; the runtime records it at creation.
func (t *Task[T]) start(th threadState) {
	s := t.s
	t.mode, t.tid = th.mode, th.tid
	s.a.pinned = th.mode == modePinned
	s.next, s.stop = iter.Pull(s.run)
}

// resume switches into the body and reports whether it suspended. On a
// panic the deferred call still restores the thread lock and ends the Task.
func (t *Task[T]) resume(cx *future.Context, th threadState) (suspended bool) {
	s := t.s
	s.a.cx = cx
	s.a.takeSlot(noblock.Of(cx.Ext()))
	t.phase = phaseRunning
	defer func() {
		s.a.cx = nil
		s.a.returnSlot()
		restoreThread(th)
		if suspended {
			if t.mode == modeFree && !t.armed && !s.a.adopted {
				// Only a suspended body can be abandoned, so a Task
				// that finishes in its first poll never pays for the
				// cleanup. A pinned coroutine can be resumed only on
				// its thread, which a cleanup goroutine is not.
				t.clean = runtime.AddCleanup(t, unwindAbandoned[T], s)
				t.armed = true
			}
			t.phase = phaseSuspended
		} else {
			t.end(phaseDone)
		}
		// t must stay reachable while the body runs: its cleanup would
		// otherwise unwind the coroutine from another goroutine mid-switch.
		runtime.KeepAlive(t)
	}()
	_, suspended = s.next()
	return suspended
}

// Adopt implements future.Adopter. An adopted Task registers no cleanup
// to unwind its body if it is dropped unfinished (its owner cancels it),
// and each Await of its body adopts the future it awaits: Await cancels
// that future whenever the body stops awaiting it before Ready (Cancel of
// the Task, a panic in the future's poll, a body that refuses to suspend).
// A Task pinned to a thread (see New) adopts nothing, since only that
// thread could cancel it. Adopt after the first poll does nothing.
func (t *Task[T]) Adopt() {
	if t.phase == phaseFresh {
		t.s.a.adopted = true
	}
}

// PanicStack returns the stack trace of the body's goroutine taken when the
// body panicked, or nil if it did not. The panic reaches the poller with
// its original value but re-raised from the poll (a *pool.PanicError's
// Stack shows the worker's frames, not the body's); this is where the
// body's own frames are kept. Call it after the Task's poll returned.
func (t *Task[T]) PanicStack() []byte { return t.s.stack }

func (t *Task[T]) end(p phase) {
	t.phase = p
	t.clean.Stop()
	t.s.body = nil
}

// Cancel abandons the Task. A body suspended in Await is unwound at once,
// on the calling goroutine: that Await panics with a private sentinel, the
// body's deferred calls run, and a recover in the body that swallows the
// sentinel only delays the unwinding, since every later Await panics the
// same way. A panic raised by a deferred call while unwinding propagates
// out of Cancel. Cancel on a Task that never ran, has finished or was
// cancelled does nothing. Polling a cancelled Task is a *future.MisuseError
// panic wrapping ErrCancelled.
//
// Whoever drops an unfinished Task should call Cancel, from the goroutine
// that polls it or any other, but not during a Poll. A Task dropped without
// Cancel is unwound by a GC cleanup on a goroutine of its own once it is
// unreachable; until then its coroutine stays parked, a goroutine that
// leak checkers report. A body that refers to its own Task (or to anything
// holding it) keeps the Task reachable from the parked coroutine: only
// Cancel unwinds such a Task.
func (t *Task[T]) Cancel() {
	switch t.phase {
	case phaseFresh:
		t.end(phaseCancelled)
		return
	case phaseRunning:
		panic(t.misuse(ErrReentrant))
	case phaseDone, phaseCancelled:
		return
	}
	th := releaseThread()
	if th.mode != t.mode || th.tid != t.tid {
		restoreThread(th)
		panic(t.misuse(ErrThreadChanged))
	}
	t.end(phaseCancelled)
	defer restoreThread(th)
	t.s.a.takeSlot(noblock.Current())
	defer t.s.a.returnSlot()
	t.s.unwind()
	runtime.KeepAlive(t)
}

// unwind makes the parked body resume with its Await panicking the
// sentinel; run recovers it.
func (s *shared[T]) unwind() {
	s.a.cx = nil
	s.a.unwinding = true
	s.stop()
}

// unwindAbandoned is the GC cleanup of an unreachable, unfinished Task. It
// runs user code (the body's deferred calls), which may block, so it does
// not run on the runtime's cleanup goroutine.
func unwindAbandoned[T any](s *shared[T]) { go s.unwind() }

// run is the coroutine: the body between the first resume and its end.
func (s *shared[T]) run(yield func(struct{}) bool) {
	s.a.yield = yield
	s.a.mark()
	returned := false
	defer func() {
		s.a.unmark()
		// A coroutine ending locked to a thread it was not created with
		// makes the runtime throw: drop the locks the body left. (A
		// pinned coroutine runs locked by design; a body locking deeper
		// there is not caught.)
		leftLocked := !s.a.pinned && lockedOSThread()
		if leftLocked {
			unlockAll()
		}
		if returned {
			if leftLocked {
				panic(&future.MisuseError{Future: "async body", Err: ErrLockedBody})
			}
			return
		}
		switch r := recover(); r {
		case errUnwind:
			// Cancelled: the body has unwound, as asked.
		case nil:
			// runtime.Goexit in the body. iter.Pull would re-raise it on
			// the poller, ending a pool worker; a panic is reported
			// instead (it replaces the Goexit once recovered upstream).
			panic(&future.MisuseError{Future: "async body", Err: ErrGoexit})
		default:
			// The poller sees the panic re-raised by iter.Pull with the
			// body's frames gone; keep them for PanicStack.
			s.stack = debug.Stack()
			panic(r)
		}
	}()
	s.result = s.body(&s.a)
	returned = true
}
