package bench

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool"
)

// yields is how many times each task of BenchmarkOnPool suspends.
const yields = 8

// yieldLoop is the hand-written task of BenchmarkOnPool: it awaits
// future.YieldNow yields times.
type yieldLoop struct {
	i int
	y future.Future[struct{}]
}

func (l *yieldLoop) Poll(cx *future.Context) future.Poll[int] {
	for l.i < yields {
		if l.y == nil {
			l.y = future.YieldNow()
		}
		if l.y.Poll(cx).IsPending() {
			return future.Pending[int]()
		}
		l.y = nil
		l.i++
	}
	return future.Ready(l.i)
}

// BenchmarkOnPool runs tasks on a 2-worker pool, 1000 at a time: each
// suspends 8 times (a YieldNow: wake itself, go to the back of its worker's
// queue) and then finishes. ns/op is per task. Beside it: goroutines that
// call runtime.Gosched 8 times, the plain-Go way to give way.
func BenchmarkOnPool(b *testing.B) {
	const batch = 1000
	p, err := pool.New(pool.WithWorkers(2))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	run := func(b *testing.B, mk func() future.Future[int]) {
		hs := make([]*pool.JoinHandle[int], 0, batch)
		for done := 0; done < b.N; done += batch {
			hs = hs[:0]
			for range min(batch, b.N-done) {
				hs = append(hs, pool.Spawn(p, mk()))
			}
			for _, h := range hs {
				if v, err := h.Wait(context.Background()); err != nil || v != yields {
					b.Fatal(v, err)
				}
			}
		}
	}
	b.Run("handwritten", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		run(b, func() future.Future[int] { return &yieldLoop{} })
	})
	b.Run("async", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		run(b, func() future.Future[int] {
			return async.New(func(a *async.Awaiter) int {
				n := 0
				for range yields {
					async.Await(a, future.YieldNow())
					n++
				}
				return n
			})
		})
	})
	b.Run("goroutine-gosched", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		var wg sync.WaitGroup
		for done := 0; done < b.N; done += batch {
			for range min(batch, b.N-done) {
				wg.Go(func() {
					for range yields {
						runtime.Gosched()
					}
				})
			}
			wg.Wait()
		}
	})
}
