package bench

import (
	"testing"

	"github.com/spindle-rt/spindle/future/async"
)

// BenchmarkAwait measures one suspension and resumption: a body awaits a
// child that is pending once per await, b.N times, and an executor loop
// polls it again at once. Beside it: the same loop as a hand-written
// future, the two mechanisms future/async did not pick, and plain Go (a
// goroutine blocking on a channel until another goroutine sends to it).
// "locked" variants poll from a goroutine wired to its thread, as a pool
// worker is.
func BenchmarkAwait(b *testing.B) {
	asyncLoop := func(n int) *async.Task[int] {
		return async.New(func(a *async.Awaiter) int {
			child, sum := &flip{}, 0
			for range n {
				sum += async.Await(a, child)
			}
			return sum
		})
	}
	check := func(b *testing.B, got, polls int) {
		if got != b.N || polls != b.N+1 {
			b.Fatalf("sum %d polls %d, want %d and %d", got, polls, b.N, b.N+1)
		}
	}
	b.Run("handwritten", func(b *testing.B) {
		defer cpuMetric(b)()
		v, polls := drive(&loopFuture{child: &flip{}, n: b.N})
		check(b, v, polls)
	})
	b.Run("async", func(b *testing.B) {
		defer cpuMetric(b)()
		v, polls := drive(asyncLoop(b.N))
		check(b, v, polls)
	})
	b.Run("async-locked", func(b *testing.B) {
		defer cpuMetric(b)()
		onLockedThread(func() {
			b.ResetTimer()
			v, polls := drive(asyncLoop(b.N))
			check(b, v, polls)
		})
	})
	b.Run("pinned-coro-locked", func(b *testing.B) {
		defer cpuMetric(b)()
		onLockedThread(func() {
			b.ResetTimer()
			v, polls := drive(newCoroTask(func(a *coroAwaiter) int {
				child, sum := &flip{}, 0
				for range b.N {
					sum += coroAwait(a, child)
				}
				return sum
			}))
			check(b, v, polls)
		})
	})
	chanLoop := func(n int) *chanTask[int] {
		return newChanTask(func(a *chanAwaiter) int {
			child, sum := &flip{}, 0
			for range n {
				sum += chanAwait(a, child)
			}
			return sum
		})
	}
	b.Run("chan-goroutine", func(b *testing.B) {
		defer cpuMetric(b)()
		v, polls := drive(chanLoop(b.N))
		check(b, v, polls)
	})
	b.Run("chan-goroutine-locked", func(b *testing.B) {
		defer cpuMetric(b)()
		onLockedThread(func() {
			b.ResetTimer()
			v, polls := drive(chanLoop(b.N))
			check(b, v, polls)
		})
	})
	b.Run("go-blocked-on-chan", func(b *testing.B) {
		defer cpuMetric(b)()
		ping, pong := make(chan int), make(chan int)
		go func() {
			sum := 0
			for range b.N {
				sum += <-ping
				pong <- 0
			}
			pong <- sum
		}()
		for range b.N {
			ping <- 1
			<-pong
		}
		if sum := <-pong; sum != b.N {
			b.Fatalf("sum %d want %d", sum, b.N)
		}
	})
}
