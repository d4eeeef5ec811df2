package bench

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
)

// BenchmarkFutureJoin2 joins two children that each yield once, built and
// run to completion per op with BlockOn. Join2 polls both children with
// its own waker on every poll (futures-rs's join for a few children)
// rather than through per-child wakers and a batch, allocated at the first
// poll, which cost more for two children than the polls they save.
func BenchmarkFutureJoin2(b *testing.B) {
	b.Run("spindle-Join2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x, y := &futureYielder{i: 1}, &futureYielder{i: 2}
			p := future.BlockOn(future.Join2[int, int](x, y))
			futureSink += p.First + p.Second
		}
	})
}
