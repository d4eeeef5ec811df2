package bench

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/future"
)

// futureSizes are the Join widths the issue asks for: linear means the
// per-child cost is the same at both.
var futureSizes = []int{1_000, 100_000}

// futureYielder is Pending once (waking itself, like YieldNow) and then
// Ready with its index: the smallest child that needs a wake.
type futureYielder struct {
	i       int
	yielded bool
}

func (y *futureYielder) Poll(cx *future.Context) future.Poll[int] {
	if y.yielded {
		return future.Ready(y.i)
	}
	y.yielded = true
	cx.Waker().Wake()
	return future.Pending[int]()
}

// BenchmarkFutureJoin joins n children that each yield once, against n
// goroutines that each yield once (runtime.Gosched) and store their result,
// joined with a WaitGroup. ns/child is the figure to compare across n.
func BenchmarkFutureJoin(b *testing.B) {
	for _, n := range futureSizes {
		b.Run(fmt.Sprintf("n=%d/spindle-Join", n), func(b *testing.B) {
			b.ReportAllocs()
			kids := make([]futureYielder, n)
			fs := make([]future.Future[int], n)
			for b.Loop() {
				for i := range kids {
					kids[i] = futureYielder{i: i}
					fs[i] = &kids[i]
				}
				futureSink += len(future.BlockOn(future.Join(fs...)))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/child")
		})
		b.Run(fmt.Sprintf("n=%d/goroutines-WaitGroup", n), func(b *testing.B) {
			b.ReportAllocs()
			out := make([]int, n)
			for b.Loop() {
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						runtime.Gosched()
						out[i] = i
					})
				}
				wg.Wait()
				futureSink += len(out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/child")
		})
	}
}

// futureGate is Pending until opened; open wakes the waker of its latest
// poll. It stands for a child waiting on I/O.
type futureGate struct {
	open bool
	w    future.Waker
}

func (g *futureGate) Poll(cx *future.Context) future.Poll[int] {
	if g.open {
		return future.Ready(1)
	}
	g.w = cx.Waker()
	return future.Pending[int]()
}

// naiveJoin is the join_all of futures-rs before FuturesUnordered: every
// poll polls every unfinished child. Here only to show what Join avoids.
type naiveJoin struct {
	fs   []future.Future[int]
	out  []int
	done []bool
}

func (j *naiveJoin) Poll(cx *future.Context) future.Poll[[]int] {
	all := true
	for i, f := range j.fs {
		if j.done[i] {
			continue
		}
		if v, ok := f.Poll(cx).Value(); ok {
			j.out[i], j.done[i] = v, true
		} else {
			all = false
		}
	}
	if all {
		return future.Ready(j.out)
	}
	return future.Pending[[]int]()
}

// BenchmarkFutureJoinWokenOneByOne is the case that makes a naive join
// quadratic: n children complete one at a time, and the join is polled
// after each. Join polls only the woken child each time; the naive join
// polls every unfinished one (run at 1,000 only: at 100,000 it makes five
// billion polls). The plain-Go way: n goroutines each blocked on its own
// channel, released one at a time, joined with a WaitGroup.
func BenchmarkFutureJoinWokenOneByOne(b *testing.B) {
	for _, n := range futureSizes {
		b.Run(fmt.Sprintf("n=%d/spindle-Join", n), func(b *testing.B) {
			b.ReportAllocs()
			benchOneByOne(b, n, func(fs []future.Future[int]) future.Future[[]int] { return future.Join(fs...) })
		})
		if n <= 1_000 {
			b.Run(fmt.Sprintf("n=%d/naive-poll-all", n), func(b *testing.B) {
				b.ReportAllocs()
				benchOneByOne(b, n, func(fs []future.Future[int]) future.Future[[]int] {
					return &naiveJoin{fs: fs, out: make([]int, len(fs)), done: make([]bool, len(fs))}
				})
			})
		}
		b.Run(fmt.Sprintf("n=%d/goroutines-chan-WaitGroup", n), func(b *testing.B) {
			b.ReportAllocs()
			gates := make([]chan struct{}, n)
			out := make([]int, n)
			for b.Loop() {
				var wg sync.WaitGroup
				for i := range gates {
					gates[i] = make(chan struct{})
					wg.Go(func() { <-gates[i]; out[i] = 1 })
				}
				for _, g := range gates {
					close(g)
				}
				wg.Wait()
				futureSink += len(out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/child")
		})
	}
}

func benchOneByOne(b *testing.B, n int, join func([]future.Future[int]) future.Future[[]int]) {
	gates := make([]futureGate, n)
	fs := make([]future.Future[int], n)
	cx := future.NewContext(future.NoopWaker)
	for b.Loop() {
		for i := range gates {
			gates[i] = futureGate{}
			fs[i] = &gates[i]
		}
		j := join(fs)
		j.Poll(cx)
		for i := range gates {
			gates[i].open = true
			gates[i].w.Wake()
			if v, ok := j.Poll(cx).Value(); ok {
				futureSink += len(v)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/child")
}
