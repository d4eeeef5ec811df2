package bench

import (
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/pool"
)

// streamItems is the length of the benchmarked pipelines; ns/item is
// reported beside ns/op.
const streamItems = 4096

func streamInput() []int {
	in := make([]int, streamItems)
	for i := range in {
		in[i] = i
	}
	return in
}

func streamSquare(v int) int { return v * v }
func streamKeep(v int) bool  { return v%3 != 0 }
func streamWant(in []int) []int {
	var out []int
	for _, v := range in {
		if w := streamSquare(v); streamKeep(w) {
			out = append(out, w)
		}
	}
	return out
}

func streamCheck(b *testing.B, got, want []int) {
	if !slices.Equal(got, want) {
		b.Fatalf("pipeline returned %d values, want %d", len(got), len(want))
	}
}

// streamMeter reports wall-clock and CPU time per item. The CPU time is
// the process's (user + system, every thread), so it counts the work of
// all the goroutines and workers a variant uses, and it is far less
// inflated than wall-clock time when other processes load the machine.
type streamMeter struct {
	b   *testing.B
	cpu time.Duration
}

func startMeter(b *testing.B) *streamMeter { return &streamMeter{b: b, cpu: processCPU()} }

func (m *streamMeter) report() {
	items := float64(m.b.N) * streamItems
	m.b.ReportMetric(float64(m.b.Elapsed().Nanoseconds())/items, "ns/item")
	m.b.ReportMetric(float64((processCPU()-m.cpu).Nanoseconds())/items, "cpu-ns/item")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStreamPipeline runs FromSlice -> Map -> Filter -> Collect over
// streamItems ints: as a stream under future.BlockOn and as a task on a
// 1-worker pool, beside what a Go user writes instead: a plain loop, and a
// pipeline of goroutines joined by buffered channels.
func BenchmarkStreamPipeline(b *testing.B) {
	in := streamInput()
	want := streamWant(in)
	pipeline := func() future.Future[[]int] {
		return stream.Collect(stream.Filter(stream.Map(stream.FromSlice(in), streamSquare), streamKeep))
	}
	b.Run("loop", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			got = streamWant(in)
		}
		streamCheck(b, got, want)
		m.report()
	})
	b.Run("stream-blockon", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			got = future.BlockOn(pipeline())
		}
		streamCheck(b, got, want)
		m.report()
	})
	b.Run("stream-pool", func(b *testing.B) {
		m := startMeter(b)
		p := poolNew(b, pool.WithWorkers(1))
		var got []int
		for b.Loop() {
			var err error
			if got, err = pool.BlockOn(p, pipeline()); err != nil {
				b.Fatal(err)
			}
		}
		streamCheck(b, got, want)
		m.report()
	})
	b.Run("goroutines-chan64", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			got = streamGoroutines(in, 64)
		}
		streamCheck(b, got, want)
		m.report()
	})
}

// streamGoroutines is the Go pipeline pattern: one goroutine per stage,
// buffered channels between them, the caller collecting.
func streamGoroutines(in []int, buf int) []int {
	var out []int
	for v := range streamStages(in, buf) {
		out = append(out, v)
	}
	return out
}

// streamStages starts the producer, map and filter goroutines and returns
// the last channel; it is closed after the last value.
func streamStages(in []int, buf int) <-chan int {
	src := make(chan int, buf)
	mapped := make(chan int, buf)
	kept := make(chan int, buf)
	go func() {
		for _, v := range in {
			src <- v
		}
		close(src)
	}()
	go func() {
		for v := range src {
			mapped <- streamSquare(v)
		}
		close(mapped)
	}()
	go func() {
		for v := range mapped {
			if streamKeep(v) {
				kept <- v
			}
		}
		close(kept)
	}()
	return kept
}

// BenchmarkStreamFromSeq consumes an iter.Seq of streamItems ints: ranged
// over directly, through FromSeq with several batch sizes, and, for
// scale, FromSlice over the same values.
func BenchmarkStreamFromSeq(b *testing.B) {
	in := streamInput()
	seq := slices.Values(in)
	b.Run("range-seq", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			got = slices.Collect(seq)
		}
		streamCheck(b, got, in)
		m.report()
	})
	b.Run("fromslice", func(b *testing.B) {
		m := startMeter(b)
		var got []int
		for b.Loop() {
			got = future.BlockOn(stream.Collect(stream.FromSlice(in)))
		}
		streamCheck(b, got, in)
		m.report()
	})
	for _, n := range []int{1, 16, 64, 256} {
		b.Run("fromseq-"+strconv.Itoa(n), func(b *testing.B) {
			m := startMeter(b)
			var got []int
			for b.Loop() {
				got = future.BlockOn(stream.Collect(stream.FromSeqBuffer(seq, n)))
			}
			streamCheck(b, got, in)
			m.report()
		})
	}
}

// BenchmarkStreamPipelineSum is BenchmarkStreamPipeline with the values
// summed instead of collected: no allocation per item, so what remains is
// the per-item cost of each way of composing the stages.
func BenchmarkStreamPipelineSum(b *testing.B) {
	in := streamInput()
	want := 0
	for _, v := range streamWant(in) {
		want += v
	}
	check := func(b *testing.B, got int) {
		if got != want {
			b.Fatalf("sum %d, want %d", got, want)
		}
	}
	b.Run("loop", func(b *testing.B) {
		m := startMeter(b)
		var got int
		for b.Loop() {
			got = 0
			for _, v := range in {
				if w := streamSquare(v); streamKeep(w) {
					got += w
				}
			}
		}
		check(b, got)
		m.report()
	})
	b.Run("stream-blockon", func(b *testing.B) {
		m := startMeter(b)
		var got int
		for b.Loop() {
			got = 0
			s := stream.Filter(stream.Map(stream.FromSlice(in), streamSquare), streamKeep)
			future.BlockOn(stream.ForEach(s, func(v int) { got += v }))
		}
		check(b, got)
		m.report()
	})
	b.Run("goroutines-chan64", func(b *testing.B) {
		m := startMeter(b)
		var got int
		for b.Loop() {
			got = 0
			for v := range streamStages(in, 64) {
				got += v
			}
		}
		check(b, got)
		m.report()
	})
}
