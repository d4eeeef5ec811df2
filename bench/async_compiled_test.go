package bench

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/bench/compiled"
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// threeWays are the three futures of one function that awaits three
// futures in turn (bench/compiled): compiled by spindle-async, written by
// hand, and the same body on an async.New coroutine.
var threeWays = []struct {
	name string
	mk   func(x, y, z future.Future[int]) future.Future[int]
}{
	{"compiled", compiled.Three},
	{"handwritten", compiled.HandThree},
	{"async", compiled.Coroutine},
}

// yieldOnce is pending at its first poll (waking its task at once) and
// Ready with 1 at the second: an await that suspends once.
type yieldOnce struct{ polled bool }

func (y *yieldOnce) Poll(cx *future.Context) future.Poll[int] {
	if y.polled {
		return future.Ready(1)
	}
	y.polled = true
	future.WakeFrom(cx, cx.Waker())
	return future.Pending[int]()
}

// BenchmarkThreeAwaits is spawn-to-completion of the 3-await function: by
// hand (create it, poll it four times, each await suspending once), and on
// a 2-worker pool, 1000 tasks at a time, each await a yield. Beside them,
// two plain-Go shapes of the same task, 1000 goroutines at a time: one
// that gives way three times (runtime.Gosched), and one that waits three
// times on a channel receive, each woken by the benchmark's goroutine
// sending to it (the issue's "goroutine doing the same three waits on
// channels"). ns/op is per task.
func BenchmarkThreeAwaits(b *testing.B) {
	for _, w := range threeWays {
		b.Run("byhand/"+w.name, func(b *testing.B) {
			defer cpuMetric(b)()
			b.ReportAllocs()
			for range b.N {
				f := w.mk(&flip{}, &flip{}, &flip{})
				if v, polls := drive(f); v != 3 || polls != 4 {
					b.Fatal(v, polls)
				}
			}
		})
	}
	p, err := pool.New(pool.WithWorkers(2))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	const batch = 1000
	for _, w := range threeWays {
		b.Run("pool/"+w.name, func(b *testing.B) {
			defer cpuMetric(b)()
			b.ReportAllocs()
			hs := make([]*pool.JoinHandle[int], 0, batch)
			for done := 0; done < b.N; done += batch {
				hs = hs[:0]
				for range min(batch, b.N-done) {
					hs = append(hs, pool.Spawn(p, w.mk(&yieldOnce{}, &yieldOnce{}, &yieldOnce{})))
				}
				for _, h := range hs {
					if v, err := h.Wait(context.Background()); err != nil || v != 3 {
						b.Fatal(v, err)
					}
				}
			}
		})
	}
	b.Run("pool/goroutine-gosched", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		var wg sync.WaitGroup
		for done := 0; done < b.N; done += batch {
			for range min(batch, b.N-done) {
				wg.Go(func() {
					for range 3 {
						runtime.Gosched()
					}
				})
			}
			wg.Wait()
		}
	})
	b.Run("pool/goroutine-chan", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		var wg sync.WaitGroup
		ch := make(chan int) // unbuffered: each receive waits for its send
		for done := 0; done < b.N; done += batch {
			n := min(batch, b.N-done)
			for range n {
				wg.Go(func() {
					sum := 0
					for range 3 {
						sum += <-ch
					}
					if sum != 3 {
						panic(sum)
					}
				})
			}
			for range 3 * n {
				ch <- 1
			}
			wg.Wait()
		}
	})
}

// BenchmarkThreeAwaitsMemory reports the bytes each of 100,000 tasks of
// the 3-await function holds while suspended in its first await (custom
// metric B/task), each way, beside goroutines blocked in the first of
// three channel receives. Run with -benchtime=1x, one process per sample
// (see BenchmarkSuspendedMemory).
func BenchmarkThreeAwaitsMemory(b *testing.B) {
	for _, w := range threeWays {
		b.Run(w.name, func(b *testing.B) {
			for range b.N {
				g := &gate{}
				before := heldBytes()
				tasks := make([]future.Future[int], suspended)
				cx := future.NewContext(future.NoopWaker)
				for i := range tasks {
					tasks[i] = w.mk(g, g, g)
					if tasks[i].Poll(cx).IsReady() {
						b.Fatal("ready before the gate opened")
					}
				}
				b.ReportMetric(float64(heldBytes()-before)/suspended, "B/task")
				g.open = true
				for _, t := range tasks {
					if v, _ := t.Poll(cx).Value(); v != 3 {
						b.Fatal(v)
					}
				}
			}
		})
	}
	b.Run("goroutine", func(b *testing.B) {
		for range b.N {
			ch := make(chan int)
			var started, finished sync.WaitGroup
			before := heldBytes()
			started.Add(suspended)
			finished.Add(suspended)
			for range suspended {
				go func() {
					started.Done()
					sum := 0
					for range 3 {
						sum += <-ch
					}
					if sum != 3 {
						panic(sum)
					}
					finished.Done()
				}()
			}
			started.Wait()
			b.ReportMetric(float64(heldBytes()-before)/suspended, "B/task")
			for range 3 * suspended {
				ch <- 1
			}
			finished.Wait()
		}
	})
}
