package pooltest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

// These tests run package poll's timers under the scheduler: the Sched is
// a poll.TimerDriver, so they must use the virtual clock, which only moves
// when every task is idle (or on Advance).

var _ poll.TimerDriver = (*pooltest.Sched)(nil)

func TestPollSleepHourTakesNoTime(t *testing.T) {
	start := time.Now()
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		t0 := s.Now()
		sl := poll.Sleep(time.Hour)
		pooltest.BlockOn(s, future.Future[struct{}](sl))
		require.Equal(s, time.Hour, s.Clock().Elapsed())
		require.Equal(s, t0.Add(time.Hour), s.Now())
		require.True(s, sl.Deadline().Equal(t0.Add(time.Hour)), "deadline %v, want %v", sl.Deadline(), t0.Add(time.Hour))
		require.Zero(s, s.Clock().Timers())
	})
	// An hour of real sleeping would blow any bound; this one only keeps
	// the test from passing if the sleep waited on the real clock.
	assert.Less(t, time.Since(start), 5*time.Second, "virtual time must not be waited for")
}

func TestPollSleepUntilOnVirtualClock(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		at := s.Now().Add(90 * time.Minute)
		pooltest.BlockOn(s, future.Future[struct{}](poll.SleepUntil(at)))
		require.Equal(s, 90*time.Minute, s.Clock().Elapsed())
		// A deadline already reached on the virtual clock is Ready at once.
		pooltest.BlockOn(s, future.Future[struct{}](poll.SleepUntil(at.Add(-time.Minute))))
		require.Equal(s, 90*time.Minute, s.Clock().Elapsed())
	})
}

// never is a future that is never Ready and records whether it was
// cancelled, so Timeout's release of the loser can be checked.
type never struct{ cancelled bool }

func (n *never) Poll(*future.Context) future.Poll[int] { return future.Pending[int]() }
func (n *never) Cancel()                               { n.cancelled = true }

func TestPollTimeoutOfNeverReadyFuture(t *testing.T) {
	start := time.Now()
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		f := &never{}
		_, err := pooltest.BlockOn(s, future.Future[future.Result[int]](poll.Timeout[int](f, time.Hour))).Get()
		require.ErrorIs(s, err, poll.ErrTimeout)
		require.Equal(s, time.Hour, s.Clock().Elapsed())
		require.True(s, f.cancelled, "the losing future was not cancelled")

		_, err = pooltest.BlockOn(s, poll.TryTimeout(future.Future[future.Result[int]](
			future.Map(future.Future[int](&never{}), future.Ok[int])), time.Minute)).Get()
		require.ErrorIs(s, err, poll.ErrTimeout)
		require.Equal(s, time.Hour+time.Minute, s.Clock().Elapsed())
	})
	assert.Less(t, time.Since(start), 5*time.Second, "virtual time must not be waited for")
}

func TestPollTimeoutRacesOnVirtualClock(t *testing.T) {
	pooltest.RunSeeds(t, seeds/10, func(s *pooltest.Sched) {
		work := time.Duration(1+s.Rand().IntN(120)) * time.Minute
		job := future.Map(future.Future[struct{}](poll.Sleep(work)), func(struct{}) string { return "done" })
		v, err := pooltest.BlockOn(s, future.Future[future.Result[string]](poll.Timeout(job, time.Hour))).Get()
		if work <= time.Hour { // on a tie f, polled first, wins
			require.NoError(s, err)
			require.Equal(s, "done", v)
			require.Equal(s, work, s.Clock().Elapsed())
		} else {
			require.ErrorIs(s, err, poll.ErrTimeout, "a %v job beat a one-hour timeout", work)
			require.Equal(s, time.Hour, s.Clock().Elapsed())
		}
		// Whoever lost was taken off the clock: nothing is left armed.
		require.Zero(s, s.Clock().Timers())
	})
}

func TestPollIntervalTicksOnVirtualGrid(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		c := s.Clock()
		t0 := c.Now()
		k := poll.Interval(time.Second)
		pooltest.BlockOn(s, async.New(func(a *async.Awaiter) struct{} {
			// The first tick is due at the first poll, the rest a
			// second apart.
			for i := range 100 {
				tick := async.Await(a, k.Tick())
				require.True(s, tick.Equal(t0.Add(time.Duration(i)*time.Second)), "tick %d at %v", i, tick.Sub(t0))
				require.Equal(s, time.Duration(i)*time.Second, c.Elapsed())
			}
			return struct{}{}
		}))
		k.Stop()
		require.Zero(s, c.Timers())
	})
}

func TestPollSleepersWakeInDeadlineOrder(t *testing.T) {
	sleepersWakeInDeadlineOrder(t, func(d time.Duration) future.Future[struct{}] { return poll.Sleep(d) })
}

// pollOnce polls f once inside the run and returns whether it was Ready.
func pollOnce(s *pooltest.Sched, f future.Future[struct{}]) bool {
	return pooltest.BlockOn(s, future.Func[bool](func(cx *future.Context) future.Poll[bool] {
		return future.Ready(f.Poll(cx).IsReady())
	}))
}

func TestPollSleepCancelLeavesTheClock(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		c := s.Clock()
		long := poll.Sleep(time.Hour)
		require.False(s, pollOnce(s, long))
		require.Equal(s, 1, c.Timers())
		require.True(s, long.Stop(), "an armed sleep was not stopped")
		require.Zero(s, c.Timers())
		require.False(s, long.Stop(), "a stopped sleep stopped again")

		// The clock jumps to the next live deadline, not the cancelled one.
		pooltest.BlockOn(s, future.Future[struct{}](poll.Sleep(time.Minute)))
		require.Equal(s, time.Minute, c.Elapsed())

		// Polled again, the cancelled sleep keeps its deadline, never early.
		short := poll.Sleep(time.Second)
		require.False(s, pollOnce(s, short))
		short.Cancel()
		require.Zero(s, c.Timers())
		pooltest.BlockOn(s, future.Future[struct{}](long))
		require.Equal(s, time.Hour, c.Elapsed())
		require.False(s, long.Stop(), "a completed sleep reported a stop")
	})
}

func TestPollSleepNeverEarlyWithManualClock(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		c := s.Clock()
		sl := poll.Sleep(time.Minute)
		woke := pooltest.Spawn(s, future.Map(future.Future[struct{}](sl),
			func(struct{}) time.Duration { return c.Elapsed() }))
		pooltest.BlockOn(s, async.New(func(a *async.Awaiter) struct{} {
			for range 10 {
				async.Await(a, future.YieldNow())
			}
			c.Advance(time.Minute - time.Nanosecond)
			for range 10 {
				async.Await(a, future.YieldNow())
			}
			require.False(s, woke.Done(), "woke a nanosecond early")
			c.Advance(time.Nanosecond)
			return struct{}{}
		}))
		s.Wait()
		v, _ := woke.Value()
		require.Equal(s, time.Minute, v)
	}, pooltest.ManualClock())
}
