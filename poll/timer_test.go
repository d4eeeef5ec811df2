package poll_test

import (
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

func TestSleepIsNeverEarly(t *testing.T) {
	r := withReactor(t)
	for _, d := range []time.Duration{0, time.Microsecond, 3 * time.Millisecond, 25 * time.Millisecond} {
		start := time.Now()
		block[struct{}](r, poll.Sleep(d))
		assert.GreaterOrEqual(t, time.Since(start), d)
	}
}

func TestSleepUntilInThePastIsReadyAtOnce(t *testing.T) {
	r := withReactor(t)
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	s := poll.SleepUntil(time.Now().Add(-time.Hour))
	assert.True(t, s.Poll(cx).IsReady())
	assert.Zero(t, r.Stats().Timers)
	assert.PanicsWithError(t, "spindle: *poll.SleepFuture: future polled after it returned Ready", func() { s.Poll(cx) })
}

func TestTimersFireInDeadlineOrderNeverEarly(t *testing.T) {
	r := withReactor(t)
	e := newExec(r)
	const n = 300
	var mu sync.Mutex
	var order []time.Time
	for range n {
		s := poll.Sleep(time.Duration(rand.IntN(40_000)) * time.Microsecond)
		waited := false
		e.spawn(fn(func(cx *future.Context) bool {
			if s.Poll(cx).IsPending() {
				waited = true
				return false
			}
			if !waited {
				return true // due before its first poll: not the reactor's doing
			}
			now := time.Now()
			assert.False(t, now.Before(s.Deadline()), "fired before its deadline")
			mu.Lock()
			order = append(order, s.Deadline())
			mu.Unlock()
			return true
		}))
	}
	e.run()
	require.Greater(t, len(order), n/2, "most sleeps were woken by the reactor")
	assert.True(t, sort.SliceIsSorted(order, func(i, j int) bool { return order[i].Before(order[j]) }),
		"timers completed out of deadline order")
	assert.Zero(t, r.Stats().Timers)
}

func TestEarlierTimerFromAnotherGoroutineUnparksTheWaiter(t *testing.T) {
	r := withReactor(t)
	wakers := make(chan future.Waker, 1)
	var s *poll.SleepFuture
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		first := true
		block[struct{}](r, future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
			if first {
				first = false
				wakers <- cx.Waker()
				return future.Pending[struct{}]()
			}
			mu.Lock()
			defer mu.Unlock()
			if s != nil && !time.Now().Before(s.Deadline()) {
				return future.Ready(struct{}{})
			}
			return future.Pending[struct{}]()
		}))
	}()
	w := <-wakers
	time.Sleep(5 * time.Millisecond) // let the goroutine park with no deadline at all
	cx := future.NewContext(w)
	cx.SetDriver(r)
	mu.Lock()
	s = poll.Sleep(10 * time.Millisecond)
	require.True(t, s.Poll(cx).IsPending())
	mu.Unlock()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a timer armed from another goroutine did not end the wait")
	}
}

func TestTimeout(t *testing.T) {
	r := withReactor(t)
	v, err := block(r, poll.Timeout[int](future.Func[int](func(*future.Context) future.Poll[int] {
		return future.Ready(5)
	}), time.Nanosecond)).Get()
	require.NoError(t, err, "a future ready at its first poll never times out")
	assert.Equal(t, 5, v)

	start := time.Now()
	never := future.Func[int](func(*future.Context) future.Poll[int] { return future.Pending[int]() })
	_, err = block(r, poll.Timeout[int](never, 15*time.Millisecond)).Get()
	assert.ErrorIs(t, err, poll.ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(start), 15*time.Millisecond)
	var te interface{ Timeout() bool }
	require.ErrorAs(t, err, &te)
	assert.True(t, te.Timeout())

	_, err = block(r, poll.Timeout[struct{}](poll.Sleep(time.Millisecond), time.Hour)).Get()
	require.NoError(t, err)
	assert.Zero(t, r.Stats().Timers, "the losing timer was cancelled")
}

func TestTryTimeoutFlattens(t *testing.T) {
	r := withReactor(t)
	v, err := block(r, poll.TryTimeout[int](future.Func[future.Result[int]](func(*future.Context) future.Poll[future.Result[int]] {
		return future.Ready(future.Ok(9))
	}), time.Second)).Get()
	require.NoError(t, err)
	assert.Equal(t, 9, v)
}

func TestSleepWithoutReactorIsMisuse(t *testing.T) {
	defer func() {
		me, ok := recover().(*future.MisuseError)
		require.True(t, ok)
		assert.ErrorIs(t, me, poll.ErrNoReactor)
	}()
	future.BlockOn[struct{}](poll.Sleep(time.Hour))
}

func TestCloseWakesPendingSleepWithMisuse(t *testing.T) {
	r, err := poll.NewReactor()
	require.NoError(t, err)
	got := make(chan any, 1)
	go func() {
		defer func() { got <- recover() }()
		block[struct{}](r, poll.Sleep(time.Hour))
	}()
	require.Eventually(t, func() bool { return r.Stats().Timers == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, r.Close())
	select {
	case v := <-got:
		me, ok := v.(*future.MisuseError)
		require.True(t, ok, "%T %v", v, v)
		assert.ErrorIs(t, me, poll.ErrReactorClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("a sleep on a closed reactor hung")
	}
}

// TestMillionTimersCreatedAndCancelledFreeTheirMemory is the cancellation
// story's proof: cancelled timers leave neither heap entries nor memory.
func TestMillionTimersCreatedAndCancelledFreeTheirMemory(t *testing.T) {
	r := withReactor(t)
	cx := future.NewContext(nil)
	cx.SetDriver(r)
	before := heapAlloc()

	sleeps := make([]*poll.SleepFuture, manyTimers)
	for i := range sleeps {
		sleeps[i] = poll.Sleep(time.Hour + time.Duration(i))
		require.True(t, sleeps[i].Poll(cx).IsPending())
	}
	require.Equal(t, manyTimers, r.Stats().Timers)
	armed := heapAlloc()
	for i, s := range sleeps {
		s.Cancel()
		sleeps[i] = nil
	}
	sleeps = nil
	require.Zero(t, r.Stats().Timers)

	// Timeouts whose future wins cancel their own timer.
	for range manyTimers {
		f := poll.Timeout[int](future.Func[int](func(*future.Context) future.Poll[int] { return future.Ready(1) }), time.Hour)
		require.True(t, f.Poll(cx).IsReady())
	}
	// ... and ones that lose a race once and then win.
	for i := range manyTimers / 10 {
		first := true
		f := poll.Timeout[int](future.Func[int](func(*future.Context) future.Poll[int] {
			if first {
				first = false
				return future.Pending[int]()
			}
			return future.Ready(i)
		}), time.Hour)
		require.True(t, f.Poll(cx).IsPending())
		require.True(t, f.Poll(cx).IsReady())
	}
	require.Zero(t, r.Stats().Timers)
	after := heapAlloc()
	t.Logf("heap: before %d KiB, with %d timers armed %d KiB, after cancel %d KiB", before>>10, manyTimers, armed>>10, after>>10)
	assert.Greater(t, armed, before+uint64(manyTimers)*40, "the armed timers were measured")
	assert.Less(t, after, before+1<<20, "cancelled timers left memory behind")
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
