package pool

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Blocking calls (BlockOn, Wait, Shutdown) must not run on a worker: they
// would stall it, maybe waiting for a task queued behind them. The only
// way to tell from a plain function call is the goroutine's identity, so
// workers register theirs. Reading it costs about a microsecond
// (runtime.Stack); it is only done before blocking, and only while some
// pool has workers.

var (
	workerGoroutines sync.Map // goroutine id -> struct{}
	liveWorkers      atomic.Int64
)

func registerWorkerGoroutine() {
	liveWorkers.Add(1)
	workerGoroutines.Store(goid(), struct{}{})
}

func unregisterWorkerGoroutine() {
	workerGoroutines.Delete(goid())
	liveWorkers.Add(-1)
}

// onWorker reports whether the calling goroutine is a pool worker.
func onWorker() bool {
	if liveWorkers.Load() == 0 {
		return false
	}
	_, ok := workerGoroutines.Load(goid())
	return ok
}

// goid parses the id from the first line of the goroutine's stack trace,
// "goroutine 123 [running]:".
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
