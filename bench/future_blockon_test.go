package bench

import (
	"sync/atomic"
	"testing"

	"github.com/spindle-rt/spindle/future"
)

// futureWokenElsewhere is Pending on its first poll, after handing its
// waker to a helper goroutine, which sets done and wakes it.
type futureWokenElsewhere struct {
	req  chan<- *futureWokenElsewhere
	w    future.Waker
	done atomic.Bool
	sent bool
}

func (f *futureWokenElsewhere) Poll(cx *future.Context) future.Poll[int] {
	if f.done.Load() {
		return future.Ready(1)
	}
	if !f.sent {
		f.sent = true
		f.w = cx.Waker()
		f.req <- f
	}
	return future.Pending[int]()
}

// BenchmarkFutureBlockOnWokenFromGoroutine: BlockOn of a future that
// another goroutine wakes, against the plain-Go way, a request and a reply
// over channels with the same helper goroutine. Both are one round trip
// between two goroutines.
func BenchmarkFutureBlockOnWokenFromGoroutine(b *testing.B) {
	b.Run("spindle-BlockOn", func(b *testing.B) {
		b.ReportAllocs()
		req := make(chan *futureWokenElsewhere)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case f := <-req:
					f.done.Store(true)
					f.w.Wake()
				case <-stop:
					return
				}
			}
		}()
		f := &futureWokenElsewhere{req: req}
		for b.Loop() {
			f.done.Store(false)
			f.sent = false
			futureSink += future.BlockOn[int](f)
		}
	})
	b.Run("plain-chan-receive", func(b *testing.B) {
		b.ReportAllocs()
		req := make(chan struct{})
		resp := make(chan int)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-req:
					resp <- 1
				case <-stop:
					return
				}
			}
		}()
		for b.Loop() {
			req <- struct{}{}
			futureSink += <-resp
		}
	})
}

// BenchmarkFutureBlockOnReady: BlockOn of a future that is ready at once,
// the fixed cost of BlockOn, against calling the function.
func BenchmarkFutureBlockOnReady(b *testing.B) {
	b.Run("spindle-BlockOn", func(b *testing.B) {
		b.ReportAllocs()
		f := future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) })
		for b.Loop() {
			futureSink += future.BlockOn(future.Future[int](f))
		}
	})
	b.Run("plain-call", func(b *testing.B) {
		b.ReportAllocs()
		fn := func() int { return 1 }
		for b.Loop() {
			futureSink += fn()
		}
	})
}
