package poll

// Ticker schedule: t.when is the deadline of the next tick. A poll at or
// after it delivers the tick (its scheduled time, t.when) and moves
// t.when by next; before it, the timer is armed with the poll's waker.
// A tick polled within missedSlack of its deadline is on time and the next
// one is a period later whatever the MissedTickBehavior; a later one means
// ticks were missed and the behaviour decides (tokio's poll_tick does the
// same, with the same 5ms).

import (
	"time"

	"github.com/spindle-rt/spindle/future"
)

// MissedTickBehavior is what a Ticker does when its consumer falls behind
// and ticks are missed: the cases of tokio's time::MissedTickBehavior.
type MissedTickBehavior uint8

const (
	// TickBurst delivers the missed ticks as fast as they are polled, each
	// with its scheduled time, until the ticker has caught up; the
	// schedule keeps its grid (start + k·period). tokio's default, and the
	// Ticker's.
	TickBurst MissedTickBehavior = iota
	// TickDelay delivers one late tick and starts again from it: the next
	// tick is a period after that late poll, so ticks are never closer
	// than a period and the grid moves.
	TickDelay
	// TickSkip delivers one late tick and skips the rest: the next tick is
	// the next point on the original grid after now.
	TickSkip
)

// missedSlack is how late a tick may be polled and still count as on
// time: scheduling jitter must not move a TickDelay grid.
const missedSlack = int64(5 * time.Millisecond)

// String returns the behaviour's name.
func (b MissedTickBehavior) String() string {
	switch b {
	case TickBurst:
		return "Burst"
	case TickDelay:
		return "Delay"
	case TickSkip:
		return "Skip"
	}
	return "MissedTickBehavior(invalid)"
}

// Ticker yields ticks at a fixed period, as tokio's time::Interval: the
// first tick of Interval is due at once, then one every period; ticks of
// IntervalAt start at a given time. A tick is never delivered early. When
// the consumer falls behind, the missed ticks are handled as its
// MissedTickBehavior says (TickBurst unless changed).
//
// Under a TimerDriver (pooltest's virtual clock) the ticker runs on the
// driver's clock, and Interval's first tick is due at the first poll.
//
// PollNext is the stream-style method (future/stream can adapt it); Tick
// returns a future for the next tick. A Ticker is polled by one task.
type Ticker struct {
	t      timer
	r      *Reactor      // reactor path
	v      *virtualTimer // TimerDriver path, set at the first poll
	period int64
	missed MissedTickBehavior
	atPoll bool // Interval: on a TimerDriver, the first tick is due at the first poll
}

// Interval returns a Ticker whose first tick is due at once and the
// following ones every period after the call. It panics with a
// *future.MisuseError if period is not positive, as time.NewTicker does.
//
// For time.Ticker's schedule, the first tick one period after the call,
// use IntervalAt(time.Now().Add(period), period).
func Interval(period time.Duration) *Ticker {
	k := newTicker(nanotime(), period)
	k.atPoll = true
	return k
}

// IntervalAt returns a Ticker whose first tick is due at start and the
// following ones every period after it (tokio's interval_at). start's
// monotonic clock reading is used when it has one (times from time.Now).
// It panics with a *future.MisuseError if period is not positive.
func IntervalAt(start time.Time, period time.Duration) *Ticker {
	return newTicker(int64(start.Sub(epoch)), period)
}

func newTicker(first int64, period time.Duration) *Ticker {
	if period <= 0 {
		panic(misuse((*Ticker)(nil), errNonPositivePeriod))
	}
	return &Ticker{t: timer{when: first, idx: -1}, period: int64(period)}
}

// SetMissedTickBehavior sets what the ticker does when ticks are missed
// from now on.
func (k *Ticker) SetMissedTickBehavior(b MissedTickBehavior) { k.missed = b }

// MissedTickBehavior returns what the ticker does when ticks are missed.
func (k *Ticker) MissedTickBehavior() MissedTickBehavior { return k.missed }

// next returns the deadline after a tick due at tick and delivered at now.
func (k *Ticker) next(tick, now int64) int64 {
	if now-tick <= missedSlack {
		return tick + k.period
	}
	switch k.missed {
	case TickDelay:
		return now + k.period
	case TickSkip:
		return now + k.period - (now-tick)%k.period
	}
	return tick + k.period
}

// PollNext returns Ready with the scheduled time of the next tick once it
// has passed, and Pending (with cx.Waker() armed) before. It never ends.
//
// Cancel safety: a tick is consumed only by a poll that returns it, so
// stopping between polls (or cancelling a Tick future) loses no tick.
func (k *Ticker) PollNext(cx *future.Context) future.Poll[time.Time] {
	if k.r == nil && k.v == nil {
		if k.v = virtualOf(cx); k.v != nil {
			if k.atPoll {
				k.t.when = k.v.now()
			}
		} else {
			k.r = reactorOf(cx, k)
		}
	}
	if k.v != nil {
		return k.pollVirtual(cx)
	}
	now := nanotime()
	if now >= k.t.when {
		tick := k.t.when
		k.r.timers.cancel(&k.t)
		k.t.when = k.next(tick, now)
		return future.Ready(epochTime(tick))
	}
	if !k.r.timers.arm(&k.t, cx.Waker()) {
		panic(misuse(k, ErrReactorClosed))
	}
	return future.Pending[time.Time]()
}

func (k *Ticker) pollVirtual(cx *future.Context) future.Poll[time.Time] {
	now := k.v.now()
	if now >= k.t.when {
		tick := k.t.when
		k.v.cancel(k)
		k.t.when = k.next(tick, now)
		return future.Ready(epochTime(tick))
	}
	k.v.armed = true
	k.v.vd.ArmTimer(k, epochTime(k.t.when), cx.Waker())
	return future.Pending[time.Time]()
}

// Tick returns a future that completes at the next tick with its scheduled
// time. Cancel safety: see PollNext; cancelling it takes the ticker's
// timer off the queue (Stop), and the next poll of the ticker re-arms it.
func (k *Ticker) Tick() future.Future[time.Time] { return &tickFuture{k: k} }

// tickFuture: waiting --Ready--> done; waiting --Cancel--> cancelled.
type tickFuture struct {
	k         *Ticker
	done      bool
	cancelled bool
}

func (f *tickFuture) Poll(cx *future.Context) future.Poll[time.Time] {
	switch {
	case f.done:
		future.PanicPolledAfterReady(f.k)
	case f.cancelled:
		panic(misuse(f.k, future.ErrPolledAfterCancel))
	}
	p := f.k.PollNext(cx)
	f.done = p.IsReady()
	return p
}

// Cancel stops the ticker unless the tick came.
func (f *tickFuture) Cancel() {
	if !f.done && !f.cancelled {
		f.cancelled = true
		f.k.Stop()
	}
}

// Period returns the ticker's period.
func (k *Ticker) Period() time.Duration { return time.Duration(k.period) }

// Stop takes the ticker off the timer queue. Polling it again resumes the
// schedule; the ticks missed meanwhile are handled as for a slow consumer.
func (k *Ticker) Stop() {
	switch {
	case k.v != nil:
		k.v.cancel(k)
	case k.r != nil:
		k.r.timers.cancel(&k.t)
	}
}

// Cancel is Stop, so a Ticker is a future.Canceler.
func (k *Ticker) Cancel() { k.Stop() }
