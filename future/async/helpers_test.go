package async_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// yieldOnce is pending on its first poll (waking at once) and ready with v
// on the second: the smallest future that makes an Await suspend.
type yieldOnce[T any] struct {
	v      T
	polled bool
}

func (y *yieldOnce[T]) Poll(cx *future.Context) future.Poll[T] {
	if y.polled {
		return future.Ready(y.v)
	}
	y.polled = true
	cx.Waker().Wake()
	return future.Pending[T]()
}

// runQueue mimics a pool: workers locked to their OS threads take tasks
// from one shared queue, so a task woken after running on one worker is
// often polled by the other next time, like a stolen task.
type runQueue struct {
	ch       chan *queued
	wg       sync.WaitGroup
	tids     sync.Map     // tid -> struct{}: threads that polled
	migrated atomic.Int64 // polls after which the worker was on another thread
}

// queued is a task of runQueue. Its state machine keeps polls exclusive:
// idle -Wake-> scheduled -worker-> running -Pending-> idle, or
// running -Wake-> woken -Pending-> scheduled (re-queued), and
// running -Ready or panic-> done.
type queued struct {
	f      future.Future[int]
	q      *runQueue
	state  atomic.Int32
	done   chan int
	panics chan any
}

const (
	qIdle int32 = iota
	qScheduled
	qRunning
	qWoken
	qDone
)

func (t *queued) Wake() {
	for {
		switch s := t.state.Load(); s {
		case qIdle:
			if t.state.CompareAndSwap(s, qScheduled) {
				t.q.ch <- t
				return
			}
		case qRunning:
			if t.state.CompareAndSwap(s, qWoken) {
				return
			}
		default:
			return
		}
	}
}

// newRunQueue starts workers goroutines, each locked to its OS thread.
func newRunQueue(t testing.TB, workers int) *runQueue {
	q := &runQueue{ch: make(chan *queued, 1<<17)}
	for range workers {
		q.wg.Add(1)
		go q.worker(t)
	}
	return q
}

// worker polls the tasks it takes from the queue until close, recording
// the threads it polled on and any move between polls.
func (q *runQueue) worker(t testing.TB) {
	defer q.wg.Done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for task := range q.ch {
		tid := async.ThreadID()
		q.tids.Store(tid, struct{}{})
		task.state.Store(qRunning)
		cx := future.NewContext(task)
		cx.SetExt(q)
		v, ok, p := pollCatching(task.f, cx)
		switch {
		case p != nil:
			task.state.Store(qDone)
			task.panics <- p
		case ok:
			task.state.Store(qDone)
			task.done <- v
		case !task.state.CompareAndSwap(qRunning, qIdle):
			task.state.Store(qScheduled) // woken during the poll
			q.ch <- task
		}
		if !async.LockedOSThread() {
			t.Errorf("worker lost its thread lock across a poll")
		}
		if async.ThreadID() != tid {
			q.migrated.Add(1)
		}
	}
}

// pollCatching polls f once and returns what it panicked with, if it did.
func pollCatching(f future.Future[int], cx *future.Context) (v int, ok bool, p any) {
	defer func() { p = recover() }()
	v, ok = f.Poll(cx).Value()
	return v, ok, nil
}

// spawn queues f as a new task.
func (q *runQueue) spawn(f future.Future[int]) *queued {
	t := &queued{f: f, q: q, done: make(chan int, 1), panics: make(chan any, 1)}
	t.Wake()
	return t
}

// result waits for the task to finish and returns its value, failing the
// test if it panicked instead.
func (t *queued) result(tb testing.TB) int {
	tb.Helper()
	select {
	case v := <-t.done:
		return v
	case p := <-t.panics:
		tb.Fatalf("panic: %v", p)
		return 0
	}
}

// close stops the workers once the queue is drained and waits for them.
func (q *runQueue) close() {
	close(q.ch)
	q.wg.Wait()
}
