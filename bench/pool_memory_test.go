package bench

import (
	"runtime"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// poolParked is a future that waits for a waker that is never called: it
// keeps the waker of its last poll, as a future waiting on a Notify does.
// A single pointer, so that boxing it as a Future does not allocate.
type poolParked struct{ slot *future.Waker }

func (f poolParked) Poll(cx *future.Context) future.Poll[struct{}] {
	*f.slot = cx.Waker()
	return future.Pending[struct{}]()
}

const poolMemN = 1_000_000

// poolHeap returns the bytes of heap objects plus goroutine stacks in use
// after a full collection.
func poolHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// BenchmarkPoolMemory: 1,000,000 tasks pending on a waker that is never
// called, against goroutines blocked on a channel receive. It
// reports bytes per task (heap and stacks, after GC, the handles and the
// wakers' slots included), and the bytes per task still in use once the
// tasks are aborted (or the goroutines released) and the handles dropped.
func BenchmarkPoolMemory(b *testing.B) {
	b.Run("spindle", func(b *testing.B) {
		p := poolNew(b, pool.WithWorkers(runtime.GOMAXPROCS(0)))
		slots := make([]future.Waker, poolMemN)
		for i := 0; i < b.N; i++ {
			base := poolHeap()
			hs := make([]*pool.JoinHandle[struct{}], poolMemN)
			for k := range hs {
				hs[k] = pool.Spawn(p, future.Future[struct{}](poolParked{&slots[k]}))
			}
			// Wait until every task was polled once (its waker stored).
			for _, h := range hs[len(hs)-1:] {
				for !h.IsFinished() && slots[len(hs)-1] == nil {
					runtime.Gosched()
				}
			}
			for p.Stats().InjectDepth > 0 {
				runtime.Gosched()
			}
			// The handles slice is 8 bytes a task: not counted.
			used := poolHeap() - base - 8*poolMemN
			b.ReportMetric(float64(used)/poolMemN, "bytes/task")
			for _, h := range hs {
				h.Abort()
			}
			clear(hs)
			clear(slots)
			hs = nil
			debug.FreeOSMemory()
			after := int64(poolHeap()) - int64(base)
			b.ReportMetric(float64(after)/poolMemN, "bytes/task-after-abort")
			runtime.KeepAlive(hs)
		}
	})
	// 1,000,000 goroutines take 2.6 GB and over a minute to start on this
	// VM; the cost per goroutine does not depend on how many there are,
	// so the comparison uses goroutineMemN of them.
	const goroutineMemN = 200_000
	b.Run("goroutines-blocked-on-chan", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			base := poolHeap()
			release := make(chan struct{})
			var started sync.WaitGroup
			started.Add(goroutineMemN)
			for k := 0; k < goroutineMemN; k++ {
				go func() {
					started.Done()
					<-release
				}()
			}
			started.Wait()
			used := poolHeap() - base
			b.ReportMetric(float64(used)/goroutineMemN, "bytes/task")
			close(release)
			for runtime.NumGoroutine() > 100 {
				runtime.Gosched()
			}
			debug.FreeOSMemory()
			after := int64(poolHeap()) - int64(base)
			b.ReportMetric(float64(after)/goroutineMemN, "bytes/task-after-abort")
		}
	})
}
