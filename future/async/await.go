package async

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// ErrAwaitOutside is wrapped by the *future.MisuseError panic of an Await
// that is not called by the body its Awaiter was given to while that body
// runs: after the body ended, from another goroutine, or from the body of
// a Task that an Await of this Awaiter is polling.
var ErrAwaitOutside = errors.New("async.Await called outside the running body of its Awaiter")

// ErrLockedBody is wrapped by the *future.MisuseError panic of a body that
// called runtime.LockOSThread and then awaited, yielded or returned while
// still locked. A body runs on a coroutine that must stay unlocked; the
// Task undoes the body's locks before it panics.
var ErrLockedBody = errors.New("async body suspended or returned while locked to its OS thread")

// ErrGoexit is wrapped by the *future.MisuseError panic of a Task whose
// body called runtime.Goexit.
var ErrGoexit = errors.New("async body called runtime.Goexit")

// unwindSignal is the type of the sentinel an Await panics with when its
// Task is cancelled. It is private so no body can raise it by mistake; a
// body that recovers everything sees it as a *unwindSignal.
type unwindSignal struct{}

func (*unwindSignal) String() string { return "async: task cancelled, unwinding its body" }

var errUnwind = &unwindSignal{}

// Awaiter is the handle a body receives from New; pass it to Await. It is
// valid only inside that body, on the body's own coroutine.
type Awaiter struct {
	cx        *future.Context // the poll in progress; nil while suspended
	yield     func(struct{}) bool
	inChild   bool // Await is polling a child future
	pinned    bool // the coroutine runs locked, by design (see thread.go)
	unwinding bool // Cancel in progress: every Await panics errUnwind
	adopted   bool // the Task was adopted (Task.Adopt): so is each future awaited

	// The noblock slot of the worker resuming the body, if a pool worker
	// is, and the body it held before (blockmark.go).
	slot     *noblock.Slot
	prevBody noblock.ID
	self     noblock.ID // the body's goroutine, once it marked itself
}

// Await returns the value of f, polling it with the Context of the poll
// that runs the body. While f is pending the body is suspended and its
// Task returns Pending; the body resumes, and f is polled again, when the
// Task is next polled (after the waker f registered is woken).
//
// f is polled until Ready and never after: a future may be awaited only
// once, like any future is polled to completion only once. If the Task is
// cancelled while f is pending, f is dropped: its Cancel method, if it has
// one (as the futures of poll, tasksync and channel do, and Task), is
// called before the body unwinds, so that a pending read or lock wait is
// withdrawn and an awaited Task is unwound too.
//
// If the Task was adopted (see Task.Adopt), Await adopts f before its
// first poll: it cancels f whenever the body stops awaiting it before it
// is Ready, after a panic in f's poll too.
func Await[T any](a *Awaiter, f future.Future[T]) T {
	a.enter()
	if a.adopted && !a.pinned {
		future.Adopt(f)
	}
	for {
		if v, ok := pollChild(a, f).Value(); ok {
			return v
		}
		if !a.suspend(f) {
			if c, ok := f.(interface{ Cancel() }); ok {
				c.Cancel()
			}
			panic(errUnwind)
		}
	}
}

// pollChild polls f for a. inChild makes an Await of a from inside f (a
// Task awaited by a's body, using the outer Awaiter) a misuse panic rather
// than a switch into the wrong coroutine; the defer clears it even when f
// panics and the body recovers. A panic in f's poll drops f: it is
// cancelled as the panic leaves the Await, before the body's deferred
// calls run, so that an adopted f (see Task.Adopt) is cancelled however
// the body ends, and a recovered panic leaves no wait behind.
func pollChild[T any](a *Awaiter, f future.Future[T]) (p future.Poll[T]) {
	a.inChild = true
	returned := false
	defer func() {
		a.inChild = false
		if !returned {
			future.Cancel(f)
		}
	}()
	p = f.Poll(a.cx)
	returned = true
	return p
}

// TryAwait awaits a fallible future and returns its value and error.
func TryAwait[T any](a *Awaiter, f future.Future[future.Result[T]]) (T, error) {
	return Await(a, f).Get()
}

// Yield suspends the body once and lets its executor run other tasks: the
// task is woken at once and resumes at its next poll. Long loops that never
// await a pending future should call it now and then.
func (a *Awaiter) Yield() {
	a.enter()
	future.WakeFrom(a.cx, a.cx.Waker())
	if !a.suspend(nil) {
		panic(errUnwind)
	}
}

// suspend parks the body until the next poll and reports whether it
// resumed to go on (false: to unwind). pending is the future the body
// awaits, if any: a body that refuses to suspend drops it, cancelled.
func (a *Awaiter) suspend(pending any) bool {
	if !a.pinned && lockedOSThread() {
		// The runtime throws, fatally, if a coroutine switches away while
		// locked to a thread it was not created with: refuse instead.
		unlockAll()
		future.Cancel(pending)
		panic(&future.MisuseError{Future: "async body", Err: ErrLockedBody})
	}
	more := a.yield(struct{}{})
	a.mark()
	return more
}

// Context returns the Context of the poll running the body, so the body
// can reach its executor (to spawn from the current worker) and driver. It
// is valid until the next Await or Yield.
func (a *Awaiter) Context() *future.Context {
	a.enter()
	return a.cx
}

// enter checks that a's body is running now and no child Await of it is.
func (a *Awaiter) enter() {
	if a.unwinding {
		panic(errUnwind)
	}
	if a.cx == nil || a.inChild {
		panic(&future.MisuseError{Future: "async.Awaiter", Err: ErrAwaitOutside})
	}
}
