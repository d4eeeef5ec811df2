// Command hello is a tour of spindle's futures in one small program: a leaf
// future written by hand, the combinators (Map, Then, Join, Race, TryJoin)
// and BlockOn, which runs a future on the calling goroutine.
//
//	go run ./examples/hello
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// delay is a leaf future: Ready with v once d has passed. It shows the
// waker contract in 20 lines: on its first poll it starts a timer, every
// poll stores the waker it was polled with (only the latest counts), and
// the timer wakes that waker. The poll package has real timers and I/O.
type delay[T any] struct {
	d time.Duration
	v T

	mu      sync.Mutex
	started bool
	fired   bool
	waker   future.Waker
}

func after[T any](d time.Duration, v T) *delay[T] { return &delay[T]{d: d, v: v} }

func (f *delay[T]) Poll(cx *future.Context) future.Poll[T] {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fired {
		return future.Ready(f.v)
	}
	f.waker = cx.Waker() // rule 2: remember the waker of the latest poll
	if !f.started {
		f.started = true
		time.AfterFunc(f.d, func() {
			f.mu.Lock()
			f.fired = true
			w := f.waker
			f.mu.Unlock()
			w.Wake() // rule 1: wake once progress is possible
		})
	}
	return future.Pending[T]()
}

// fetch pretends to download a page: it takes ms milliseconds.
func fetch(name string, ms int) future.Future[string] {
	return after(time.Duration(ms)*time.Millisecond, name)
}

func main() { run(os.Stdout) }

// run is the tour, writing to w (the test reads it).
func run(w io.Writer) {
	// Join runs futures concurrently on this one goroutine: the total time
	// is the longest one, not the sum.
	start := time.Now()
	pages := future.BlockOn(future.Join(fetch("home", 30), fetch("about", 10), fetch("blog", 20)))
	fmt.Fprintf(w, "Join:    %v in argument order, in %v: the longest (30 ms), not the sum (60 ms)\n",
		pages, time.Since(start).Round(time.Millisecond))

	// Race: the first to finish wins; the loser is dropped, never polled again.
	r := future.BlockOn(future.Race(fetch("slow mirror", 500), fetch("fast mirror", 5)))
	fmt.Fprintf(w, "Race:    #%d won with %q\n", r.Index, r.Value)

	// Then chains a future on another's result; Map transforms a value.
	orders := future.Then(fetch("gopher", 5), func(user string) future.Future[string] {
		return future.Map(fetch(user+"'s orders", 5), func(s string) string { return "fetched " + s })
	})
	fmt.Fprintf(w, "Then:    %s\n", future.BlockOn(orders))

	// Errors travel as Result[T]; TryJoin stops at the first one.
	errOffline := errors.New("mirror offline")
	fallible := func(ok bool, ms int) future.Future[future.Result[int]] {
		return future.Map(after(time.Duration(ms)*time.Millisecond, ms), func(v int) future.Result[int] {
			if !ok {
				return future.Err[int](errOffline)
			}
			return future.Ok(v)
		})
	}
	start = time.Now()
	_, err := future.BlockOn(future.TryJoin(fallible(true, 5), fallible(false, 10), fallible(true, 200))).Get()
	fmt.Fprintf(w, "TryJoin: %q after %v: the first error ends it, the 200 ms one is abandoned\n",
		err, time.Since(start).Round(time.Millisecond))

	// Scale: Join re-polls only the children that were woken, so 100,000
	// futures that each yield once cost 200,000 child polls, not 10 billion.
	const n = 100_000
	polls := 0
	fs := make([]future.Future[int], n)
	for i := range fs {
		y := future.YieldNow()
		fs[i] = future.Func[int](func(cx *future.Context) future.Poll[int] {
			polls++
			if y.Poll(cx).IsPending() {
				return future.Pending[int]()
			}
			return future.Ready(1)
		})
	}
	start = time.Now()
	sum := 0
	for _, v := range future.BlockOn(future.Join(fs...)) {
		sum += v
	}
	fmt.Fprintf(w, "Scale:   joined %d futures (%d child polls) in %v\n", sum, polls, time.Since(start).Round(time.Millisecond))
}
