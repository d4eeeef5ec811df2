// Step 3 of docs/guide.md: a task pool. Instead of one thread (or
// goroutine) per job, a few worker threads take small tasks from queues and
// steal from each other when idle. A spindle task is a Future plus ~100
// bytes of bookkeeping: no stack of its own.
//
//	go run ./examples/guide/03-pool
package main

import (
	"context"
	"fmt"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	p, err := pool.New(pool.WithWorkers(2))
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())

	const n = 10_000
	handles := make([]*pool.JoinHandle[int], n)
	for i := range n {
		// future.Lazy runs the function at the task's first poll.
		handles[i] = pool.Spawn(p, future.Lazy(func() int { return i * i }))
	}
	sum := 0
	for _, h := range handles {
		v, err := h.Wait(context.Background()) // goroutine code waits here
		if err != nil {
			panic(err)
		}
		sum += v
	}
	fmt.Printf("%d tasks on %d workers: sum of squares %d\n", n, p.Workers(), sum)
}
