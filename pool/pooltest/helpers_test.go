package pooltest_test

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// gate is a future that is Pending until opened: futuretest's Gate, the
// same leaf the future package's own tests drive by hand.
type gate = futuretest.Gate[struct{}]

// yields returns a future that yields n times, then is Ready with v after
// calling step (if not nil) between yields.
func yields[T any](n int, v T, step func(i int)) future.Future[T] {
	i := 0
	return future.Func[T](func(cx *future.Context) future.Poll[T] {
		if i >= n {
			return future.Ready(v)
		}
		if step != nil {
			step(i)
		}
		i++
		cx.Waker().Wake()
		return future.Pending[T]()
	})
}

// goTask spawns body as an async Task: straight-line test code whose
// Awaits are scheduled by the seed like any future.
func goTask[T any](s *pooltest.Sched, body func(a *async.Awaiter) T) *pooltest.Handle[T] {
	return pooltest.Spawn(s, async.New(body))
}

// yieldN yields to the scheduler a random number of times in [0, max).
func yieldN(s *pooltest.Sched, a *async.Awaiter, max int) {
	for range s.Rand().IntN(max) {
		async.Await(a, future.YieldNow())
	}
}
