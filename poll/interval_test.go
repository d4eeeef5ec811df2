package poll_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

const tickPeriod = 5 * time.Millisecond

// The first tick is due when Interval is called; the following ones are a
// period apart on the grid, never early.
func TestIntervalFirstTickAtOnceThenOnItsGrid(t *testing.T) {
	r := withReactor(t)
	before := time.Now()
	k := poll.Interval(tickPeriod)
	after := time.Now()
	first := block(r, k.Tick())
	assert.False(t, first.Before(before), "the first tick is due at the call")
	assert.False(t, first.After(after), "the first tick is due at the call, not a period later")
	prev := first
	for range 3 {
		tick := block(r, k.Tick())
		assert.False(t, time.Now().Before(tick), "tick delivered before its time")
		assert.Equal(t, tickPeriod, tick.Sub(prev), "TickBurst keeps the grid")
		prev = tick
	}
	k.Stop()
	assert.Zero(t, r.Stats().Timers)
}

func TestIntervalAtStartsAtStart(t *testing.T) {
	r := withReactor(t)
	start := time.Now().Add(2 * tickPeriod)
	k := poll.IntervalAt(start, tickPeriod)
	tick := block(r, k.Tick())
	assert.True(t, tick.Equal(start))
	assert.False(t, time.Now().Before(start), "never early")
	assert.Equal(t, tickPeriod, block(r, k.Tick()).Sub(start))
	k.Stop()
	intervalPanicsOnNonPositivePeriod(t)
}

func intervalPanicsOnNonPositivePeriod(t *testing.T) {
	assert.Panics(t, func() { poll.Interval(0) })
	assert.Panics(t, func() { poll.IntervalAt(time.Now(), -time.Second) })
}

// lateTicks lets a ticker with behaviour b fall four periods behind and
// returns the scheduled time of the late tick, of the one after it, and
// the time the consumer came back.
func lateTicks(t *testing.T, b poll.MissedTickBehavior) (late, next, back time.Time) {
	r := withReactor(t)
	k := poll.Interval(tickPeriod)
	k.SetMissedTickBehavior(b)
	require.Equal(t, b, k.MissedTickBehavior())
	block(r, k.Tick())
	time.Sleep(4 * tickPeriod)
	back = time.Now()
	late = block(r, k.Tick())
	next = block(r, k.Tick())
	k.Stop()
	return late, next, back
}

func TestIntervalMissedTickBehaviors(t *testing.T) {
	t.Run("Burst", func(t *testing.T) {
		late, next, back := lateTicks(t, poll.TickBurst)
		assert.Equal(t, tickPeriod, next.Sub(late), "the missed ticks come one by one on the grid")
		assert.True(t, next.Before(back), "a missed tick is delivered at once")
	})
	t.Run("Skip", func(t *testing.T) {
		late, next, back := lateTicks(t, poll.TickSkip)
		assert.True(t, next.After(back), "the missed ticks were skipped")
		assert.Zero(t, next.Sub(late)%tickPeriod, "the schedule keeps its grid")
	})
	t.Run("Delay", func(t *testing.T) {
		_, next, back := lateTicks(t, poll.TickDelay)
		assert.False(t, next.Before(back.Add(tickPeriod)), "the next tick is a period after the late one was taken")
	})
	assert.Equal(t, "Skip", poll.TickSkip.String())
}

// After falling 3.5 periods behind, each MissedTickBehavior gives the
// late tick at once, then tokio's next tick: the missed ones in a burst,
// the next one a period after the late poll, or the next on the grid.
func TestIntervalMissedTicksOnVirtualClock(t *testing.T) {
	for _, tc := range []struct {
		b    poll.MissedTickBehavior
		next []time.Duration // scheduled times of the ticks after the late one
		at   time.Duration   // clock when the last of them was delivered
	}{
		{poll.TickBurst, []time.Duration{2 * time.Second, 3 * time.Second, 4 * time.Second}, 4 * time.Second},
		{poll.TickDelay, []time.Duration{4500 * time.Millisecond, 5500 * time.Millisecond}, 5500 * time.Millisecond},
		{poll.TickSkip, []time.Duration{4 * time.Second, 5 * time.Second}, 5 * time.Second},
	} {
		t.Run(tc.b.String(), func(t *testing.T) {
			pooltest.Run(t, 1, func(s *pooltest.Sched) {
				c := s.Clock()
				t0 := c.Now()
				k := poll.Interval(time.Second)
				k.SetMissedTickBehavior(tc.b)
				pooltest.BlockOn(s, async.New(func(a *async.Awaiter) struct{} {
					require.True(s, async.Await(a, k.Tick()).Equal(t0))
					c.Advance(3500 * time.Millisecond)
					late := async.Await(a, k.Tick())
					require.Equal(s, time.Second, late.Sub(t0), "the late tick comes at once")
					for _, want := range tc.next {
						require.Equal(s, want, async.Await(a, k.Tick()).Sub(t0))
					}
					require.Equal(s, tc.at, c.Elapsed())
					return struct{}{}
				}))
				k.Stop()
			})
		})
	}
}

// A tick taken at most 5ms late is on time: TickDelay keeps its grid
// through scheduling jitter, as in tokio; one taken later moves it.
func TestIntervalDelayToleratesJitter(t *testing.T) {
	pooltest.Run(t, 1, func(s *pooltest.Sched) {
		c := s.Clock()
		t0 := c.Now()
		k := poll.Interval(time.Second)
		k.SetMissedTickBehavior(poll.TickDelay)
		pooltest.BlockOn(s, async.New(func(a *async.Awaiter) struct{} {
			async.Await(a, k.Tick())
			c.Advance(time.Second + 5*time.Millisecond) // 5ms late: on time
			require.Equal(s, time.Second, async.Await(a, k.Tick()).Sub(t0))
			require.Equal(s, 2*time.Second, async.Await(a, k.Tick()).Sub(t0), "the grid did not move")
			c.Advance(time.Second + 6*time.Millisecond) // 6ms late: missed
			require.Equal(s, 3*time.Second, async.Await(a, k.Tick()).Sub(t0))
			require.Equal(s, 4006*time.Millisecond, async.Await(a, k.Tick()).Sub(t0), "a period after the late tick")
			return struct{}{}
		}))
		k.Stop()
	})
}

func ExampleInterval_missedTicks() {
	k := poll.Interval(time.Millisecond)
	k.SetMissedTickBehavior(poll.TickSkip) // the default is tokio's, TickBurst
	var ticks []time.Time
	poll.BlockOn[struct{}](future.Func[struct{}](func(cx *future.Context) future.Poll[struct{}] {
		for len(ticks) < 3 {
			tick, ok := k.PollNext(cx).Value()
			if !ok {
				return future.Pending[struct{}]()
			}
			ticks = append(ticks, tick)
		}
		k.Stop()
		return future.Ready(struct{}{})
	}))
	// Scheduled times stay on the grid of the first tick, which is due at
	// once.
	for _, tick := range ticks[1:] {
		fmt.Println(tick.Sub(ticks[0])%time.Millisecond == 0)
	}
	// Output:
	// true
	// true
}
