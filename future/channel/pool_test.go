package channel_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

// producer is a task body sending from..to-1 on tx, then closing it.
type producer struct {
	tx       *channel.Sender[int]
	from, to int
	send     *channel.SendFuture[int]
}

func (p *producer) Poll(cx *future.Context) future.Poll[int] {
	for p.from < p.to {
		if p.send == nil {
			p.send = p.tx.Send(p.from)
		}
		r, ok := p.send.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		if r.Err != nil {
			panic(r.Err)
		}
		p.send = nil
		p.from++
	}
	p.tx.Close()
	return future.Ready(0)
}

// consumer is a task body summing what rx receives until ErrClosed.
type consumer struct {
	rx    *channel.Receiver[int]
	sum   int
	count int
}

func (c *consumer) Poll(cx *future.Context) future.Poll[[2]int] {
	for {
		r, ok := c.rx.PollRecv(cx).Value()
		if !ok {
			return future.Pending[[2]int]()
		}
		if r.Err != nil {
			return future.Ready([2]int{c.sum, c.count})
		}
		c.sum += r.Value
		c.count++
	}
}

// TestMPSCAcrossWorkersAndGoroutines: producer tasks on two workers and
// producer goroutines fill a small bounded channel drained by a consumer
// task; nothing is lost or duplicated and the consumer sees ErrClosed only
// after the last producer closed.
func TestMPSCAcrossWorkersAndGoroutines(t *testing.T) {
	p := testpool.New(t)
	tx, rx := channel.Bounded[int](4)
	per := 5000 / scale
	const taskProducers, goProducers = 4, 2
	cons := pool.Spawn[[2]int](p, &consumer{rx: rx})
	n := 0
	for range taskProducers {
		pool.Spawn[int](p, &producer{tx: tx.Clone(), from: n, to: n + per})
		n += per
	}
	var wg sync.WaitGroup
	for range goProducers {
		ptx, from := tx.Clone(), n
		n += per
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ptx.Close()
			for i := from; i < from+per; i++ {
				require.NoError(t, future.BlockOn[future.Result[struct{}]](ptx.Send(i)).Err)
			}
		}()
	}
	tx.Close()
	got, err := cons.Wait(context.Background())
	require.NoError(t, err)
	wg.Wait()
	assert.Equal(t, n, got[1], "every value received once")
	assert.Equal(t, n*(n-1)/2, got[0])
}

// TestOneshotPingPongBetweenTasks chains oneshots between tasks on two
// workers: each task waits for its predecessor's value and passes it on.
func TestOneshotPingPongBetweenTasks(t *testing.T) {
	p := testpool.New(t)
	const chain = 500
	first, rx := channel.NewOneshot[int]()
	var hs []*pool.JoinHandle[int]
	for range chain {
		tx, next := channel.NewOneshot[int]()
		in := rx
		hs = append(hs, pool.Spawn[int](p, future.Func[int](func(cx *future.Context) future.Poll[int] {
			r, ok := in.Poll(cx).Value()
			if !ok {
				return future.Pending[int]()
			}
			if r.Err != nil {
				tx.Close()
				return future.Ready(-1)
			}
			_ = tx.SendFrom(cx, r.Value+1)
			return future.Ready(r.Value)
		})))
		rx = next
	}
	require.NoError(t, first.Send(0))
	v, err := future.BlockOn[future.Result[int]](rx).Get()
	require.NoError(t, err)
	assert.Equal(t, chain, v)
	for i, h := range hs {
		got, err := h.Wait(context.Background())
		require.NoError(t, err)
		assert.Equal(t, i, got)
	}
}

// TestAbortedSenderTaskIsNotLeftHanging: a task holding the only sender is
// aborted; with the task's future dropped, the collector closes the sender
// and the receiver sees ErrClosed instead of waiting forever.
func TestAbortedSenderTaskIsNotLeftHanging(t *testing.T) {
	p := testpool.New(t)
	// The sender lives only in the task's future: no reference is left here.
	rx, h := func() (*channel.Receiver[int], *pool.JoinHandle[int]) {
		tx, rx := channel.Unbounded[int]()
		return rx, pool.Spawn[int](p, future.Func[int](func(cx *future.Context) future.Poll[int] {
			_ = tx.SendFrom(cx, 1)
			return future.Pending[int]() // never finishes; holds tx
		}))
	}()
	v, err := future.BlockOn[future.Result[int]](rx.Recv()).Get()
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	h.Abort()
	h = nil
	futuretest.EventuallyCollected(t, func() bool {
		_, err := rx.TryRecv()
		return err == channel.ErrClosed
	}, "receiver still waiting after the sender's task was aborted")
}

// TestAbortedOneshotSenderTask: the task that should answer is aborted;
// the waiting receiver task gets ErrClosed instead of hanging.
func TestAbortedOneshotSenderTask(t *testing.T) {
	p := testpool.New(t)
	rx, h := func() (*channel.OneshotReceiver[int], *pool.JoinHandle[int]) {
		tx, rx := channel.NewOneshot[int]()
		return rx, pool.Spawn[int](p, future.Func[int](func(cx *future.Context) future.Poll[int] {
			_ = tx.IsClosed()
			return future.Pending[int]() // never answers; holds tx
		}))
	}()
	waiter := pool.Spawn[future.Result[int]](p, rx)
	h.Abort()
	h = nil
	futuretest.EventuallyCollected(t, waiter.IsFinished, "receiver task still waiting")
	r, err := waiter.Wait(context.Background())
	require.NoError(t, err)
	assert.ErrorIs(t, r.Err, channel.ErrClosed)
}
