package compiled

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
)

// mutexLoopBody takes m n times, yielding once while it holds it, and
// counts each critical section in *counter: the loop of the contended-lock
// benchmark, written straight.
//
//spindle:async MutexLoop
func mutexLoopBody(a *async.Awaiter, m *tasksync.Mutex, n int, counter *int) int {
	for range n {
		g := async.Await(a, m.Lock())
		a.Yield()
		*counter++
		g.UnlockFrom(a.Context())
	}
	return 0
}

// CoroutineMutexLoop returns mutexLoopBody run on a coroutine by
// async.New.
func CoroutineMutexLoop(m *tasksync.Mutex, n int, counter *int) future.Future[int] {
	return async.New(func(a *async.Awaiter) int { return mutexLoopBody(a, m, n, counter) })
}

// lockOnceBody takes m once and lets it go: a task that waits on a Mutex.
//
//spindle:async LockOnce
func lockOnceBody(a *async.Awaiter, m *tasksync.Mutex) int {
	g := async.Await(a, m.Lock())
	g.Unlock()
	return 0
}
