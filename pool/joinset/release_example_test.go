package joinset_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// A fan-out of 100 jobs, at most 10 at a time, aborted when one fails.
// Each job holds a permit of the semaphore while it works; future.Using
// gives it back however the job ends, also when the set aborts it. (With
// the release in a last Map stage instead, an aborted job would keep its
// permit for good.)
func Example_releaseOnAbort() {
	p, err := pool.New(pool.WithWorkers(2))
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())

	sem := tasksync.NewSemaphore(10)
	var forever tasksync.Notify // the jobs' work: it never finishes here
	s := joinset.New[int](p, joinset.AbortOnError())
	for i := range 99 {
		s.Spawn(future.Using(sem.Acquire(1),
			func(*tasksync.Permit) future.Future[future.Result[int]] {
				return future.Map(forever.Notified(), func(struct{}) future.Result[int] {
					return future.Ok(i)
				})
			},
			(*tasksync.Permit).Release))
	}
	for sem.Available() > 0 { // until 10 jobs hold a permit
		runtime.Gosched()
	}
	fmt.Println("available while 10 jobs run:", sem.Available())

	s.Spawn(future.Done(future.Err[int](errors.New("job 99 failed"))))
	r, _ := pool.BlockOn(p, s.JoinAll())
	fmt.Println(r.Err)
	fmt.Println("available after the abort:", sem.Available())
	// Output:
	// available while 10 jobs run: 0
	// job 99 failed
	// available after the abort: 10
}
