package joinset_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// The fan-out of issue 12: 100 jobs limited by a semaphore of 10, run in
// a set with AbortOnError; one job fails, the set aborts the rest. The
// permit is acquired in the first stage of each job's chain, used in the
// second, released in the last.

var errJob = errors.New("job failed")

const (
	fanJobs    = 100
	fanPermits = 10
	fanFailing = 40 // the job that fails
)

// work is the second stage: job fanFailing fails at once, the others
// yield a few times first, so that when the set aborts them some hold a
// permit and others wait for one.
func work(i int) future.Future[future.Result[int]] {
	if i == fanFailing {
		return future.Done(future.Err[int](errJob))
	}
	return yieldThen(5+i%7, i)
}

// yieldThen yields n times, then is Ok(v).
func yieldThen(n, v int) future.Future[future.Result[int]] {
	return future.Func[future.Result[int]](func(cx *future.Context) future.Poll[future.Result[int]] {
		if n == 0 {
			return future.Ready(future.Ok(v))
		}
		n--
		cx.Waker().Wake()
		return future.Pending[future.Result[int]]()
	})
}

// fanOut builds job i the three ways: as a new user writes it with AndThen
// and Map, and with Finally and Using.
var fanOut = map[string]func(sem *tasksync.Semaphore, i int) future.Future[future.Result[int]]{
	"AndThen+Map": func(sem *tasksync.Semaphore, i int) future.Future[future.Result[int]] {
		return future.AndThen(sem.Acquire(1), func(p *tasksync.Permit) future.Future[future.Result[int]] {
			return future.Map(work(i), func(r future.Result[int]) future.Result[int] {
				p.Release() // never runs for an aborted job
				return r
			})
		})
	},
	"Finally": func(sem *tasksync.Semaphore, i int) future.Future[future.Result[int]] {
		return future.AndThen(sem.Acquire(1), func(p *tasksync.Permit) future.Future[future.Result[int]] {
			return future.Finally(work(i), p.Release)
		})
	},
	"Using": func(sem *tasksync.Semaphore, i int) future.Future[future.Result[int]] {
		return future.Using(sem.Acquire(1),
			func(*tasksync.Permit) future.Future[future.Result[int]] { return work(i) },
			(*tasksync.Permit).Release)
	},
}

// runFanOut runs the fan-out on a set and returns its JoinAll result.
func runFanOut(s *joinset.JoinSet[int], sem *tasksync.Semaphore, build func(*tasksync.Semaphore, int) future.Future[future.Result[int]]) {
	for i := range fanJobs {
		s.Spawn(build(sem, i))
	}
}

// Under pooltest, over many schedules: the chain written with AndThen and
// Map loses the permits of the jobs aborted while they held one (the hole
// that Finally and Using close); with them every permit is back as soon
// as JoinAll returns.
func TestFanOutAbortOnErrorReleasesPermits(t *testing.T) {
	for _, name := range []string{"AndThen+Map", "Finally", "Using"} {
		t.Run(name, func(t *testing.T) {
			leaked := 0
			pooltest.RunSeeds(t, 200, func(sched *pooltest.Sched) {
				sem := tasksync.NewSemaphore(fanPermits)
				s := joinset.NewOn[int](sched, pooltest.SpawnJoin, joinset.AbortOnError())
				runFanOut(s, sem, fanOut[name])
				_, err := pooltest.BlockOn(sched, s.JoinAll()).Get()
				require.ErrorIs(sched, err, errJob)
				if name == "AndThen+Map" {
					if sem.Available() < fanPermits {
						leaked++
					}
					return
				}
				require.Equal(sched, fanPermits, sem.Available(), "permits back after the abort")
			})
			if name == "AndThen+Map" {
				require.Positive(t, leaked, "the AndThen+Map chain never lost a permit: the hole this test shows is gone")
			}
		})
	}
}

// hangingFanOut is the fan-out on a real pool, made deterministic: 99
// jobs whose second stage waits for a notification that never comes, and,
// once 10 of them hold the permits, one job that fails without taking
// one. The set's JoinAll result is returned.
func hangingFanOut(t *testing.T, p *pool.Pool, sem *tasksync.Semaphore, name string) future.Result[[]int] {
	t.Helper()
	var never tasksync.Notify
	s := joinset.New[int](p, joinset.AbortOnError())
	for i := range fanJobs - 1 {
		s.Spawn(hangingJobs[name](sem, &never, i))
	}
	for sem.Available() > 0 {
		runtime.Gosched()
	}
	s.Spawn(future.Done(future.Err[int](errJob)))
	r, err := pool.BlockOn(p, s.JoinAll())
	require.NoError(t, err)
	return r
}

var hangingJobs = map[string]func(sem *tasksync.Semaphore, never *tasksync.Notify, i int) future.Future[future.Result[int]]{
	"AndThen+Map": func(sem *tasksync.Semaphore, never *tasksync.Notify, i int) future.Future[future.Result[int]] {
		return future.AndThen(sem.Acquire(1), func(p *tasksync.Permit) future.Future[future.Result[int]] {
			return future.Map(never.Notified(), func(struct{}) future.Result[int] {
				p.Release()
				return future.Ok(i)
			})
		})
	},
	"Finally": func(sem *tasksync.Semaphore, never *tasksync.Notify, i int) future.Future[future.Result[int]] {
		return future.AndThen(sem.Acquire(1), func(p *tasksync.Permit) future.Future[future.Result[int]] {
			return future.Finally(future.Map(never.Notified(), func(struct{}) future.Result[int] {
				return future.Ok(i)
			}), p.Release)
		})
	},
	"Using": func(sem *tasksync.Semaphore, never *tasksync.Notify, i int) future.Future[future.Result[int]] {
		return future.Using(sem.Acquire(1), func(*tasksync.Permit) future.Future[future.Result[int]] {
			return future.Map(never.Notified(), func(struct{}) future.Result[int] { return future.Ok(i) })
		}, (*tasksync.Permit).Release)
	},
}

// On a real pool the AndThen+Map chain keeps the 10 permits of the jobs
// aborted while holding them, and no GC cycle gives them back; with
// Finally or Using all 10 are back when JoinAll returns.
func TestFanOutAbortOnErrorOnPool(t *testing.T) {
	p := newPool(t)
	for _, name := range []string{"AndThen+Map", "Finally", "Using"} {
		t.Run(name, func(t *testing.T) {
			for range 10 {
				sem := tasksync.NewSemaphore(fanPermits)
				r := hangingFanOut(t, p, sem, name)
				require.ErrorIs(t, r.Err, errJob)
				want := fanPermits
				if name == "AndThen+Map" {
					want = 0
				}
				require.Equal(t, want, sem.Available(), "permits available after the abort")
			}
		})
	}
}
