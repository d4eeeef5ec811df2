package bench

import (
	"fmt"
	"sync"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool"
)

// mpscCap is the buffer of both the spindle channel and the Go channel.
const mpscCap = 128

// BenchmarkMPSC moves b.N ints from 1 or 4 producers to one consumer
// through a bounded channel of mpscCap slots. ns/op is per value.
//
//   - spindle-tasks: producers and consumer are tasks on a 2-worker pool;
//     each value is sent by awaiting a Send future (one allocation).
//   - spindle-tasks-reset: one Send future per producer, Reset per value.
//   - spindle-tasks-trysend: the same, producers calling TrySend first and
//     making a Send future only when the channel is full.
//   - spindle-goroutines: producers are goroutines awaiting each send with
//     future.BlockOn, the consumer a goroutine doing the same for receives:
//     the channel used as a plain Go channel would be.
//   - go-chan: goroutines on a buffered Go channel, what a Go user would
//     write (GOMAXPROCS is the machine's 2).
func BenchmarkMPSC(b *testing.B) {
	for _, producers := range []int{1, 4} {
		b.Run(fmt.Sprintf("producers=%d/spindle-tasks", producers), func(b *testing.B) {
			mpscTasks(b, producers, sendFuture)
		})
		b.Run(fmt.Sprintf("producers=%d/spindle-tasks-reset", producers), func(b *testing.B) {
			mpscTasks(b, producers, sendReset)
		})
		b.Run(fmt.Sprintf("producers=%d/spindle-tasks-trysend", producers), func(b *testing.B) {
			mpscTasks(b, producers, sendTry)
		})
		b.Run(fmt.Sprintf("producers=%d/spindle-goroutines", producers), func(b *testing.B) {
			b.ReportAllocs()
			tx, rx := channel.Bounded[int](mpscCap)
			var wg sync.WaitGroup
			for _, n := range split(b.N, producers) {
				ptx := tx.Clone()
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer ptx.Close()
					for range n {
						if ptx.TrySend(1) != nil {
							future.BlockOn[future.Result[struct{}]](ptx.Send(1))
						}
					}
				}()
			}
			tx.Close()
			sum := 0
			for {
				v, err := rx.TryRecv()
				if err == channel.ErrEmpty {
					v, err = future.BlockOn[future.Result[int]](rx.Recv()).Get()
				}
				if err != nil {
					break
				}
				sum += v
			}
			wg.Wait()
			if sum != b.N {
				b.Fatalf("sum %d", sum)
			}
		})
		b.Run(fmt.Sprintf("producers=%d/go-chan", producers), func(b *testing.B) {
			b.ReportAllocs()
			ch := make(chan int, mpscCap)
			var wg sync.WaitGroup
			for _, n := range split(b.N, producers) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range n {
						ch <- 1
					}
				}()
			}
			go func() { wg.Wait(); close(ch) }()
			sum := 0
			for v := range ch {
				sum += v
			}
			if sum != b.N {
				b.Fatalf("sum %d", sum)
			}
		})
	}
}

func mpscTasks(b *testing.B, producers, mode int) {
	p := syncPool(b)
	b.ReportAllocs()
	b.ResetTimer()
	tx, rx := channel.Bounded[int](mpscCap)
	cons := pool.Spawn[int](p, &chanConsumer{rx: rx})
	for _, n := range split(b.N, producers) {
		pool.Spawn[int](p, &chanProducer{tx: tx.Clone(), n: n, mode: mode})
	}
	tx.Close()
	if sum, err := cons.Wait(b.Context()); err != nil || sum != b.N {
		b.Fatalf("sum %d, err %v", sum, err)
	}
}
