package bench

import (
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
)

// cancelLeaf is a pending future whose Cancel only counts.
type cancelLeaf struct{ cancels *int }

func (cancelLeaf) Poll(*future.Context) future.Poll[int] { return future.Pending[int]() }
func (l cancelLeaf) Cancel()                             { *l.cancels++ }

// chain5 wraps leaf in five combinators, as a task's future commonly is:
// Map, Finally, Then, Race (with a second contender) and Map again.
func chain5(leaf future.Future[int], released *int) future.Future[int] {
	f := future.Map(leaf, func(v int) int { return v + 1 })
	f = future.Finally(f, func() { *released++ })
	f = future.Then(f, func(v int) future.Future[int] { return future.Done(v) })
	r := future.Race(f, future.Never[int]())
	return future.Map(r, func(r future.Raced[int]) int { return r.Value })
}

// BenchmarkFutureCancelChain5 is the cost of one Cancel through a chain
// five combinators deep, down to a leaf that holds: a Canceler that only
// counts, a place in a locked Mutex's queue, a timer in a reactor. The
// chains are built and polled once in batches with the timer stopped, so
// the figure is the Cancel alone (Finally's function included).
func BenchmarkFutureCancelChain5(b *testing.B) {
	r, err := poll.NewReactor()
	if err != nil {
		b.Skip(err)
	}
	defer r.Close()
	mu := tasksync.NewMutex()
	held, _ := mu.TryLock()
	defer held.Unlock()
	cancels, released := 0, 0
	leaves := map[string]func() future.Future[int]{
		"canceler": func() future.Future[int] { return cancelLeaf{&cancels} },
		"lock-waiter": func() future.Future[int] {
			return future.Map(mu.Lock(), func(*tasksync.MutexGuard) int { return 0 })
		},
		"sleep": func() future.Future[int] {
			return future.Map(future.Future[struct{}](poll.Sleep(time.Hour)), func(struct{}) int { return 0 })
		},
	}
	for _, name := range []string{"canceler", "lock-waiter", "sleep"} {
		leaf := leaves[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cx := future.NewContext(future.NoopWaker)
			cx.SetDriver(r)
			const batch = 1024
			chains := make([]future.Future[int], batch)
			for i := 0; i < b.N; i += batch {
				b.StopTimer()
				for k := range chains {
					chains[k] = chain5(leaf(), &released)
					chains[k].Poll(cx)
				}
				b.StartTimer()
				for k := 0; k < batch && i+k < b.N; k++ {
					future.Cancel(chains[k])
				}
			}
			b.StopTimer()
			for _, c := range chains {
				future.Cancel(c) // those left over by the last batch
			}
			if s := r.Stats(); s.Timers != 0 {
				b.Fatalf("%d timers left armed", s.Timers)
			}
			if mu.Waiters() != 0 {
				b.Fatalf("%d lock waiters left", mu.Waiters())
			}
		})
	}
	futureSink += cancels + released
}
