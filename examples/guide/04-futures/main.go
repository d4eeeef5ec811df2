// Step 4 of docs/guide.md: futures. A future is a value that says how far
// a computation got: Poll returns Ready(v), or Pending after arranging for
// the waker to be called when it is worth polling again. Here is one
// written by hand, a countdown that is woken from another goroutine, then
// composed with the future package's combinators and run with BlockOn.
//
//	go run ./examples/guide/04-futures
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// running counts the delays whose timer is running; peak is its maximum.
var running, peak atomic.Int32

// delay is a future that completes with v after d. It keeps the waker of
// its latest poll and a timer goroutine wakes it: the waker contract.
type delay struct {
	mu    sync.Mutex
	v     string
	d     time.Duration
	timer *time.Timer
	fired bool
	waker future.Waker
}

func (f *delay) Poll(cx *future.Context) future.Poll[string] {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fired {
		return future.Ready(f.v)
	}
	f.waker = cx.Waker() // only the latest poll's waker counts
	if f.timer == nil {
		peak.Store(max(peak.Load(), running.Add(1)))
		f.timer = time.AfterFunc(f.d, func() {
			running.Add(-1)
			f.mu.Lock()
			f.fired = true
			w := f.waker
			f.mu.Unlock()
			w.Wake() // from another goroutine: allowed at any time
		})
	}
	return future.Pending[string]()
}

func main() {
	both := future.Join[string](
		&delay{v: "first", d: 30 * time.Millisecond},
		&delay{v: "second", d: 30 * time.Millisecond},
	)
	loud := future.Map(both, func(vs []string) string { return fmt.Sprint(vs, "!") })
	fmt.Println(future.BlockOn(loud))
	fmt.Println("timers running at once:", peak.Load()) // Join polls both first

	winner := future.BlockOn(future.Race[string](
		&delay{v: "slow", d: 50 * time.Millisecond},
		&delay{v: "fast", d: 5 * time.Millisecond},
	))
	fmt.Println("race won by", winner.Value)
}
