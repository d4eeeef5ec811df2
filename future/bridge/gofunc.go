package bridge

import (
	"sync"

	"github.com/spindle-rt/spindle/future"
)

// Go starts fn on a new goroutine at once, like the go statement, and
// returns a future of its result: the way to run blocking or CPU-heavy Go
// code without holding a worker. Every call starts a goroutine and nothing
// limits how many run at once: where that matters, acquire a permit of a
// [github.com/spindle-rt/spindle/future/tasksync.Semaphore] before calling
// Go and release it when fn returns.
// [github.com/spindle-rt/spindle/pool.SpawnBlocking] is no bound either: it
// also starts a goroutine per call, and its pool counts it as a task that
// Shutdown waits for.
//
// If fn panics, the future re-panics with a *PanicError (value and stack of
// the goroutine) in whatever polls it. Abandoning the future does not stop
// fn: the goroutine ends when fn returns, and its result is then dropped.
// Pass fn a context of your own to stop it early.
func Go[T any](fn func() T) future.Future[T] {
	sh := &goShared[T]{}
	go func() {
		var v T
		pe := Capture(func() { v = fn() })
		sh.mu.Lock()
		sh.v, sh.pe, sh.finished = v, pe, true
		w := sh.w
		sh.w = nil
		sh.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	}()
	return &goFuture[T]{sh: sh}
}

// goShared: the goroutine stores the outcome and wakes the latest waker
// once (finished: false -> true, guarded by mu).
type goShared[T any] struct {
	mu       sync.Mutex
	w        future.Waker
	v        T
	pe       *PanicError
	finished bool
}

type goFuture[T any] struct {
	sh   *goShared[T]
	done bool
}

func (f *goFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	sh := f.sh
	sh.mu.Lock()
	if !sh.finished {
		sh.w = cx.Waker()
		sh.mu.Unlock()
		return future.Pending[T]()
	}
	v, pe := sh.v, sh.pe
	sh.mu.Unlock()
	f.done = true
	if pe != nil {
		panic(pe)
	}
	return future.Ready(v)
}
