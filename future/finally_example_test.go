package future_test

import (
	"errors"
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
)

// Five jobs, at most three at a time, joined with TryJoin: when job 2
// fails, TryJoin cancels the others, and Using gives back the permits of
// those that held one. (pool/joinset has the same fan-out on a pool, with
// AbortOnError.)
func ExampleUsing() {
	sem := tasksync.NewSemaphore(3)
	jobs := make([]future.Future[future.Result[int]], 5)
	for i := range jobs {
		jobs[i] = future.Using(sem.Acquire(1),
			func(*tasksync.Permit) future.Future[future.Result[int]] {
				if i == 2 {
					return future.Done(future.Err[int](errors.New("job 2 failed")))
				}
				return future.Never[future.Result[int]]() // still working
			},
			(*tasksync.Permit).Release)
	}
	_, err := future.BlockOn(future.TryJoin(jobs...)).Get()
	fmt.Println(err)
	fmt.Println("permits available:", sem.Available())
	// Output:
	// job 2 failed
	// permits available: 3
}

// A lock guard held across a stage that may be cancelled: Finally unlocks
// however the stage ends. Here the stage loses a race and is cancelled.
func ExampleFinally() {
	mu := tasksync.NewMutex()
	locked := future.Then(mu.Lock(), func(g *tasksync.MutexGuard) future.Future[string] {
		return future.Finally(future.Never[string](), g.Unlock) // works under the lock
	})
	r := future.BlockOn(future.Race(locked, future.Done("timeout")))
	fmt.Println(r.Value)
	_, free := mu.TryLock()
	fmt.Println("unlocked:", free)
	// Output:
	// timeout
	// unlocked: true
}
