package bench

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// poolPingPong is one side of a ping-pong between two tasks: it waits for
// its turn, then passes the turn to its peer and wakes the peer's waker
// from inside its poll (future.WakeFrom), as a channel send would.
type poolPingPong struct {
	turn   *atomic.Int32 // whose turn: 0 or 1
	me     int32
	rounds int
	done   int
	waker  atomic.Value // future.Waker; a pointer-shaped value: no allocation
	peer   *poolPingPong
}

func (s *poolPingPong) Poll(cx *future.Context) future.Poll[int] {
	s.waker.Store(cx.Waker())
	for s.turn.Load() == s.me {
		s.done++
		s.turn.Store(1 - s.me)
		if pw := s.peer.waker.Load(); pw != nil {
			future.WakeFrom(cx, pw.(future.Waker))
		}
		if s.done == s.rounds {
			return future.Ready(s.done)
		}
	}
	return future.Pending[int]()
}

// BenchmarkPoolPingPong: one op is a round trip between two tasks through
// their wakers, against two goroutines over unbuffered channels.
func BenchmarkPoolPingPong(b *testing.B) {
	for w := 1; w <= runtime.GOMAXPROCS(0); w++ { // scaling
		b.Run(fmt.Sprintf("spindle/workers=%d", w), func(b *testing.B) {
			p := poolNew(b, pool.WithWorkers(w))
			run := func(n int) {
				var turn atomic.Int32
				a := &poolPingPong{turn: &turn, me: 0, rounds: n}
				c := &poolPingPong{turn: &turn, me: 1, rounds: n}
				a.peer, c.peer = c, a
				hc := pool.Spawn(p, future.Future[int](c))
				ha := pool.Spawn(p, future.Future[int](a))
				if _, err := ha.Wait(poolBg); err != nil {
					b.Fatal(err)
				}
				if _, err := hc.Wait(poolBg); err != nil {
					b.Fatal(err)
				}
			}
			run(1000)
			b.ReportAllocs()
			b.ResetTimer()
			defer poolCPU(b)()
			run(b.N)
		})
	}
	b.Run("goroutines-unbuffered-chan", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		goroutinePingPong(b.N)
	})
}

// poolYielder yields n times, then is ready.
type poolYielder struct{ n int }

func (y *poolYielder) Poll(cx *future.Context) future.Poll[int] {
	if y.n == 0 {
		return future.Ready(0)
	}
	y.n--
	cx.Waker().Wake()
	return future.Pending[int]()
}

// BenchmarkPoolYieldMany: 200 tasks yield, one op is one yield (tokio's
// yield_many), against 200 goroutines calling runtime.Gosched.
func BenchmarkPoolYieldMany(b *testing.B) {
	const tasks = 200
	b.Run("spindle", func(b *testing.B) {
		p := poolNew(b, pool.WithWorkers(runtime.GOMAXPROCS(0)))
		b.ReportAllocs()
		b.ResetTimer()
		defer poolCPU(b)()
		hs := make([]*pool.JoinHandle[int], tasks)
		for i := range hs {
			hs[i] = pool.Spawn(p, future.Future[int](&poolYielder{n: b.N / tasks}))
		}
		for _, h := range hs {
			if _, err := h.Wait(poolBg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("goroutines-gosched", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		var wg sync.WaitGroup
		wg.Add(tasks)
		for i := 0; i < tasks; i++ {
			go func() {
				defer wg.Done()
				for k := 0; k < b.N/tasks; k++ {
					runtime.Gosched()
				}
			}()
		}
		wg.Wait()
	})
}

// poolChain is a link of a chain of tasks: it spawns the next link and is
// done; the last link completes the chain's end event. A single pointer,
// so that making it a Future does not allocate: allocs/op is the task.
type poolChain struct{ s *poolChainState }

type poolChainState struct {
	left int
	end  poolEvent
}

func (c poolChain) Poll(cx *future.Context) future.Poll[struct{}] {
	// Links run one after the other: each is spawned by the previous.
	c.s.left--
	if c.s.left == 0 {
		c.s.end.set(cx)
	} else {
		pool.SpawnFrom(cx, future.Future[struct{}](c))
	}
	return future.Ready(struct{}{})
}

// poolEvent is a one-shot event a task can await.
type poolEvent struct {
	mu    sync.Mutex
	fired bool
	waker future.Waker
}

func (e *poolEvent) set(cx *future.Context) {
	e.mu.Lock()
	e.fired = true
	w := e.waker
	e.mu.Unlock()
	if w != nil {
		future.WakeFrom(cx, w)
	}
}

func (e *poolEvent) Poll(cx *future.Context) future.Poll[struct{}] {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fired {
		return future.Ready(struct{}{})
	}
	e.waker = cx.Waker()
	return future.Pending[struct{}]()
}

// BenchmarkPoolChainedSpawn: each task spawns the next (tokio's
// chained_spawn); one op is one link. Against goroutines that each start
// the next goroutine.
func BenchmarkPoolChainedSpawn(b *testing.B) {
	b.Run("spindle", func(b *testing.B) {
		p := poolNew(b, pool.WithWorkers(runtime.GOMAXPROCS(0)))
		b.ReportAllocs()
		b.ResetTimer()
		defer poolCPU(b)()
		st := &poolChainState{left: b.N}
		started := false
		root := future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
			if !started {
				started = true
				pool.SpawnFrom(cx, future.Future[struct{}](poolChain{st}))
			}
			return st.end.Poll(cx)
		})
		if _, err := pool.BlockOn(p, future.Future[struct{}](root)); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("goroutines", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		done := make(chan struct{})
		var link func(n int)
		link = func(n int) {
			if n == 0 {
				close(done)
				return
			}
			go link(n - 1)
		}
		go link(b.N - 1)
		<-done
	})
}
