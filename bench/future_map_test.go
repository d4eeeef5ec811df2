package bench

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
)

// futureSink keeps results alive so the compiler cannot drop the work.
var futureSink int

// BenchmarkFutureMapChain10 builds a chain of 10 Maps over a ready future
// and polls it once, against the 10 plain function calls it stands for.
// The spindle figure includes building the chain (11 small allocations):
// futures are one-shot, so a user pays for the building every time;
// spindle-poll-only is the poll alone.
func BenchmarkFutureMapChain10(b *testing.B) {
	inc := func(v int) int { return v + 1 }
	b.Run("spindle", func(b *testing.B) {
		b.ReportAllocs()
		cx := future.NewContext(future.NoopWaker)
		for i := 0; b.Loop(); i++ {
			var f future.Future[int] = future.Done(i)
			for range 10 {
				f = future.Map(f, inc)
			}
			v, _ := f.Poll(cx).Value()
			futureSink += v
		}
	})
	b.Run("spindle-poll-only", func(b *testing.B) {
		// Chains are built in batches with the timer stopped: this is the
		// cost of polling through 10 Maps, without building them.
		b.ReportAllocs()
		cx := future.NewContext(future.NoopWaker)
		const batch = 1024
		chains := make([]future.Future[int], batch)
		for i := 0; i < b.N; i += batch {
			b.StopTimer()
			for k := range chains {
				var f future.Future[int] = future.Done(k)
				for range 10 {
					f = future.Map(f, inc)
				}
				chains[k] = f
			}
			b.StartTimer()
			for k := 0; k < batch && i+k < b.N; k++ {
				v, _ := chains[k].Poll(cx).Value()
				futureSink += v
			}
		}
	})
	b.Run("plain-func-calls", func(b *testing.B) {
		b.ReportAllocs()
		fns := make([]func(int) int, 10) // called through func values, like Map
		for k := range fns {
			fns[k] = inc
		}
		for i := 0; b.Loop(); i++ {
			v := i
			for _, fn := range fns {
				v = fn(v)
			}
			futureSink += v
		}
	})
}
