package main

// The faults TestSoak injects, each a loop run by one goroutine until the
// round's stop channel closes. Every loop draws its timings from its own
// seeded generator, so a seed replays the same plan of faults (the
// interleaving with the server is up to the OS scheduler).
//
//	resetLoop  connects and closes at once with SO_LINGER 0 (an RST),
//	           before reading: the value the server may have handed the
//	           connection is lost, which the round's accounting allows.
//	holdLoop   connects a batch of connections, reads none of them for a
//	           while, then reads every one: nothing may be lost.
//	abortLoop  spawns a one-transaction task on the client pool and aborts
//	           it after a random delay (JoinHandle.Abort): either the task
//	           finished first and its value counts, or it was cut and its
//	           value, if the server handed one out, is allowed to be lost.

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/examples/countserver/count"
	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// faultCounts is what the fault loops of one round did.
type faultCounts struct {
	resets     atomic.Int64 // connections reset before reading
	held       atomic.Int64 // held connections read in the end
	heldLost   atomic.Int64 // held connections whose read failed
	aborted    atomic.Int64 // transaction tasks cut by Abort after their connect began
	abortEarly atomic.Int64 // tasks aborted before they began to connect: no value at stake
	abortLate  atomic.Int64 // aborts that came after the task completed
	abortFails atomic.Int64 // tasks that completed with an error before the abort
	dialFails  atomic.Int64 // connects refused or failed (after the stop, normally)
}

// valueSink collects values read by the fault loops.
type valueSink struct {
	mu sync.Mutex
	v  []uint64
}

func (s *valueSink) add(v uint64) {
	s.mu.Lock()
	s.v = append(s.v, v)
	s.mu.Unlock()
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// pause sleeps a random time below up, or until stop closes.
func pause(rng *rand.Rand, up time.Duration, stop <-chan struct{}) {
	if up <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(rng.Int64N(int64(up))))
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	}
}

// faultDial connects with a bound, so that no fault loop hangs on a
// listener that stopped accepting.
func faultDial(addr string) (*net.TCPConn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

func resetLoop(addr string, rng *rand.Rand, gap time.Duration, stop <-chan struct{}, fc *faultCounts) {
	for !stopped(stop) {
		c, err := faultDial(addr)
		if err != nil {
			fc.dialFails.Add(1)
		} else {
			_ = c.SetLinger(0)
			_ = c.Close()
			fc.resets.Add(1)
		}
		pause(rng, gap, stop)
	}
}

func holdLoop(addr string, rng *rand.Rand, batch int, hold time.Duration, stop <-chan struct{}, fc *faultCounts, out *valueSink) {
	for !stopped(stop) {
		var conns []*net.TCPConn
		for range 1 + rng.IntN(batch) {
			c, err := faultDial(addr)
			if err != nil {
				fc.dialFails.Add(1)
				continue
			}
			conns = append(conns, c)
		}
		// Hold even past the stop: the server must have answered every
		// connection it accepted before it returned from Serve.
		time.Sleep(time.Duration(rng.Int64N(int64(hold))))
		for _, c := range conns {
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			b, err := io.ReadAll(io.LimitReader(c, count.MaxReply+1))
			_ = c.Close()
			var v uint64
			if err == nil {
				v, err = count.ParseReply(b)
			}
			if err != nil {
				fc.heldLost.Add(1) // never accepted (reset by the listener's close), or a bug: the accounting tells
				continue
			}
			fc.held.Add(1)
			out.add(v)
		}
	}
}

func abortLoop(p *pool.Pool, addr string, rng *rand.Rand, delay time.Duration, stop <-chan struct{}, fc *faultCounts, out *valueSink) error {
	for !stopped(stop) {
		tx := &txFuture{addr: addr}
		h := pool.Spawn(p, future.Future[future.Result[uint64]](tx))
		switch d := time.Duration(rng.Int64N(int64(delay))); {
		case rng.IntN(4) == 0:
			// abort at once, maybe before the first poll
		case d < 50*time.Microsecond:
			for t0 := time.Now(); time.Since(t0) < d; {
			}
		default:
			time.Sleep(d)
		}
		h.Abort()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r, err := h.Wait(ctx)
		cancel()
		switch {
		case errors.Is(err, pool.ErrAborted) && tx.started.Load():
			fc.aborted.Add(1)
		case errors.Is(err, pool.ErrAborted):
			fc.abortEarly.Add(1)
		case err != nil:
			return err // a hung abort (deadline) or a panic: a bug
		case r.Err != nil:
			fc.abortFails.Add(1)
		default:
			fc.abortLate.Add(1)
			out.add(r.Value)
		}
		pause(rng, delay, stop)
	}
	return nil
}

// txFuture is one count transaction as a spindle future: connect, read
// to the end, parse. Its Cancel releases the socket at once, as every
// future holding a resource must when it is dropped (here: by Abort).
type txFuture struct {
	addr string
	// started is set before the connect is issued: from then on the
	// server may hand the transaction a value. Atomic because the
	// aborting goroutine reads it.
	started atomic.Bool
	dial    *poll.DialFuture
	c       *poll.Conn
	rd      future.Future[future.Result[[]byte]]
	done    bool
}

func (f *txFuture) Poll(cx *future.Context) future.Poll[future.Result[uint64]] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.c == nil {
		if f.dial == nil {
			f.started.Store(true)
			f.dial = poll.Dial("tcp", f.addr)
		}
		r, ok := f.dial.Poll(cx).Value()
		if !ok {
			return future.Pending[future.Result[uint64]]()
		}
		f.dial = nil
		c, err := r.Get()
		if err != nil {
			return f.finish(err, 0)
		}
		f.c = c
		f.rd = c.ReadToEnd()
	}
	r, ok := f.rd.Poll(cx).Value()
	if !ok {
		return future.Pending[future.Result[uint64]]()
	}
	f.c.Close()
	f.c, f.rd = nil, nil
	b, err := r.Get()
	if err != nil {
		return f.finish(err, 0)
	}
	v, err := count.ParseReply(b)
	return f.finish(err, v)
}

func (f *txFuture) finish(err error, v uint64) future.Poll[future.Result[uint64]] {
	f.done = true
	return future.Ready(future.Result[uint64]{Value: v, Err: err})
}

// Cancel implements future.Canceler.
func (f *txFuture) Cancel() {
	if f.dial != nil {
		f.dial.Cancel()
		f.dial = nil
	}
	if f.c != nil {
		future.Cancel(f.rd)
		f.c.Close()
		f.c, f.rd = nil, nil
	}
	f.done = true
}
