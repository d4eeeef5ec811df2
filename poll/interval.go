package poll

import (
	"time"

	"github.com/spindle-rt/spindle/future"
)

// Ticker yields a tick every period, like time.Ticker: the first tick is
// one period after Interval was called. A tick is never delivered early.
// When the consumer falls behind by more than a period, the missed ticks
// are skipped (tokio's MissedTickBehavior::Skip) rather than delivered in
// a burst, so the schedule stays on the original grid.
//
// Under a TimerDriver (pooltest's virtual clock) the grid starts at the
// first poll, on the driver's clock: ticks fall at Now()+k·period.
//
// PollNext is the stream-style method (future/stream can adapt it); Tick
// returns a future for the next tick. A Ticker is polled by one task.
type Ticker struct {
	t      timer
	r      *Reactor      // reactor path
	v      *virtualTimer // TimerDriver path, set at the first poll
	period int64
}

// Interval returns a Ticker with the given period. It panics with a
// *future.MisuseError if period is not positive, as time.NewTicker does.
func Interval(period time.Duration) *Ticker {
	if period <= 0 {
		panic(misuse((*Ticker)(nil), errNonPositivePeriod))
	}
	return &Ticker{t: timer{when: nanotime() + int64(period), idx: -1}, period: int64(period)}
}

// PollNext returns Ready with the scheduled time of the next tick once it
// has passed, and Pending (with cx.Waker() armed) before. It never ends.
func (k *Ticker) PollNext(cx *future.Context) future.Poll[time.Time] {
	if k.r == nil && k.v == nil {
		if k.v = virtualOf(cx); k.v != nil {
			k.t.when = k.v.now() + k.period
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
		k.t.when = tick + k.period*(1+(now-tick)/k.period)
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
		k.t.when = tick + k.period*(1+(now-tick)/k.period)
		return future.Ready(epochTime(tick))
	}
	k.v.armed = true
	k.v.vd.ArmTimer(k, epochTime(k.t.when), cx.Waker())
	return future.Pending[time.Time]()
}

// Tick returns a future that completes at the next tick with its scheduled
// time. Cancelling it stops the ticker (see Stop), which takes its timer
// off the queue.
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
// schedule, skipping the ticks missed meanwhile.
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
