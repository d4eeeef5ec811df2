package bench

import (
	"runtime"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
)

// suspended is how many tasks or goroutines the memory benchmark keeps
// waiting at once.
const suspended = 100_000

// gate is pending until open, without registering a waker: the memory
// benchmark resumes its tasks by polling them.
type gate struct{ open bool }

func (g *gate) Poll(*future.Context) future.Poll[int] {
	if g.open {
		return future.Ready(1)
	}
	return future.Pending[int]()
}

// heldBytes is the memory the program holds for its objects and goroutine
// stacks, after a collection.
func heldBytes() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// BenchmarkSuspendedMemory reports the bytes each of 100,000 waiting tasks
// holds (custom metric B/task): async Tasks suspended in an Await, the
// equivalent hand-written futures, and goroutines blocked on a channel.
// The runtime reuses the descriptors of exited goroutines, so only the
// first iteration in a process counts those: run it with -benchtime=1x and
// one process per sample (see docs/benchmarks.md).
func BenchmarkSuspendedMemory(b *testing.B) {
	b.Run("handwritten", func(b *testing.B) {
		for range b.N {
			g := &gate{}
			before := heldBytes()
			tasks := make([]*oneGate, suspended)
			cx := future.NewContext(future.NoopWaker)
			for i := range tasks {
				tasks[i] = &oneGate{g: g}
				if tasks[i].Poll(cx).IsReady() {
					b.Fatal("ready before the gate opened")
				}
			}
			b.ReportMetric(float64(heldBytes()-before)/suspended, "B/task")
			g.open = true
			for _, t := range tasks {
				if v, _ := t.Poll(cx).Value(); v != 1 {
					b.Fatal(v)
				}
			}
		}
	})
	b.Run("async", func(b *testing.B) {
		for range b.N {
			g := &gate{}
			before := heldBytes()
			tasks := make([]*async.Task[int], suspended)
			cx := future.NewContext(future.NoopWaker)
			for i := range tasks {
				tasks[i] = async.New(func(a *async.Awaiter) int { return async.Await[int](a, g) })
				if tasks[i].Poll(cx).IsReady() {
					b.Fatal("ready before the gate opened")
				}
			}
			b.ReportMetric(float64(heldBytes()-before)/suspended, "B/task")
			g.open = true
			for _, t := range tasks {
				if v, _ := t.Poll(cx).Value(); v != 1 {
					b.Fatal(v)
				}
			}
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		for range b.N {
			ch := make(chan int)
			var started, finished sync.WaitGroup
			before := heldBytes()
			started.Add(suspended)
			finished.Add(suspended)
			for range suspended {
				go func() {
					started.Done()
					<-ch
					finished.Done()
				}()
			}
			started.Wait()
			b.ReportMetric(float64(heldBytes()-before)/suspended, "B/task")
			close(ch)
			finished.Wait()
		}
	})
}

// oneGate is the hand-written future that waits for a gate.
type oneGate struct{ g *gate }

func (o *oneGate) Poll(cx *future.Context) future.Poll[int] { return o.g.Poll(cx) }
