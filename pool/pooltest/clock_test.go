package pooltest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

func TestHourLongSleepTakesNoTime(t *testing.T) {
	start := time.Now()
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		t0 := s.Clock().Now()
		require.Equal(s, s.Clock().Start(), t0)
		pooltest.BlockOn(s, pooltest.Sleep(time.Hour))
		require.Equal(s, time.Hour, s.Clock().Elapsed())
		require.Equal(s, t0.Add(time.Hour), s.Now())
	})
	assert.Less(t, time.Since(start), 10*time.Second, "virtual time must not be waited for")
}

func TestSleepersWakeInDeadlineOrder(t *testing.T) {
	sleepersWakeInDeadlineOrder(t, func(d time.Duration) future.Future[struct{}] { return pooltest.Sleep(d) })
}

// sleepersWakeInDeadlineOrder has 1 to 8 tasks each sleep a random number
// of minutes with sleep, and checks that each wakes exactly on time and
// that they wake in deadline order.
func sleepersWakeInDeadlineOrder(t *testing.T, sleep func(time.Duration) future.Future[struct{}]) {
	pooltest.RunSeeds(t, seeds/10, func(s *pooltest.Sched) {
		n := 1 + s.Rand().IntN(8)
		var order []time.Duration
		for range n {
			d := time.Duration(1+s.Rand().IntN(5)) * time.Minute
			goTask(s, func(a *async.Awaiter) struct{} {
				yieldN(s, a, 3)
				async.Await(a, sleep(d))
				require.Equal(s, d, s.Clock().Elapsed(), "woke at the wrong time")
				order = append(order, d)
				return struct{}{}
			})
		}
		s.Wait()
		require.Len(s, order, n)
		require.IsNonDecreasing(s, order)
	})
}

// timeout is a Timeout written with Select over the virtual clock, the way
// poll.Timeout behaves under pooltest (polltimers_test.go runs the real one).
func timeout[T any](f future.Future[T], d time.Duration) future.Future[future.Either[T, struct{}]] {
	return future.Select[T, struct{}](f, pooltest.Sleep(d))
}

func TestTimeoutUnderVirtualTime(t *testing.T) {
	pooltest.RunSeeds(t, seeds/10, func(s *pooltest.Sched) {
		work := time.Duration(1+s.Rand().IntN(120)) * time.Minute
		got := pooltest.BlockOn(s, timeout(future.Map(future.Future[struct{}](pooltest.Sleep(work)),
			func(struct{}) string { return "done" }), time.Hour))
		if work <= time.Hour { // on a tie the job, polled first, wins
			require.Equal(s, 0, got.Index)
			require.Equal(s, "done", got.First)
			require.Equal(s, work, s.Clock().Elapsed())
		} else {
			require.Equal(s, 1, got.Index, "a %v job beat a one-hour timeout", work)
			require.Equal(s, time.Hour, s.Clock().Elapsed())
		}
	})
}

func TestIntervalOfSleepsDoesNotDrift(t *testing.T) {
	pooltest.Run(t, 3, func(s *pooltest.Sched) {
		c := s.Clock()
		next := c.Now()
		ticks := pooltest.BlockOn(s, async.New(func(a *async.Awaiter) int {
			n := 0
			for range 1000 {
				next = next.Add(time.Second)
				async.Await(a, future.Future[struct{}](c.SleepUntil(next)))
				n++
			}
			return n
		}))
		require.Equal(s, 1000, ticks)
		require.Equal(s, 1000*time.Second, c.Elapsed())
	})
}

// TestClockWaitsForIdle: time does not move while some task can run.
func TestClockWaitsForIdle(t *testing.T) {
	pooltest.RunSeeds(t, 50, func(s *pooltest.Sched) {
		busy := true
		goTask(s, func(a *async.Awaiter) struct{} {
			for range 50 {
				require.Zero(s, s.Clock().Elapsed(), "time moved while a task was runnable")
				async.Await(a, future.YieldNow())
			}
			busy = false
			return struct{}{}
		})
		pooltest.BlockOn(s, pooltest.Sleep(time.Second))
		require.False(s, busy)
	})
}

func TestManualClockAdvance(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		c := s.Clock()
		woke := pooltest.Spawn(s, future.Map(future.Future[struct{}](c.Sleep(time.Minute)),
			func(struct{}) time.Duration { return c.Elapsed() }))
		pooltest.BlockOn(s, async.New(func(a *async.Awaiter) struct{} {
			for range 10 {
				async.Await(a, future.YieldNow())
			}
			require.Equal(s, 1, c.Timers())
			c.Advance(30 * time.Second)
			require.False(s, woke.Done())
			c.Advance(-time.Hour) // ignored
			c.Advance(45 * time.Second)
			return struct{}{}
		}))
		s.Wait()
		v, _ := woke.Value()
		require.Equal(s, 75*time.Second, v)
	}, pooltest.ManualClock())
}

func TestManualClockDeadlocksWithoutAdvance(t *testing.T) {
	f := pooltest.Explore([]uint64{1}, func(s *pooltest.Sched) {
		pooltest.BlockOn(s, pooltest.Sleep(time.Second))
	}, pooltest.ManualClock(), pooltest.IdleTimeout(time.Millisecond))
	require.NotNil(t, f)
	assert.Contains(t, f.Error(), "deadlock: 1 tasks pending")
}

func TestCancelledSleepDoesNotWake(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		long := s.Clock().Sleep(time.Hour)
		polledLong := false
		pooltest.BlockOn(s, future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
			if !polledLong {
				polledLong = true
				require.True(s, long.Poll(cx).IsPending())
				long.Cancel()
				require.Zero(s, s.Clock().Timers())
			}
			return future.Ready(struct{}{})
		}))
		pooltest.BlockOn(s, pooltest.Sleep(time.Minute))
		require.Equal(s, time.Minute, s.Clock().Elapsed(), "the cancelled hour still counted")
		deadline, ok := long.Deadline()
		require.True(s, ok)
		require.Equal(s, s.Clock().Start().Add(time.Hour), deadline)
	})
}

func TestSleepOutsidePooltestIsMisuse(t *testing.T) {
	assert.PanicsWithError(t,
		(&future.MisuseError{Future: "*pooltest.SleepFuture", Err: pooltest.ErrNoTimerDriver}).Error(),
		func() { pooltest.Sleep(time.Second).Poll(future.NewContext(nil)) })
}

func TestSleepRearmsWithTheLatestWaker(t *testing.T) {
	// Spurious polls at every step: the sleep re-arms each time and must
	// still wake its task through the waker of the latest poll.
	pooltest.RunSeeds(t, 50, func(s *pooltest.Sched) {
		for range 3 {
			pooltest.Spawn(s, yields(20, 0, nil))
		}
		pooltest.BlockOn(s, pooltest.Sleep(time.Second))
	}, pooltest.SpuriousPolls(0.9))
}

func TestSleepUntilARealDeadline(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		deadline := time.Now().Add(time.Hour)
		pooltest.BlockOn(s, s.Clock().SleepUntil(deadline))
		require.False(s, s.Now().Before(deadline))
		require.InDelta(s, float64(time.Hour), float64(s.Clock().Elapsed()), float64(time.Second))
	})
}
