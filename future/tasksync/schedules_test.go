package tasksync_test

import (
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// seeds is how many schedules each pooltest test explores.
const seeds = 1000 / scale

// yieldN yields to the scheduler a random number of times in [0, max).
func yieldN(s *pooltest.Sched, a *async.Awaiter, max int) {
	for range s.Rand().IntN(max) {
		async.Await(a, future.YieldNow())
	}
}
