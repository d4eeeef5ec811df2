package bench

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// oneAwait is a hand-written future that awaits one flip: the state
// machine a user would write instead of a one-Await body.
type oneAwait struct{ child flip }

func (o *oneAwait) Poll(cx *future.Context) future.Poll[int] { return o.child.Poll(cx) }

// BenchmarkTaskWithOneAwait is the whole life of a small task that
// suspends once: create it, poll it, resume it to completion. For async
// that includes starting and ending its coroutine; for plain Go, starting
// a goroutine that blocks on a channel once and then finishes.
func BenchmarkTaskWithOneAwait(b *testing.B) {
	b.Run("handwritten", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		for range b.N {
			if v, polls := drive[int](&oneAwait{}); v != 1 || polls != 2 {
				b.Fatal(v, polls)
			}
		}
	})
	b.Run("async", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		for range b.N {
			t := async.New(func(a *async.Awaiter) int { return async.Await[int](a, &flip{}) })
			if v, polls := drive(t); v != 1 || polls != 2 {
				b.Fatal(v, polls)
			}
		}
	})
	b.Run("async-locked", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		onLockedThread(func() {
			b.ResetTimer()
			for range b.N {
				t := async.New(func(a *async.Awaiter) int { return async.Await[int](a, &flip{}) })
				if v, polls := drive(t); v != 1 || polls != 2 {
					b.Fatal(v, polls)
				}
			}
		})
	})
	b.Run("go-blocked-on-chan", func(b *testing.B) {
		defer cpuMetric(b)()
		b.ReportAllocs()
		for range b.N {
			in, out := make(chan int), make(chan int)
			go func() { out <- <-in }()
			in <- 1
			if v := <-out; v != 1 {
				b.Fatal(v)
			}
		}
	})
}
