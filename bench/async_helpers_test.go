package bench

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// flip is pending on every other poll and ready (with 1) on the others: the
// cheapest child that makes an Await suspend once per await. It registers
// no waker: the benchmarks' executors poll again at once, so only the
// suspend/resume path is measured, not a wake mechanism.
type flip struct{ ready bool }

func (f *flip) Poll(*future.Context) future.Poll[int] {
	f.ready = !f.ready
	if f.ready {
		return future.Pending[int]()
	}
	return future.Ready(1)
}

// loopFuture is the hand-written equivalent of an async body that awaits
// child n times: a state machine with the loop counter as state.
type loopFuture struct {
	child *flip
	i, n  int
	sum   int
}

func (l *loopFuture) Poll(cx *future.Context) future.Poll[int] {
	for l.i < l.n {
		v, ok := l.child.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		l.sum += v
		l.i++
	}
	return future.Ready(l.sum)
}

// drive polls f until it is ready, like a worker that always finds the
// task woken again. It returns the value and how many polls it took.
func drive[T any](f future.Future[T]) (T, int) {
	cx := future.NewContext(future.NoopWaker)
	for polls := 1; ; polls++ {
		if v, ok := f.Poll(cx).Value(); ok {
			return v, polls
		}
	}
}

// onLockedThread runs f on a goroutine wired to its OS thread, as a pool
// worker is, and waits for it.
func onLockedThread(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(done)
		f()
	}()
	<-done
}

// cpuMetric starts counting the process's CPU time (user + system, all
// threads); the returned function reports it per op as cpu-ns/op. On this
// shared 2-core machine, wall-clock ns/op includes the time other
// processes held the CPU; CPU time does not, so it is the steadier measure
// of what an operation costs. Use it as: defer cpuMetric(b)().
func cpuMetric(b *testing.B) func() {
	start := cpuNow()
	return func() {
		b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
	}
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
