package main

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/poll"
)

// produceBody sends 1..n, waiting for room when the channel is full, and
// stops early when the receiving side has gone. It returns how many values
// the channel accepted.
//
//spindle:async
func produceBody(a *async.Awaiter, n int, out *channel.Sender[int], m *meter) (int, error) {
	defer out.Close() // the stage sees the end after the last value
	for i := 1; i <= n; i++ {
		err := out.TrySend(i)
		if errors.Is(err, channel.ErrFull) {
			m.waits.Add(1) // backpressure: wait until the stage takes one
			_, err = async.TryAwait(a, out.Send(i))
		}
		if err != nil {
			return i - 1, fmt.Errorf("producer stopped at %d: %w", i, err)
		}
		m.sent()
	}
	return n, nil
}

// squareBody squares what it receives until the producer ends or the
// consumer goes. It returns how many values it passed on.
//
//spindle:async
func squareBody(a *async.Awaiter, in *channel.Receiver[int], out *channel.Sender[int]) (int, error) {
	defer in.Close() // the producer's next send fails
	defer out.Close()
	n := 0
	for {
		v, err := async.TryAwait(a, in.Recv())
		if err != nil {
			return n, nil // channel.ErrClosed: the producer ended, all passed on
		}
		if _, err := async.TryAwait(a, out.Send(v*v)); err != nil {
			return n, fmt.Errorf("square: %w", err)
		}
		n++
	}
}

// consumeBody prints each value, taking slow per value, and sums them. It
// fails on the value reject.
//
//spindle:async
func consumeBody(a *async.Awaiter, in *channel.Receiver[int], w io.Writer, m *meter, reject int, slow time.Duration) (int, error) {
	defer in.Close() // the stage's next send fails
	sum := 0
	for {
		v, err := async.TryAwait(a, in.Recv())
		if err != nil {
			return sum, nil // the stage ended
		}
		if v == reject {
			return sum, fmt.Errorf("consumer: refuses %d", v)
		}
		async.Await(a, poll.Sleep(slow))
		fmt.Fprintln(w, v)
		sum += v
		m.consumed.Add(1)
	}
}

// meter counts what the test and the summary need: how often the producer
// found the channel full, and how far ahead of the consumer it got.
type meter struct {
	waits, produced, consumed, most atomic.Int64
}

// sent counts a value the channel accepted and updates the lead. The
// consumed count is read after the produced one, so the lead is never
// overstated.
func (m *meter) sent() {
	lead := m.produced.Add(1) - m.consumed.Load()
	for {
		most := m.most.Load()
		if lead <= most || m.most.CompareAndSwap(most, lead) {
			return
		}
	}
}
