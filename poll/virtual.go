package poll

import (
	"time"

	"github.com/spindle-rt/spindle/future"
)

// TimerDriver is implemented by drivers that keep their own clock, such
// as the deterministic test executor's virtual clock (package
// pool/pooltest, tokio's start_paused). Sleep, SleepUntil, Timeout,
// TryTimeout and Interval, when first polled under a Context whose
// Driver() is a TimerDriver, run on its clock instead of the reactor's
// timers: a Sleep's deadline is taken from Now at that first poll, and
// every readiness check reads Now, so a timer is never early on that
// clock either.
type TimerDriver interface {
	future.Driver
	// Now returns the driver's current time. It never goes back.
	Now() time.Time
	// ArmTimer arms (or re-arms, replacing deadline and waker) the timer
	// named key to wake w once Now reaches when.
	ArmTimer(key any, when time.Time, w future.Waker)
	// CancelTimer disarms the timer named key, if it is armed.
	CancelTimer(key any)
}

// virtualTimer is the side state of a timer future that runs on a
// TimerDriver's clock. It is allocated at the first poll, and only on that
// path, so the reactor path's futures stay small (a SleepFuture keeps it
// in its timer's otherwise idle waker slot, a Ticker in a field). The
// future's timer.when then holds the deadline on the driver's clock, in
// nanotime units (nanoseconds since epoch), so Deadline and tick times
// need no second representation.
type virtualTimer struct {
	vd    TimerDriver
	armed bool // ArmTimer was called since the last cancel or completion
}

// Wake lets a *virtualTimer sit in a SleepFuture's timer.waker, a slot
// that the TimerDriver path does not otherwise use (the timer is never in
// a reactor's heap there). It is never called as a waker: no heap holds
// that timer, and the driver is given the task's waker, not this.
func (*virtualTimer) Wake() { panic("poll: internal error: a virtual timer's side state was woken") }

// virtualOf returns the side state for cx's driver if it is a TimerDriver,
// and nil otherwise.
func virtualOf(cx *future.Context) *virtualTimer {
	if vd, ok := cx.Driver().(TimerDriver); ok {
		return &virtualTimer{vd: vd}
	}
	return nil
}

// now reads the driver's clock in nanotime units. Clocks that start from
// time.Now (as pooltest's does) carry a monotonic reading, so the
// subtraction is exact.
func (v *virtualTimer) now() int64 { return int64(v.vd.Now().Sub(epoch)) }

// poll is the virtual path of a one-shot timer whose deadline is when:
// Ready once the clock has reached it, else armed with cx's waker.
func (v *virtualTimer) poll(key any, when int64, cx *future.Context) bool {
	if v.now() >= when {
		v.cancel(key)
		return true
	}
	v.armed = true
	v.vd.ArmTimer(key, epochTime(when), cx.Waker())
	return false
}

// stop disarms key and reports whether it was armed and had not fired.
// It cancels before reading the clock: the clock only moves forward and
// fires a timer only once it has reached its deadline, so a clock still
// short of when after the cancel proves the timer never fired.
func (v *virtualTimer) stop(key any, when int64) bool {
	armed := v.armed
	v.cancel(key)
	return armed && v.now() < when
}

func (v *virtualTimer) cancel(key any) {
	v.armed = false
	v.vd.CancelTimer(key)
}
