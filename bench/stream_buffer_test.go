package bench

import (
	"slices"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
)

// streamLimit is how many jobs run at once in BenchmarkStreamBufferUnordered.
const streamLimit = 16

// BenchmarkStreamBufferUnordered runs streamItems small jobs, streamLimit
// at a time, and collects their results as they finish. Each spindle job
// is a future that yields once before it is ready (so every job goes
// through a wake of its own slot waker and a re-poll), run by
// BufferUnordered under future.BlockOn. Beside it is what a Go user writes:
// a goroutine per job with a semaphore channel bounding the concurrency,
// results sent back on a channel (errgroup.SetLimit's pattern).
func BenchmarkStreamBufferUnordered(b *testing.B) {
	in := streamInput()
	want := make([]int, len(in))
	for i, v := range in {
		want[i] = streamSquare(v)
	}
	check := func(b *testing.B, got []int) {
		slices.Sort(got)
		if !slices.Equal(got, want) {
			b.Fatalf("got %d results, want %d", len(got), len(want))
		}
	}
	job := func(v int) future.Future[int] {
		return future.Map(future.YieldNow(), func(struct{}) int { return streamSquare(v) })
	}
	b.Run("stream-blockon", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			s := stream.BufferUnordered(stream.Map(stream.FromSlice(in), job), streamLimit)
			got = future.BlockOn(stream.Collect(s))
		}
		check(b, got)
		m.report()
	})
	b.Run("goroutines-sem", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			got = got[:0]
			sem := make(chan struct{}, streamLimit)
			results := make(chan int, streamLimit)
			var wg sync.WaitGroup
			go func() {
				for _, v := range in {
					sem <- struct{}{}
					wg.Go(func() {
						results <- streamSquare(v)
						<-sem
					})
				}
				wg.Wait()
				close(results)
			}()
			for r := range results {
				got = append(got, r)
			}
		}
		check(b, got)
		m.report()
	})
}
