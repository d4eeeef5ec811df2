package bench

import (
	"context"
	"syscall"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// poolBg is the context of the benchmarks' waits.
var poolBg = context.Background()

// poolNew starts a pool for a benchmark and shuts it down at the end.
func poolNew(b testing.TB, opts ...pool.Option) *pool.Pool {
	b.Helper()
	p, err := pool.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			b.Error(err)
		}
	})
	return p
}

// poolTiny is the tiny task of the spawn benchmarks: ready at once with
// its input, like tokio's `async move { i }`. A static Func: no closure
// allocation, so allocs/op counts the pool's own.
var poolTiny = future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })

// poolSpawnJoin is a root task that spawns n tiny tasks with SpawnFrom,
// then awaits every handle in order and sums the results.
type poolSpawnJoin struct {
	n   int
	hs  []*pool.JoinHandle[int]
	i   int
	sum int
}

func (r *poolSpawnJoin) Poll(cx *future.Context) future.Poll[int] {
	if r.hs == nil {
		r.hs = make([]*pool.JoinHandle[int], r.n)
		for i := range r.hs {
			r.hs[i] = pool.SpawnFrom(cx, future.Future[int](poolTiny))
		}
	}
	for r.i < len(r.hs) {
		res, ok := r.hs[r.i].Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		r.hs[r.i] = nil
		r.sum += res.Value
		r.i++
	}
	return future.Ready(r.sum)
}

// poolRun runs f on p with BlockOn and fails the benchmark on error.
func poolRun[T any](b *testing.B, p *pool.Pool, f future.Future[T]) T {
	b.Helper()
	v, err := pool.BlockOn(p, f)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// poolCPU starts measuring the CPU time of the whole process (all
// threads: workers, goroutines, GC) and returns a function that reports it
// per op as cpu-ns/op. On this shared 2-core VM wall time mostly measures
// the other processes; CPU time is what the work itself cost.
func poolCPU(b *testing.B) func() {
	t0 := poolCPUTime()
	return func() {
		b.ReportMetric(float64(poolCPUTime()-t0)/float64(b.N), "cpu-ns/op")
	}
}

func poolCPUTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
