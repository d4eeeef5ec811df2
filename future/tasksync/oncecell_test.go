package tasksync_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// initGate is an initialiser's future: Pending until opened, and it
// records whether it was cancelled.
type initGate[T any] struct {
	futuretest.Gate[T]
	cancelled atomic.Bool
}

func (g *initGate[T]) Cancel() { g.cancelled.Store(true) }

func TestOnceCellSetAndGet(t *testing.T) {
	var c tasksync.OnceCell[string]
	_, ok := c.Get()
	assert.False(t, ok)
	assert.False(t, c.Initialized())
	require.NoError(t, c.Set("a"))
	v, ok := c.Get()
	assert.True(t, ok)
	assert.Equal(t, "a", v)
	assert.ErrorIs(t, c.Set("b"), tasksync.ErrCellFull)
	got, ok := poll(c.GetOrInit(func() future.Future[string] {
		t.Fatal("init called on a full cell")
		return nil
	}), future.NewContext(nil))
	assert.True(t, ok)
	assert.Equal(t, "a", got)
}

// One initialiser runs; the others wait for its value without calling
// their init; Set fails while it runs.
func TestOnceCellOneInitialiserOthersWait(t *testing.T) {
	var c tasksync.OnceCell[int]
	g := &initGate[int]{}
	calls := 0
	mk := func() future.Future[int] { calls++; return g }
	first := c.GetOrInit(mk)
	var w0, w1, w2 futuretest.CountWaker
	_, ok := poll(first, w0.Context())
	require.False(t, ok)
	waiters := []*tasksync.OnceCellFuture[int]{c.GetOrInit(mk), c.GetOrInit(mk)}
	_, ok = poll(waiters[0], w1.Context())
	require.False(t, ok)
	_, ok = poll(waiters[1], w2.Context())
	require.False(t, ok)
	assert.Equal(t, 1, calls)
	assert.ErrorIs(t, c.Set(9), tasksync.ErrCellBusy)

	g.Open(7)
	require.Equal(t, 1, w0.Count())
	v, ok := poll(first, w0.Context())
	require.True(t, ok)
	assert.Equal(t, 7, v)
	assert.Equal(t, 1, w1.Count(), "the waiters are released when the value is stored")
	assert.Equal(t, 1, w2.Count())
	for _, f := range waiters {
		v, ok := poll(f, future.NewContext(nil))
		require.True(t, ok)
		assert.Equal(t, 7, v)
	}
	assert.Equal(t, 1, calls)
	assert.False(t, g.cancelled.Load())
}

// A cancelled initialiser cancels init's future and hands over to the
// oldest waiter, which runs its own init.
func TestOnceCellCancelledInitialiserHandsOver(t *testing.T) {
	var c tasksync.OnceCell[int]
	g1, g2 := &initGate[int]{}, &initGate[int]{}
	first := c.GetOrInit(func() future.Future[int] { return g1 })
	second := c.GetOrInit(func() future.Future[int] { return g2 })
	cx, _ := futuretest.NewContext()
	_, ok := poll(first, cx)
	require.False(t, ok)
	var w futuretest.CountWaker
	_, ok = poll(second, w.Context())
	require.False(t, ok)

	first.Cancel()
	assert.True(t, g1.cancelled.Load(), "the initialiser's future is cancelled")
	assert.Equal(t, 1, w.Count(), "the oldest waiter takes over")
	futuretest.RequireMisuse(t, tasksync.ErrPolledAfterCancel, func() { first.Poll(cx) })
	_, ok = poll(second, w.Context())
	require.False(t, ok)
	assert.Equal(t, 1, g2.Polls(), "second runs its own init")
	g2.Open(2)
	v, ok := poll(second, w.Context())
	require.True(t, ok)
	assert.Equal(t, 2, v)
}

// A failed GetOrTryInit returns its error to its caller alone and hands
// over; a nil future from init and a panic in init do the same.
func TestOnceCellFailuresHandOver(t *testing.T) {
	boom := errors.New("boom")
	var c tasksync.OnceCell[int]
	cx := future.NewContext(nil)

	failing := c.GetOrTryInit(func() future.Future[future.Result[int]] { return future.Done(future.Err[int](boom)) })
	nilInit := c.GetOrInit(func() future.Future[int] { return nil })
	panicking := c.GetOrInit(func() future.Future[int] {
		return future.Func[int](func(*future.Context) future.Poll[int] { panic("init panicked") })
	})
	good := c.GetOrInit(func() future.Future[int] { return future.Done(5) })

	r, ok := poll(failing, cx)
	require.True(t, ok)
	assert.ErrorIs(t, r.Err, boom)
	assert.False(t, c.Initialized())
	futuretest.RequireMisuse(t, future.ErrNilFuture, func() { nilInit.Poll(cx) })
	assert.Equal(t, "init panicked", futuretest.Catch(func() { panicking.Poll(cx) }))
	futuretest.RequireMisuse(t, future.ErrPolledAfterPanic, func() { panicking.Poll(cx) })
	v, ok := poll(good, cx)
	require.True(t, ok, "each failure released the right to initialise")
	assert.Equal(t, 5, v)
	futuretest.RequireMisuse(t, future.ErrNilFuture, func() { c.GetOrInit(nil) })
}

// An initialiser dropped without Cancel (its task aborted) hands over once
// the collector finds it.
func TestOnceCellDroppedInitialiserIsRecovered(t *testing.T) {
	var c tasksync.OnceCell[int]
	func() {
		f := c.GetOrInit(func() future.Future[int] { return future.Never[int]() })
		_, ok := poll(f, future.NewContext(nil))
		require.False(t, ok)
	}()
	futuretest.EventuallyCollected(t, func() bool { return c.Set(1) == nil }, "a dropped initialiser kept the cell busy")
	v, _ := c.Get()
	assert.Equal(t, 1, v)
}

func TestAbandonedOnceCellWaitsLeaveNothing(t *testing.T) {
	var c tasksync.OnceCell[int]
	g := &initGate[int]{}
	running := c.GetOrInit(func() future.Future[int] { return g })
	_, ok := poll(running, future.NewContext(nil))
	require.False(t, ok)
	checkAbandonN(t, abandoned/10, func() future.Future[int] {
		return c.GetOrInit(func() future.Future[int] { return g })
	}, c.WaitersForTest)
	g.Open(3)
	v, ok := poll(running, future.NewContext(nil))
	require.True(t, ok)
	assert.Equal(t, 3, v)
}

// TestOnceCellAcrossGoroutines: many goroutines race GetOrInit; init runs
// once and everyone sees its value.
func TestOnceCellAcrossGoroutines(t *testing.T) {
	for range 100 / scale {
		var c tasksync.OnceCell[int]
		var calls atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := future.BlockOn[int](c.GetOrInit(func() future.Future[int] {
					calls.Add(1)
					return future.Map(future.YieldNow(), func(struct{}) int { return i })
				}))
				got, _ := c.Get()
				assert.Equal(t, got, v)
			}()
		}
		wg.Wait()
		assert.Equal(t, int32(1), calls.Load())
	}
}

// TestOnceCellSchedules: tasks race GetOrTryInit with initialisers that
// fail, get cancelled or succeed after yields; at most one initialiser
// succeeds, its value is the one stored and every successful caller sees
// it, and no task hangs.
func TestOnceCellSchedules(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		var c tasksync.OnceCell[int]
		boom := errors.New("boom")
		succeeded := 0
		n := 2 + s.Rand().IntN(4)
		got := make([]int, 0, n)
		for id := range n {
			fail := s.Rand().IntN(3) == 0
			abandon := s.Rand().IntN(4) == 0
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				yieldN(s, a, 3)
				f := c.GetOrTryInit(func() future.Future[future.Result[int]] {
					return async.New(func(a *async.Awaiter) future.Result[int] {
						yieldN(s, a, 3)
						if fail {
							return future.Err[int](boom)
						}
						succeeded++
						return future.Ok(id)
					})
				})
				if abandon {
					// Poll a few times, then give up (waiting or running).
					for range 1 + s.Rand().IntN(3) {
						if r, ok := f.Poll(future.NewContext(nil)).Value(); ok {
							if r.Err == nil {
								got = append(got, r.Value)
							}
							return struct{}{}
						}
						async.Await(a, future.YieldNow())
					}
					f.Cancel()
					return struct{}{}
				}
				r := async.Await(a, future.Future[future.Result[int]](f))
				if r.Err != nil {
					require.True(s, fail, "only a failing initialiser sees an error")
					return struct{}{}
				}
				got = append(got, r.Value)
				return struct{}{}
			}))
		}
		s.Wait()
		require.LessOrEqual(s, succeeded, 1, "two initialisers succeeded")
		v, ok := c.Get()
		require.Equal(s, succeeded == 1, ok)
		for _, g := range got {
			require.Equal(s, v, g)
		}
		require.Zero(s, c.WaitersForTest())
	})
}

func ExampleOnceCell() {
	var config tasksync.OnceCell[string]
	load := func() future.Future[string] {
		fmt.Println("loading") // printed once
		return future.Done("port=8080")
	}
	for range 3 {
		v := future.BlockOn[string](config.GetOrInit(load)) // in a task: async.Await
		fmt.Println(v)
	}
	// Output:
	// loading
	// port=8080
	// port=8080
	// port=8080
}
