package bench

import (
	"context"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/pool"
)

// syncPool starts a 2-worker pool for the channel and tasksync benchmarks
// and shuts it down at the end.
func syncPool(b *testing.B) *pool.Pool {
	b.Helper()
	p, err := pool.New(pool.WithWorkers(2))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			b.Error(err)
		}
	})
	return p
}

// Ways a chanProducer sends each value.
const (
	sendFuture = iota // a new Send future per value, as straightforward code does
	sendReset         // one Send future, Reset for every value
	sendTry           // TrySend first, a Send future only when the channel is full
)

// chanProducer is a task sending n ones on tx, then closing it.
type chanProducer struct {
	tx   *channel.Sender[int]
	n    int
	mode int
	send *channel.SendFuture[int]
	busy bool // send holds a value not yet accepted
}

func (p *chanProducer) Poll(cx *future.Context) future.Poll[int] {
	for p.n > 0 {
		if !p.busy {
			switch {
			case p.mode == sendTry && p.tx.TrySend(1) == nil:
				p.n--
				continue
			case p.mode == sendReset && p.send != nil:
				p.send.Reset(1)
			default:
				p.send = p.tx.Send(1)
			}
			p.busy = true
		}
		r, ok := p.send.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		if r.Err != nil {
			panic(r.Err)
		}
		p.busy = false
		p.n--
	}
	p.tx.Close()
	return future.Ready(0)
}

// chanConsumer is a task summing what rx receives until it is closed.
type chanConsumer struct {
	rx  *channel.Receiver[int]
	sum int
}

func (c *chanConsumer) Poll(cx *future.Context) future.Poll[int] {
	for {
		r, ok := c.rx.PollRecv(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		if r.Err != nil {
			return future.Ready(c.sum)
		}
		c.sum += r.Value
	}
}

// split divides n into k parts that add up to n.
func split(n, k int) []int {
	parts := make([]int, k)
	for i := range parts {
		parts[i] = n / k
	}
	parts[0] += n % k
	return parts
}
