package pool

import (
	"context"
	"runtime"
	"testing"

	"github.com/spindle-rt/spindle/future"
)

// The parking mechanisms, measured where they matter: how long it takes
// to wake a worker that sleeps. The choice is defaultParking's
// (sema_default.go); the command is in docs/benchmarks.md.

var semas = []struct {
	name string
	new  func() sema
	mode parkMode
}{
	{"chan", func() sema { return newChanSema() }, parkChan},
	{"futex", newFutexSemaOrNil, parkFutex},
	{"hybrid", newFutexSemaOrNil, parkHybrid},
}

// BenchmarkParkSemaPingPong: two goroutines locked to their threads, as
// workers are, wake each other through a pair of semaphores; one op is a
// round trip, i.e. two sleeps and two wakes.
func BenchmarkParkSemaPingPong(b *testing.B) {
	for _, s := range semas[:2] {
		b.Run(s.name, func(b *testing.B) {
			if s.new() == nil {
				b.Skip("not supported on " + runtime.GOOS)
			}
			ping, pong := s.new(), s.new()
			done := make(chan struct{})
			go func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for i := 0; i < b.N; i++ {
					ping.wait()
					pong.post()
				}
				close(done)
			}()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ping.post()
				pong.wait()
			}
			<-done
		})
	}
}

// BenchmarkParkWakeWorker: a goroutine spawns a task on an idle one-worker
// pool and waits for it; the worker is asleep each time, so every op is a
// worker wake, a poll and a wake of the waiting goroutine.
func BenchmarkParkWakeWorker(b *testing.B) {
	for _, s := range semas {
		b.Run(s.name, func(b *testing.B) {
			if s.new() == nil {
				b.Skip("not supported on " + runtime.GOOS)
			}
			p, err := New(WithWorkers(1), withParking(s.mode))
			if err != nil {
				b.Fatal(err)
			}
			defer p.Shutdown(context.Background())
			ready := future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Spawn(p, future.Future[int](ready)).Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// spawnJoin is a root task that spawns n tiny tasks and joins them.
type spawnJoin struct {
	n, i int
	hs   []*JoinHandle[int]
}

func (r *spawnJoin) Poll(cx *future.Context) future.Poll[int] {
	if r.hs == nil {
		one := future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })
		for k := 0; k < r.n; k++ {
			r.hs = append(r.hs, SpawnFrom(cx, future.Future[int](one)))
		}
	}
	for ; r.i < len(r.hs); r.i++ {
		if _, ok := r.hs[r.i].Poll(cx).Value(); !ok {
			return future.Pending[int]()
		}
	}
	return future.Ready(r.i)
}

// BenchmarkParkSpawnJoin: bursts of 100 tasks spawned and joined from a
// goroutine on a two-worker pool, so workers go idle, park and are woken
// between bursts. One op is one burst.
func BenchmarkParkSpawnJoin(b *testing.B) {
	for _, s := range semas {
		b.Run(s.name, func(b *testing.B) {
			if s.new() == nil {
				b.Skip("not supported on " + runtime.GOOS)
			}
			p, err := New(WithWorkers(2), withParking(s.mode))
			if err != nil {
				b.Fatal(err)
			}
			defer p.Shutdown(context.Background())
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := BlockOn(p, future.Future[int](&spawnJoin{n: 100})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
