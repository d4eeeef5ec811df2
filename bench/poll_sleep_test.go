package bench

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

const (
	pollSleepers = 100_000
	pollSleepFor = 10 * time.Second
)

// BenchmarkPollSleepers: spawn 100,000 tasks that each sleep until one instant 10 s after the
// batch starts, all
// pending at once, and wait for all of them; beside it, 100,000 goroutines
// in time.Sleep the same way. One op is the whole batch. Metrics:
// bytes/sleeper — heap and stacks in use while all sleep, after GC, per
// sleeper (spindle: task + SleepFuture + heap slot; the handles slice is
// not counted); overhead-ms — wall time beyond the 10 s sleep (spawning 100,000 goroutines takes seconds on
// this loaded 2-core machine).
//
// The runtime keeps the stacks of exited goroutines for reuse, so only the
// first batch of goroutines in a process shows their real memory: run
// with -benchtime=1x, one process per sample (docs/benchmarks.md).
func BenchmarkPollSleepers(b *testing.B) {
	b.Run("spindle-pool2", func(b *testing.B) {
		r, err := poll.NewReactor()
		if err != nil {
			b.Fatal(err)
		}
		p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(r))
		if err != nil {
			b.Fatal(err)
		}
		defer p.Shutdown(context.Background())
		hs := make([]*pool.JoinHandle[struct{}], pollSleepers)
		var mem, over float64
		for range b.N {
			base := pollHeap()
			start := time.Now()
			until := start.Add(pollSleepFor)
			for i := range hs {
				hs[i] = pool.Spawn(p, future.Future[struct{}](poll.SleepUntil(until)))
			}
			spawned := time.Since(start)
			for r.Stats().Timers < pollSleepers && time.Since(start) < pollSleepFor {
				runtime.Gosched()
			}
			if r.Stats().Timers != pollSleepers {
				b.Fatalf("only %d of %d sleepers armed before their deadline (spawning took %v)", r.Stats().Timers, pollSleepers, spawned)
			}
			mem += float64(pollHeap()-base) / pollSleepers
			if time.Now().After(until) {
				b.Fatal("memory measured after the deadline: some sleepers may be gone")
			}
			for _, h := range hs {
				if _, err := h.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			over += float64(time.Since(start)-pollSleepFor) / float64(time.Millisecond)
			clear(hs)
		}
		b.ReportMetric(mem/float64(b.N), "bytes/sleeper")
		b.ReportMetric(over/float64(b.N), "overhead-ms")
	})
	b.Run("goroutines-time.Sleep", func(b *testing.B) {
		var mem, over float64
		for range b.N {
			base := pollHeap()
			start := time.Now()
			until := start.Add(pollSleepFor)
			var started, done sync.WaitGroup
			started.Add(pollSleepers)
			done.Add(pollSleepers)
			for range pollSleepers {
				go func() {
					started.Done()
					time.Sleep(time.Until(until))
					done.Done()
				}()
			}
			started.Wait()
			mem += float64(pollHeap()-base) / pollSleepers
			if time.Now().After(until) {
				b.Fatal("memory measured after the deadline: some sleepers may be gone")
			}
			done.Wait()
			over += float64(time.Since(start)-pollSleepFor) / float64(time.Millisecond)
		}
		b.ReportMetric(mem/float64(b.N), "bytes/sleeper")
		b.ReportMetric(over/float64(b.N), "overhead-ms")
	})
}

func pollHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}
