package bench

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/ants/v2"
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// The spawn benchmarks spawn and join tiny tasks; one op is one task, so
// ns/op is ns per task. Tasks are spawned in batches then all joined:
// batch=1000000 is the "spawn and join 1,000,000 tiny tasks" (run
// it with -benchtime 3000000x or more so that batches are full): a
// million tasks alive at once, which on this VM is dominated by first
// touches of fresh memory; batch=1000 is the steady state, where memory
// is recycled between batches.
var poolBatches = []int{1000, 1_000_000}

// BenchmarkPoolSpawnJoin: spindle from inside a task (SpawnFrom, the
// handles awaited by the root task) with 1 worker and with all, against
// the plain-Go ways: a goroutine per task with a WaitGroup, a fixed pool
// of goroutines fed by a channel, and ants.
func BenchmarkPoolSpawnJoin(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	for _, batch := range poolBatches {
		for w := 1; w <= workers; w++ { // scaling: 1 to GOMAXPROCS workers
			b.Run(fmt.Sprintf("batch=%d/spindle/workers=%d", batch, w), func(b *testing.B) {
				p := poolNew(b, pool.WithWorkers(w))
				poolRun(b, p, future.Future[int](&poolSpawnJoin{n: 1000})) // warm up
				b.ReportAllocs()
				b.ResetTimer()
				defer poolCPU(b)()
				sum := poolRun(b, p, future.Future[int](&poolRounds{left: b.N, batch: batch}))
				if sum != b.N {
					b.Fatalf("joined %d of %d", sum, b.N)
				}
			})
		}
		b.Run(fmt.Sprintf("batch=%d/go-func-waitgroup", batch), func(b *testing.B) {
			b.ReportAllocs()
			defer poolCPU(b)()
			goFuncWaitGroup(b.N, batch)
		})
		b.Run(fmt.Sprintf("batch=%d/goroutine-pool-chan", batch), func(b *testing.B) {
			b.ReportAllocs()
			defer poolCPU(b)()
			res := make([]int, min(batch, b.N))
			jobs := make(chan int, 1024)
			var wg, workersWG sync.WaitGroup
			for g := 0; g < workers; g++ {
				workersWG.Add(1)
				go func() {
					defer workersWG.Done()
					for k := range jobs {
						res[k] = 1
						wg.Done()
					}
				}()
			}
			for left := b.N; left > 0; left -= len(res) {
				n := min(left, len(res))
				wg.Add(n)
				for k := 0; k < n; k++ {
					jobs <- k
				}
				wg.Wait()
			}
			b.StopTimer()
			close(jobs)
			workersWG.Wait()
		})
		b.Run(fmt.Sprintf("batch=%d/ants", batch), func(b *testing.B) {
			b.ReportAllocs()
			defer poolCPU(b)()
			ap, err := ants.NewPool(workers * 1000)
			if err != nil {
				b.Fatal(err)
			}
			res := make([]int, min(batch, b.N))
			for left := b.N; left > 0; left -= len(res) {
				n := min(left, len(res))
				var wg sync.WaitGroup
				wg.Add(n)
				for k := 0; k < n; k++ {
					if err := ap.Submit(func() {
						res[k] = 1
						wg.Done()
					}); err != nil {
						b.Fatal(err)
					}
				}
				wg.Wait()
			}
			b.StopTimer()
			if err := ap.ReleaseTimeout(5 * time.Second); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// poolRounds is a root task that spawns and joins left tasks, batch at a
// time, and returns how many it joined.
type poolRounds struct {
	left, batch, joined int
	cur                 *poolSpawnJoin
}

func (r *poolRounds) Poll(cx *future.Context) future.Poll[int] {
	for {
		if r.cur == nil {
			if r.left == 0 {
				return future.Ready(r.joined)
			}
			n := min(r.left, r.batch)
			r.left -= n
			r.cur = &poolSpawnJoin{n: n}
		}
		v, ok := r.cur.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		r.joined += v
		r.cur = nil
	}
}

// ants starts a default pool, with two goroutines, when it is imported;
// release it so that the package's goleak check sees only what the
// benchmarks leave behind.
func init() { ants.Release() }
