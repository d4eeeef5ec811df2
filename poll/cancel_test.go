package poll_test

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

type nopWaker struct{}

func (nopWaker) Wake() {}

// reactorContext returns a Context whose driver is a new reactor.
func reactorContext(t *testing.T) (*future.Context, *poll.Reactor) {
	t.Helper()
	r, err := poll.NewReactor()
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	cx := future.NewContext(nopWaker{})
	cx.SetDriver(r)
	return cx, r
}

// Every poll future that waits gives its place back on Cancel: the I/O
// waiters leave their descriptor's queue, the timers leave the reactor.
// (The audit table in docs/design.md, Part 11, points here.)
func TestCancelWithdrawsIOWaiters(t *testing.T) {
	cx, r := reactorContext(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()

	acc1, acc2 := l.Accept(), l.Accept()
	require.False(t, acc1.Poll(cx).IsReady())
	require.False(t, acc2.Poll(cx).IsReady())
	require.Equal(t, 2, poll.ListenerWaiters(l))
	future.Cancel(acc1)
	require.Equal(t, 1, poll.ListenerWaiters(l), "a cancelled Accept still waits")

	peer, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer peer.Close()
	var c *poll.Conn
	for c == nil { // the connection is queued by the kernel: acc2 takes it
		r.Park(cx, time.Second) // let the reactor see the event
		if r, ok := acc2.Poll(cx).Value(); ok {
			require.NoError(t, r.Err)
			c = r.Value
		}
	}
	defer c.Close()
	require.Zero(t, poll.ListenerWaiters(l))

	read := c.Read(make([]byte, 1))
	toEnd := c.ReadToEnd()
	require.False(t, read.Poll(cx).IsReady())
	require.False(t, toEnd.Poll(cx).IsReady())
	rd, _ := poll.ConnWaiters(c)
	require.Equal(t, 2, rd)
	future.Cancel(read)
	rd, _ = poll.ConnWaiters(c)
	require.Equal(t, 1, rd, "a cancelled Read still waits")
	future.Cancel(toEnd)
	rd, _ = poll.ConnWaiters(c)
	require.Zero(t, rd, "a cancelled ReadToEnd still waits")
}

func TestCancelDisarmsTimers(t *testing.T) {
	futures := map[string]func() future.Future[struct{}]{
		"Sleep": func() future.Future[struct{}] { return poll.Sleep(time.Hour) },
		"Ticker": func() future.Future[struct{}] {
			return future.Map(tickerNext(hourTicker()), ignore[time.Time])
		},
		"Tick": func() future.Future[struct{}] { return future.Map(hourTicker().Tick(), ignore[time.Time]) },
		"Timeout": func() future.Future[struct{}] {
			return future.Map(poll.Timeout(future.Future[struct{}](poll.Sleep(time.Hour)), time.Hour), ignore[future.Result[struct{}]])
		},
	}
	for name, mk := range futures {
		t.Run(name, func(t *testing.T) {
			cx, r := reactorContext(t)
			f := mk()
			require.False(t, f.Poll(cx).IsReady())
			require.NotZero(t, r.Stats().Timers)
			future.Cancel(f)
			require.Zero(t, r.Stats().Timers)
		})
	}
}

func ignore[T any](T) struct{} { return struct{}{} }

// hourTicker ticks every hour from an hour from now, so its first poll is
// Pending (Interval's first tick is due at once).
func hourTicker() *poll.Ticker { return poll.IntervalAt(time.Now().Add(time.Hour), time.Hour) }

// tickerNext is a hand-written consumer of a Ticker that cancels it.
func tickerNext(k *poll.Ticker) future.Future[time.Time] { return tickerFuture{k} }

type tickerFuture struct{ k *poll.Ticker }

func (f tickerFuture) Poll(cx *future.Context) future.Poll[time.Time] { return f.k.PollNext(cx) }
func (f tickerFuture) Cancel()                                        { f.k.Cancel() }

func TestTickPolledAfterCancelIsMisuse(t *testing.T) {
	cx, _ := reactorContext(t)
	f := hourTicker().Tick()
	require.False(t, f.Poll(cx).IsReady())
	future.Cancel(f)
	future.Cancel(f)
	defer func() {
		var me *future.MisuseError
		require.ErrorAs(t, recover().(error), &me)
		require.ErrorIs(t, me, future.ErrPolledAfterCancel)
	}()
	f.Poll(cx)
}
