package pool_test

import (
	"context"
	"fmt"
	"path"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// A task waits on a future that never wakes it: Tasks names it, with the
// function that spawned it, and flags it once it has been idle for longer
// than StuckAfter. Dump prints the same as text.
func ExamplePool_Tasks() {
	p, _ := pool.New(pool.WithWorkers(1), pool.WithIntrospection(pool.Introspection{
		SpawnSites: true,
		StuckAfter: time.Millisecond,
	}))
	defer p.Shutdown(context.Background())

	h := pool.Spawn(p, future.Never[int]())
	for ts := p.Tasks(); len(ts) == 0 || !ts[0].Stuck; ts = p.Tasks() {
		time.Sleep(time.Millisecond)
	}
	for _, t := range p.Tasks() {
		fmt.Println(t.ID, t.State, t.Polls, path.Base(t.Func), t.Stuck)
	}

	h.Abort()
	_, err := h.Wait(context.Background())
	fmt.Println(err, len(p.Tasks()))
	// Output:
	// 1 idle 1 pool_test.ExamplePool_Tasks true
	// pool: task aborted 0
}
