package bench

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
)

// pollBothJoin2 is the small-n join futures-rs uses for up to 30 children:
// every poll polls every unfinished child with the parent's own waker, so
// it allocates no per-child wakers and no batch. Here only to measure
// whether such a path would pay for Join2 (issue 18, item 6).
type pollBothJoin2 struct {
	a, b         future.Future[int]
	va, vb       int
	doneA, doneB bool
}

func (j *pollBothJoin2) Poll(cx *future.Context) future.Poll[future.Pair[int, int]] {
	if !j.doneA {
		j.va, j.doneA = j.a.Poll(cx).Value()
	}
	if !j.doneB {
		j.vb, j.doneB = j.b.Poll(cx).Value()
	}
	if j.doneA && j.doneB {
		return future.Ready(future.Pair[int, int]{First: j.va, Second: j.vb})
	}
	return future.Pending[future.Pair[int, int]]()
}

// BenchmarkFutureJoin2 joins two children that each yield once, built and
// run to completion per op with BlockOn: Join2 (a waker per child and a
// batch, allocated at the first poll) against the poll-both join above.
func BenchmarkFutureJoin2(b *testing.B) {
	b.Run("spindle-Join2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x, y := &futureYielder{i: 1}, &futureYielder{i: 2}
			p := future.BlockOn(future.Join2[int, int](x, y))
			futureSink += p.First + p.Second
		}
	})
	b.Run("poll-both", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			x, y := &futureYielder{i: 1}, &futureYielder{i: 2}
			p := future.BlockOn(future.Future[future.Pair[int, int]](&pollBothJoin2{a: x, b: y}))
			futureSink += p.First + p.Second
		}
	})
}
