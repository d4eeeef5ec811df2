// Step 5 of docs/guide.md: async code. With a reactor (epoll + timers) as
// the pool's driver, tasks wait for time and I/O without holding a worker,
// and a task reads as straight-line code: an async function, with Await
// where a goroutine would block, that spindle-async compiles into a future
// (main_async.go). Here a producer task and a ticker stream feed a
// consumer over a task channel, and goroutine code (main) waits for the
// result under a context.
//
//	go run ./examples/guide/05-async
package main

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"context"
	"fmt"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/bridge"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	reactor, err := poll.NewReactor()
	if err != nil {
		panic(err)
	}
	p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(reactor)) // p owns reactor
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())

	tx, rx := channel.Bounded[string](2) // a full channel makes Send wait

	pool.Spawn(p, produce(tx))
	consumer := pool.Spawn(p, consume(rx))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := consumer.Wait(ctx) // goroutine code waits for a task
	fmt.Println(got, err)

	// Any future can be bounded by a context; here the future never ends.
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	_, err = pool.TryBlockOn(p, bridge.WithContext(short, future.Never[int]()))
	fmt.Println("a never-ending future under a 20ms context:", err)
}

// produceBody sleeps, then sends, three times; Await suspends the task,
// not a thread.
//
//spindle:async produce
func produceBody(a *async.Awaiter, tx *channel.Sender[string]) {
	defer tx.Close() // the receiver sees the end after the last value
	for i := range 3 {
		async.Await(a, poll.Sleep(10*time.Millisecond))
		if _, err := async.TryAwait(a, tx.Send(fmt.Sprint("message ", i))); err != nil {
			return
		}
	}
}

// consumeBody takes three ticks of an interval, then every message, as
// streams.
//
//spindle:async consume
func consumeBody(a *async.Awaiter, rx *channel.Receiver[string]) []string {
	ticks := stream.Take(stream.Endless(poll.Interval(5*time.Millisecond)), 3)
	n := len(async.Await(a, stream.Collect(ticks)))
	got := []string{fmt.Sprint(n, " ticks")}
	return append(got, async.Await(a, stream.Collect[string](stream.FromReceiver[string](rx)))...)
}
