package joinset_test

import (
	"context"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// benchBatch is how many tasks each round of the benchmarks spawns into
// one set before draining it.
const benchBatch = 100

// benchTiny is a task that is Ready at once. A static Func: no closure
// allocation, so allocs/op counts the set's and the executor's own.
var benchTiny = future.Func[future.Result[int]](func(*future.Context) future.Poll[future.Result[int]] {
	return future.Ready(future.Ok(1))
})

// BenchmarkJoinSet spawns tiny tasks into a set in rounds of benchBatch
// and collects each round with Next, in completion order; one op is one
// task. It stands beside the plain-Go way: a goroutine per task sending
// its result on a channel that the caller receives from.
func BenchmarkJoinSet(b *testing.B) {
	b.Run("spindle/from-task", func(b *testing.B) {
		p, err := pool.New(pool.WithWorkers(2))
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = p.Shutdown(context.Background()) }()
		run := func(n int) int {
			s := joinset.New[int](p)
			sum, err := pool.BlockOn(p, future.Future[int](&benchRounds{s: s, left: n}))
			if err != nil {
				b.Fatal(err)
			}
			return sum
		}
		run(10 * benchBatch) // warm up
		b.ReportAllocs()
		b.ResetTimer()
		if got := run(b.N); got != b.N {
			b.Fatalf("collected %d of %d", got, b.N)
		}
	})
	b.Run("go/goroutine-chan", func(b *testing.B) {
		b.ReportAllocs()
		results := make(chan int, benchBatch)
		sum := 0
		for left := b.N; left > 0; {
			n := min(left, benchBatch)
			left -= n
			for range n {
				go func() { results <- 1 }()
			}
			for range n {
				sum += <-results
			}
		}
		if sum != b.N {
			b.Fatalf("collected %d of %d", sum, b.N)
		}
	})
}

// benchRounds is a root task that spawns left tasks into s with
// SpawnFrom, benchBatch at a time, draining the set with Next between
// rounds, and returns the sum of their values.
type benchRounds struct {
	s    *joinset.JoinSet[int]
	left int
	sum  int
	next *joinset.NextFuture[int]
}

func (r *benchRounds) Poll(cx *future.Context) future.Poll[int] {
	for {
		if r.next == nil {
			if r.s.Len() == 0 {
				if r.left == 0 {
					return future.Ready(r.sum)
				}
				n := min(r.left, benchBatch)
				r.left -= n
				for range n {
					r.s.SpawnFrom(cx, benchTiny)
				}
			}
			r.next = r.s.Next()
		}
		res, ok := r.next.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		r.next = nil
		v, err := res.Get()
		if err != nil {
			panic(err)
		}
		r.sum += v
	}
}
