package adopted

import (
	"errors"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/internal/futuretest/testpool"
	"github.com/spindle-rt/spindle/pool"
)

// A compiled future is adopted only before its first poll, and passes the
// adoption on to each future it awaits, before that future's first poll;
// unadopted, it adopts nothing.
func TestAdoptionReachesTheAwaitedFuture(t *testing.T) {
	cx := future.NewContext(future.NoopWaker)
	for _, tc := range []struct {
		name string
		mk   func(*probe) future.Future[int]
	}{
		{"in place", func(p *probe) future.Future[int] { return Await(p) }},
		{"in its own field", func(p *probe) future.Future[int] {
			return AwaitMade(func() future.Future[int] { return p })
		}},
		{"with a defer", func(p *probe) future.Future[int] {
			return Recover(func() future.Future[int] { return p })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &probe{}
			f := tc.mk(p)
			future.Adopt(f)
			assert.False(t, f.Poll(cx).IsReady())
			assert.EqualValues(t, 1, p.adopted.Load(), "adopted before its first poll")
			future.Cancel(f)
			assert.EqualValues(t, 1, p.cancelled.Load())

			p = &probe{}
			f = tc.mk(p)
			assert.False(t, f.Poll(cx).IsReady())
			future.Adopt(f) // after the first poll: ignored
			future.Cancel(f)
			assert.Zero(t, p.adopted.Load(), "not adopted: adopts nothing")
			assert.EqualValues(t, 1, p.cancelled.Load())
		})
	}
}

// A panic in the poll of an awaited future ends the task; the pool cancels
// the adopted compiled future after it, and that Cancel reaches the future
// left in flight: an adopted future is cancelled however it is dropped.
// When a deferred call recovers the panic, the body cancels it before it
// is Ready.
func TestPanicInAnAwaitCancelsIt(t *testing.T) {
	p := testpool.New(t)
	for _, tc := range []struct {
		name string
		mk   func(*probe) future.Future[int]
	}{
		{"in place", func(p *probe) future.Future[int] { return Await(p) }},
		{"in its own field", func(p *probe) future.Future[int] {
			return AwaitMade(func() future.Future[int] { return p })
		}},
		{"coroutine", func(p *probe) future.Future[int] {
			return async.New(func(a *async.Awaiter) int { return awaitBody(a, p) })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr := &probe{panicAt: 3}
			_, err := pool.Spawn(p, tc.mk(pr)).Wait(t.Context())
			var pe *pool.PanicError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.EqualValues(t, 1, pr.adopted.Load())
			assert.EqualValues(t, 1, pr.cancelled.Load(), "the future whose poll panicked is cancelled")
		})
	}
	for _, tc := range []struct {
		name string
		mk   func(*probe) future.Future[int]
	}{
		{"compiled", func(pr *probe) future.Future[int] {
			return Recover(func() future.Future[int] { return pr })
		}},
		{"coroutine", func(pr *probe) future.Future[int] {
			return async.New(func(a *async.Awaiter) int {
				return recoverBody(a, func() future.Future[int] { return pr })
			})
		}},
	} {
		t.Run("recovered "+tc.name, func(t *testing.T) {
			pr := &probe{panicAt: 2}
			v, err := pool.Spawn(p, tc.mk(pr)).Wait(t.Context())
			require.NoError(t, err)
			assert.Equal(t, -1, v)
			assert.EqualValues(t, 1, pr.adopted.Load())
			assert.EqualValues(t, 1, pr.cancelled.Load(), "cancelled before the body is Ready")
		})
	}
}

// A compiled future that nobody adopted keeps the garbage-collector
// backstop of what it awaits: dropped without Cancel, its lock wait leaves
// the queue once collected. One adopted and dropped the same way breaks
// the promise and keeps its place, which shows that the adoption reached
// the lock wait.
func TestUnadoptedKeepsTheBackstop(t *testing.T) {
	m := tasksync.NewMutex()
	g, ok := m.TryLock()
	require.True(t, ok)
	defer g.Unlock()
	func() {
		cx := future.NewContext(future.NoopWaker)
		assert.False(t, Lock(m).Poll(cx).IsReady())
		adopted := Lock(m)
		future.Adopt(adopted)
		assert.False(t, adopted.Poll(cx).IsReady())
	}()
	require.Equal(t, 2, m.Waiters())
	futuretest.EventuallyCollected(t, func() bool { return m.Waiters() < 2 }, "the unadopted wait was never collected")
	runtime.GC()
	runtime.GC()
	assert.Equal(t, 1, m.Waiters(), "the adopted wait has no backstop")
}
