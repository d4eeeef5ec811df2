package bench

import (
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool"
)

var oneshotSink int

// BenchmarkOneshot creates a one-value channel, sends on it and awaits the
// value, on one goroutine (spindle: the receiver polled once, Ready), beside
// a 1-buffered Go channel used the same way.
func BenchmarkOneshot(b *testing.B) {
	b.Run("spindle", func(b *testing.B) {
		b.ReportAllocs()
		cx := future.NewContext(nil)
		for i := range b.N {
			tx, rx := channel.NewOneshot[int]()
			_ = tx.Send(i)
			r, _ := rx.Poll(cx).Value()
			oneshotSink += r.Value
		}
	})
	b.Run("go-chan", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			ch := make(chan int, 1)
			ch <- i
			oneshotSink += <-ch
		}
	})
}

// oneshotPingPong is a task that, b.N times, makes a oneshot, hands its
// sender to the partner task through an unbounded channel and awaits the
// reply: a request/response round trip between two tasks.
type oneshotPingPong struct {
	n     int
	reqs  *channel.UnboundedSender[*channel.OneshotSender[int]]
	reply *channel.OneshotReceiver[int]
}

func (c *oneshotPingPong) Poll(cx *future.Context) future.Poll[int] {
	for c.n > 0 {
		if c.reply == nil {
			tx, rx := channel.NewOneshot[int]()
			_ = c.reqs.SendFrom(cx, tx)
			c.reply = rx
		}
		if _, ok := c.reply.Poll(cx).Value(); !ok {
			return future.Pending[int]()
		}
		c.reply = nil
		c.n--
	}
	c.reqs.Close()
	return future.Ready(0)
}

type oneshotServer struct {
	reqs *channel.Receiver[*channel.OneshotSender[int]]
}

func (s *oneshotServer) Poll(cx *future.Context) future.Poll[int] {
	for {
		r, ok := s.reqs.PollRecv(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		if r.Err != nil {
			return future.Ready(0)
		}
		_ = r.Value.SendFrom(cx, 1)
	}
}

// BenchmarkOneshotRoundTrip is a request/response between two parties: a
// oneshot for each reply, on a 2-worker pool, beside two goroutines doing
// the same with a 1-buffered Go channel per reply.
func BenchmarkOneshotRoundTrip(b *testing.B) {
	b.Run("spindle-tasks", func(b *testing.B) {
		p := syncPool(b)
		b.ReportAllocs()
		b.ResetTimer()
		tx, rx := channel.Unbounded[*channel.OneshotSender[int]]()
		srv := pool.Spawn[int](p, &oneshotServer{reqs: rx})
		cli := pool.Spawn[int](p, &oneshotPingPong{n: b.N, reqs: tx})
		if _, err := cli.Wait(b.Context()); err != nil {
			b.Fatal(err)
		}
		if _, err := srv.Wait(b.Context()); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("go-chan", func(b *testing.B) {
		b.ReportAllocs()
		reqs := make(chan chan int, 1)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for r := range reqs {
				r <- 1
			}
		}()
		for range b.N {
			r := make(chan int, 1)
			reqs <- r
			oneshotSink += <-r
		}
		close(reqs)
		<-done
	})
}
