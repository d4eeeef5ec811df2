// Command readme is the example of README.md, kept here so that it is
// compiled and its output checked by the tests.
//
//	go run ./examples/readme
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	p, err := poll.NewPool() // worker threads + an epoll reactor for I/O and timers
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())

	var naps []future.Future[future.Result[string]]
	for i, ms := range []int{30, 10, 20} {
		nap := future.Map(poll.Sleep(time.Duration(ms)*time.Millisecond),
			func(struct{}) string { return fmt.Sprintf("task %d slept %d ms", i, ms) })
		naps = append(naps, pool.Spawn(p, nap)) // a task of ~100 bytes, no goroutine
	}
	// Wait from plain Go code. err is the pool's (closed, a panic) or a task's.
	lines, err := pool.TryBlockOn(p, future.TryJoin(naps...))
	if err != nil {
		panic(err)
	}
	for _, l := range lines {
		fmt.Println(l) // task 0 slept 30 ms, task 1 slept 10 ms, task 2 slept 20 ms
	}
}
