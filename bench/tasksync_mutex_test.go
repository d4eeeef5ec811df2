package bench

import (
	"runtime"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/bench/compiled"
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/pool"
)

var mutexSink int

// BenchmarkMutexUncontended is one lock and unlock with nobody else
// around: the async Mutex through a new Lock future (allocated, polled
// once, Ready), through one Lock future Reset each time, and through
// TryLock, beside sync.Mutex.
func BenchmarkMutexUncontended(b *testing.B) {
	b.Run("spindle-lock-future", func(b *testing.B) {
		b.ReportAllocs()
		m := tasksync.NewMutex()
		cx := future.NewContext(nil)
		for range b.N {
			g, _ := m.Lock().Poll(cx).Value()
			mutexSink++
			g.Unlock()
		}
	})
	b.Run("spindle-lock-future-reset", func(b *testing.B) {
		b.ReportAllocs()
		m := tasksync.NewMutex()
		cx := future.NewContext(nil)
		f := m.Lock()
		g, _ := f.Poll(cx).Value()
		g.Unlock()
		b.ResetTimer()
		for range b.N {
			g, _ := f.Reset().Poll(cx).Value()
			mutexSink++
			g.Unlock()
		}
	})
	b.Run("spindle-trylock", func(b *testing.B) {
		b.ReportAllocs()
		m := tasksync.NewMutex()
		for range b.N {
			g, _ := m.TryLock()
			mutexSink++
			g.Unlock()
		}
	})
	b.Run("sync-mutex", func(b *testing.B) {
		b.ReportAllocs()
		var m sync.Mutex
		for range b.N {
			m.Lock()
			mutexSink++
			m.Unlock()
		}
	})
}

// mutexWorker is a task that holds the lock across one wait (a yield: the
// task is Pending and rescheduled) each of n times. With reset it keeps one
// Lock future and Resets it instead of making a new one each time.
type mutexWorker struct {
	m       *tasksync.Mutex
	n       int
	counter *int
	reset   bool
	lock    *tasksync.LockFuture
	locking bool
	guard   *tasksync.MutexGuard
	yielded bool
	adopted bool // see adoptingMutexWorker
}

// adoptingMutexWorker is a mutexWorker written as a hand-written future
// that keeps future.Adopter's promise: adopted by the pool, it cancels
// its Lock future whenever it drops it (Cancel), so it adopts each one in
// turn and its waits register no cleanup.
type adoptingMutexWorker struct{ mutexWorker }

func (w *adoptingMutexWorker) Adopt() { w.adopted = true }

func (w *adoptingMutexWorker) Cancel() {
	if w.locking {
		w.lock.Cancel()
		w.locking = false
	}
	if w.guard != nil {
		w.guard.Unlock()
		w.guard = nil
	}
}

func (w *mutexWorker) Poll(cx *future.Context) future.Poll[int] {
	for w.n > 0 {
		if w.guard == nil {
			if !w.locking {
				if w.reset && w.lock != nil {
					w.lock.Reset()
				} else {
					w.lock = w.m.Lock()
					if w.adopted {
						w.lock.Adopt()
					}
				}
				w.locking = true
			}
			g, ok := w.lock.Poll(cx).Value()
			if !ok {
				return future.Pending[int]()
			}
			w.locking, w.guard = false, g
		}
		if !w.yielded {
			w.yielded = true
			cx.Waker().Wake()
			return future.Pending[int]()
		}
		w.yielded = false
		*w.counter++
		g := w.guard
		w.guard = nil
		w.n--
		g.UnlockFrom(cx)
	}
	return future.Ready(0)
}

// BenchmarkMutexContended has 8 parties take one lock b.N times in all,
// each holding it across a wait: tasks on a 2-worker pool yielding while
// they hold the async Mutex (a new Lock future each time, or one Reset),
// beside goroutines holding a sync.Mutex across runtime.Gosched. ns/op is
// per critical section. spindle-tasks-adopting is spindle-tasks written to
// keep future.Adopter's promise, so that its new Lock futures register no
// GC cleanup.
func BenchmarkMutexContended(b *testing.B) {
	const parties = 8
	for _, c := range []struct {
		name         string
		reset, adopt bool
	}{{"spindle-tasks", false, false}, {"spindle-tasks-adopting", false, true}, {"spindle-tasks-reset", true, false}} {
		reset := c.reset
		b.Run(c.name, func(b *testing.B) {
			p := syncPool(b)
			b.ReportAllocs()
			b.ResetTimer()
			m := tasksync.NewMutex()
			counter := 0
			var hs []*pool.JoinHandle[int]
			for _, n := range split(b.N, parties) {
				w := mutexWorker{m: m, n: n, counter: &counter, reset: reset}
				if c.adopt {
					hs = append(hs, pool.Spawn[int](p, &adoptingMutexWorker{w}))
				} else {
					hs = append(hs, pool.Spawn[int](p, &w))
				}
			}
			for _, h := range hs {
				if _, err := h.Wait(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			if counter != b.N {
				b.Fatalf("counter %d", counter)
			}
		})
	}
	// The same loop written straight (bench/compiled's mutexLoopBody),
	// compiled and on a coroutine; spawned as they are, the pool adopts
	// them and they adopt their Lock futures. The -unadopted variants hide
	// Adopt behind a wrapper: the path every compiled body took before.
	for _, c := range []struct {
		name string
		mk   func(*tasksync.Mutex, int, *int) future.Future[int]
		hide bool
	}{
		{"spindle-compiled", compiled.MutexLoop, false},
		{"spindle-compiled-unadopted", compiled.MutexLoop, true},
		{"spindle-coroutine", compiled.CoroutineMutexLoop, false},
		{"spindle-coroutine-unadopted", compiled.CoroutineMutexLoop, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := syncPool(b)
			b.ReportAllocs()
			b.ResetTimer()
			m := tasksync.NewMutex()
			counter := 0
			var hs []*pool.JoinHandle[int]
			for _, n := range split(b.N, parties) {
				f := c.mk(m, n, &counter)
				if c.hide {
					f = unadopted[int]{f}
				}
				hs = append(hs, pool.Spawn(p, f))
			}
			for _, h := range hs {
				if _, err := h.Wait(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			if counter != b.N {
				b.Fatalf("counter %d", counter)
			}
		})
	}
	b.Run("sync-mutex-goroutines", func(b *testing.B) {
		b.ReportAllocs()
		var m sync.Mutex
		counter := 0
		var wg sync.WaitGroup
		for _, n := range split(b.N, parties) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n {
					m.Lock()
					runtime.Gosched()
					counter++
					m.Unlock()
				}
			}()
		}
		wg.Wait()
		if counter != b.N {
			b.Fatalf("counter %d", counter)
		}
	})
}

// unadopted hides the Adopt of the future it wraps: the pool spawns it
// unadopted, as it spawned every compiled future before they implemented
// future.Adopter. The wrapper is a 16-byte allocation of its own.
type unadopted[T any] struct{ future.Future[T] }

// Cancel cancels the wrapped future.
func (u unadopted[T]) Cancel() { future.Cancel(u.Future) }
