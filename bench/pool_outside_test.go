package bench

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/pool"
)

// poolCountDown is a tiny task that counts itself down and closes done
// when it is the last. A single pointer: boxing it does not allocate.
type poolCountDown struct{ c *poolCounter }

type poolCounter struct {
	left atomic.Int64
	done chan struct{}
}

func (t poolCountDown) Poll(*future.Context) future.Poll[struct{}] {
	if t.c.left.Add(-1) == 0 {
		close(t.c.done)
	}
	return future.Ready(struct{}{})
}

// BenchmarkPoolSpawnOutside: 4 goroutines outside the pool spawn tiny
// tasks (through the injection queue); one op is one task. Against the
// same goroutines starting a goroutine per task.
func BenchmarkPoolSpawnOutside(b *testing.B) {
	const spawners = 4
	b.Run("spindle", func(b *testing.B) {
		p := poolNew(b)
		b.ReportAllocs()
		b.ResetTimer()
		defer poolCPU(b)()
		c := &poolCounter{done: make(chan struct{})}
		c.left.Store(int64(b.N))
		onSpawners(spawners, b.N, func() { pool.Spawn(p, future.Future[struct{}](poolCountDown{c})) })
		<-c.done
	})
	b.Run("go-func", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		c := &poolCounter{done: make(chan struct{})}
		c.left.Store(int64(b.N))
		onSpawners(spawners, b.N, func() { go poolCountDown{c}.Poll(nil) })
		<-c.done
	})
}

// poolInbox is a task that consumes coalesced notifications: senders add
// to n and wake it; it is done when it has seen want.
type poolInbox struct {
	n     atomic.Int64
	seen  int64
	want  int64
	waker atomic.Value // future.Waker
}

func (t *poolInbox) Poll(cx *future.Context) future.Poll[int64] {
	t.waker.Store(cx.Waker())
	t.seen += t.n.Swap(0)
	if t.seen >= t.want {
		return future.Ready(t.seen)
	}
	return future.Pending[int64]()
}

// BenchmarkPoolWakeOutside: a goroutine outside the pool notifies a task
// (one op: add to its inbox and wake it), against notifying a goroutine
// through a one-slot channel, Go's idiom for coalesced wake-ups.
func BenchmarkPoolWakeOutside(b *testing.B) {
	b.Run("spindle", func(b *testing.B) {
		p := poolNew(b)
		t := &poolInbox{want: int64(b.N)}
		h := pool.Spawn(p, future.Future[int64](t))
		for t.waker.Load() == nil {
		}
		b.ReportAllocs()
		b.ResetTimer()
		defer poolCPU(b)()
		for i := 0; i < b.N; i++ {
			t.n.Add(1)
			t.waker.Load().(future.Waker).Wake()
		}
		if _, err := h.Wait(poolBg); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("goroutine-chan-notify", func(b *testing.B) {
		b.ReportAllocs()
		defer poolCPU(b)()
		var n atomic.Int64
		ch := make(chan struct{}, 1)
		done := make(chan struct{})
		go func() {
			var seen int64
			for seen < int64(b.N) {
				<-ch
				seen += n.Swap(0)
			}
			close(done)
		}()
		for i := 0; i < b.N; i++ {
			n.Add(1)
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		<-done
	})
}

// onSpawners calls spawn n times in all from the given number of
// goroutines at once, and returns when they are done.
func onSpawners(spawners, n int, spawn func()) {
	var wg sync.WaitGroup
	for g := 0; g < spawners; g++ {
		k := n / spawners
		if g == 0 {
			k += n % spawners
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range k {
				spawn()
			}
		}()
	}
	wg.Wait()
}
