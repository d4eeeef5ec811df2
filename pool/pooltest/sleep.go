package pooltest

import (
	"errors"
	"fmt"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// TimerDriver is poll.TimerDriver, the timer interface of a driver with
// its own clock. The Sched implements it and is cx.Driver() of its tasks,
// so poll.Sleep, poll.SleepUntil, poll.Timeout and poll.Interval, as well
// as this package's SleepFuture, run on the virtual clock under pooltest.
type TimerDriver = poll.TimerDriver

var _ TimerDriver = (*Sched)(nil)

// ErrNoTimerDriver is the error of the *future.MisuseError with which a
// SleepFuture panics when it is polled by an executor whose driver is not
// a TimerDriver.
var ErrNoTimerDriver = errors.New("pooltest: SleepFuture polled without a virtual clock as cx.Driver(): " +
	"poll it in a pooltest run (pooltest.Run); outside tests use poll.Sleep on a pool made by poll.NewPool")

// SleepFuture is the future of Sleep and Clock.Sleep: a timer of the
// virtual clock, written only against TimerDriver. Unlike poll.Sleep it
// panics when the driver has no virtual clock.
//
// Its states: fresh (deadline unknown for Sleep) ──Poll──▶ armed
// ──Poll after the deadline──▶ done. Every Pending poll re-arms with the
// waker of that poll; Cancel disarms.
type SleepFuture struct {
	d      time.Duration
	when   time.Time
	hasAt  bool
	driver TimerDriver
	done   bool
}

// Sleep returns a future that completes d of virtual time after its first
// poll, which must be made by the pooltest scheduler.
func Sleep(d time.Duration) *SleepFuture { return &SleepFuture{d: d} }

// Sleep returns a future that completes once the clock has advanced by d
// from now.
func (c *Clock) Sleep(d time.Duration) *SleepFuture {
	return &SleepFuture{when: c.Now().Add(d), hasAt: true}
}

// SleepUntil returns a future that completes once the clock reads t.
func (c *Clock) SleepUntil(t time.Time) *SleepFuture {
	return &SleepFuture{when: t, hasAt: true}
}

// Deadline returns when the sleep completes, and false before the first
// poll of a Sleep, which fixes it.
func (f *SleepFuture) Deadline() (time.Time, bool) { return f.when, f.hasAt }

// Poll is Ready once the virtual clock has reached the deadline.
func (f *SleepFuture) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		future.PanicPolledAfterReady(f)
	}
	if f.driver == nil {
		td, ok := cx.Driver().(TimerDriver)
		if !ok {
			panic(&future.MisuseError{Future: fmt.Sprintf("%T", f), Err: ErrNoTimerDriver})
		}
		f.driver = td
		if !f.hasAt {
			f.when, f.hasAt = td.Now().Add(f.d), true
		}
	}
	if !f.driver.Now().Before(f.when) {
		f.done = true
		f.driver.CancelTimer(f)
		return future.Ready(struct{}{})
	}
	f.driver.ArmTimer(f, f.when, cx.Waker())
	return future.Pending[struct{}]()
}

// Cancel disarms the timer; polling again re-arms it.
func (f *SleepFuture) Cancel() {
	if f.driver != nil {
		f.driver.CancelTimer(f)
	}
}
