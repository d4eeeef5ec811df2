package pool

import (
	"errors"
	"runtime/debug"
	"unsafe"

	"github.com/spindle-rt/spindle/future"
)

// A task is a future plus what the scheduler needs to run it: the state
// word (taskstate.go), the way back to its type, and the join side
// (joinhandle.go; the channel of a goroutine's Wait is kept by the pool,
// waitset.go). It is allocated once, at spawn, as the JoinHandle; the
// task is its own Waker. The pool keeps no list of its tasks: a task is
// referenced by the queue it sits in, by the wakers of the futures it
// waits on, and by its handle, so an abandoned task is garbage collected
// (see shutdown.go for how Shutdown cancels tasks it cannot enumerate).
//
// Queues hold *header, the part that does not depend on T; header.self()
// leads back to the typed task (taskself.go).

// runnable is the typed side of a task as seen by the untyped scheduler.
type runnable interface {
	future.LocalWaker
	// run polls the task once on w (worker.go calls it for every task it
	// takes from a queue).
	run(w *worker)
	// cancelNow completes the task with err; the caller holds the poll
	// lock (toCancelled returned true).
	cancelNow(err error)
}

// header is the untyped part of a task.
type header struct {
	state taskState
	tab   unsafe.Pointer // the itab of the task's runnable: see taskself.go
	pool  *Pool

	// joinWaker is the waker of the last JoinHandle.Poll; ownership is
	// handed over by the joinWaker state bit (taskstate.go).
	joinWaker future.Waker
}

// task is the typed part: the future while it runs, the result after.
// An error result is kept in the future's slot, which is free by then (as
// an *errBox, allocated only when a task fails): that saves 16 bytes on
// every task, a smaller size class (64 bytes with T = struct{}, an int or
// a pointer, 80 with a Result).
type task[T any] struct {
	h   header
	val T // before fut: a zero-size last field would be padded
	fut future.Future[T]
}

// errBox holds the error of a completed task in its future's slot.
type errBox[T any] struct{ err error }

func (*errBox[T]) Poll(*future.Context) future.Poll[T] {
	panic("pool: internal error: errBox polled")
}

// result returns the task's value and error; only after completion.
func (t *task[T]) result() (T, error) {
	if e, ok := t.fut.(*errBox[T]); ok {
		return t.val, e.err
	}
	return t.val, nil
}

// run takes the poll lock, polls the future once with the worker's
// Context and acts on the outcome. The task's waker is the task itself.
func (t *task[T]) run(w *worker) {
	if _, ok := t.h.state.toRunning(); !ok {
		return // a stale queue entry of a completed or cancelling task
	}
	cx := &w.own.cx
	cx.SetWaker(t)
	w.own.budget.Reset(future.DefaultBudget)
	w.own.stats.polled++
	v, ready, err := t.poll(cx)
	if err != nil || ready {
		t.finish(v, err, cx)
		return
	}
	switch t.h.state.toIdle() {
	case idleReschedule:
		// Woken during its own poll: a yield. It goes behind the work
		// already queued here, never in the LIFO slot.
		w.pushLocal(&t.h)
	case idleCancel:
		var zero T
		t.finish(zero, cancelErr(t.h.state.load()), cx)
	}
}

// poll calls the future and turns a panic into a *PanicError.
func (t *task[T]) poll(cx *future.Context) (v T, ready bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = t.cancelAdopted(&PanicError{Value: r, Stack: debug.Stack()})
		}
	}()
	v, ready = t.fut.Poll(cx).Value()
	return v, ready, nil
}

// finish stores the result, publishes completion and wakes whoever waits.
// The caller holds the poll lock; cx may be nil outside a worker.
func (t *task[T]) finish(v T, err error, cx *future.Context) {
	t.val = v
	if err != nil {
		if err == ErrAborted || err == ErrClosed {
			err = cancelFuture(t.fut, err)
		}
		t.fut = &errBox[T]{err}
	} else {
		t.fut = nil // let the future's memory go now, not when the handle goes
	}
	// Uncounted before it is published complete: whoever sees the task
	// done (a woken joiner, Wait, IsFinished) sees Stats.Live without it.
	p := t.h.pool
	p.taskDone(cx)
	prev := t.h.state.toComplete()
	if prev&stJoinWaker != 0 {
		future.WakeFrom(cx, t.h.joinWaker)
	}
	if prev&stWaitChan != 0 {
		p.waits.complete(&t.h)
	}
	if prev&stForeignJoin != 0 {
		p.foreign.remove(&t.h)
	}
}

// cancelFuture lets a future that the task abandons release what it holds
// (a lock-queue place, a timer, a child task) now rather than when the
// garbage collector finds it, as dropping a future does in Rust. A panic in
// Cancel is not swallowed: it joins the cancellation error.
func cancelFuture(f any, err error) (out error) {
	defer func() {
		if r := recover(); r != nil {
			out = errors.Join(err, &PanicError{Value: r, Stack: debug.Stack()})
		}
	}()
	future.Cancel(f)
	return err
}

func (t *task[T]) cancelNow(err error) {
	var zero T
	t.finish(zero, err, nil)
}

// Wake schedules the task from anywhere: through the injection queue.
func (t *task[T]) Wake() {
	if t.h.state.toScheduled() {
		t.h.pool.scheduleRemote(&t.h)
	}
}

// WakeLocal schedules the task from inside a poll on worker ext: into that
// worker's LIFO slot, so the woken task runs next on the same thread.
func (t *task[T]) WakeLocal(ext any) {
	w, ok := ext.(*worker)
	if !ok || w.p != t.h.pool {
		t.Wake()
		return
	}
	if t.h.state.toScheduled() {
		w.scheduleLIFO(&t.h)
	}
}

// hdr identifies the task behind a waker, for JoinHandle's same-waker test.
func (t *task[T]) hdr() *header { return &t.h }

// cancelErr is the error of a task cancelled with state s.
func cancelErr(s uint32) error {
	if s&stClosedCancel != 0 {
		return ErrClosed
	}
	return ErrAborted
}
