package poll

import (
	"math"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// SleepFuture is the future of Sleep and SleepUntil: it completes once its
// deadline has passed, never before. Its first Poll arms a timer in the
// reactor found through the Context; Cancel disarms it. Under a driver
// with its own clock (a TimerDriver, such as pooltest's virtual clock) it
// runs on that clock instead: Sleep's deadline is then d after the first
// poll on that clock.
//
// Cancel safety: a SleepFuture holds nothing but its timer; cancelling it
// (its Cancel) takes the timer off the reactor's heap at once; dropped
// without Cancel, it stays in the heap until its deadline, then wakes the
// task once, harmlessly.
//
// A SleepFuture is 48 bytes and the heap holds one pointer to it while it
// is armed; nothing else is allocated per sleep on the reactor path.
//
// To stay at 48 bytes two slots do double duty. rel is Sleep's duration
// until the first poll has fixed the deadline on the right clock, relNone
// once the deadline in t.when is final (from the start for SleepUntil),
// relDone once the future has completed. And on the TimerDriver path the
// timer is never queued in a reactor's heap, so its waker slot, otherwise
// unused there, holds the *virtualTimer side state (see virtual).
type SleepFuture struct {
	t   timer
	r   *Reactor // reactor path, set at the first Pending poll
	rel int64
}

const (
	relNone = math.MinInt64
	relDone = math.MinInt64 + 1
)

// Sleep returns a future that completes d after the call: as with tokio's
// sleep, the deadline is fixed when Sleep is called, not at the first poll,
// so a future created early and polled late is not late twice. A
// non-positive d completes at the first poll.
// Under a TimerDriver the deadline is d after the first poll, on the
// driver's clock.
func Sleep(d time.Duration) *SleepFuture {
	s := newSleep(d)
	return &s
}

func newSleep(d time.Duration) SleepFuture {
	return SleepFuture{t: timer{when: nanotime() + int64(d), idx: -1}, rel: max(int64(d), relDone+1)}
}

// SleepUntil returns a future that completes once t has passed. t's
// monotonic clock reading is used when it has one (times from time.Now).
func SleepUntil(t time.Time) *SleepFuture {
	return &SleepFuture{t: timer{when: int64(t.Sub(epoch)), idx: -1}, rel: relNone}
}

// Deadline returns when the sleep completes. Under a TimerDriver, a
// Sleep's deadline is fixed by its first poll.
func (s *SleepFuture) Deadline() time.Time { return epochTime(s.t.when) }

// Poll completes once the deadline has passed; until then it leaves
// cx.Waker() with the reactor's timer (or the TimerDriver's). It panics
// with a *future.MisuseError when polled after completion, without a
// reactor, or on a closed reactor (the sleep could otherwise never end).
func (s *SleepFuture) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.rel == relDone {
		future.PanicPolledAfterReady(s)
	}
	if s.r == nil {
		if v := s.virtual(cx); v != nil {
			if v.poll(s, s.t.when, cx) {
				s.rel = relDone
				return future.Ready(struct{}{})
			}
			return future.Pending[struct{}]()
		}
	}
	if nanotime() >= s.t.when {
		s.rel = relDone
		if s.r != nil {
			// Under the heap's lock: the goroutine in Park may be
			// expiring this very timer right now.
			s.r.timers.cancel(&s.t)
		}
		return future.Ready(struct{}{})
	}
	if s.r == nil {
		s.r = reactorOf(cx, s)
	}
	if !s.r.timers.arm(&s.t, cx.Waker()) {
		panic(misuse(s, ErrReactorClosed))
	}
	return future.Pending[struct{}]()
}

// virtual returns the sleep's TimerDriver side state, or nil on the
// reactor path. Called only while s.r is nil, when t.waker is either nil
// (never armed) or the side state. With cx non-nil, a first poll under a
// TimerDriver takes the side state and fixes Sleep's deadline on its clock.
func (s *SleepFuture) virtual(cx *future.Context) *virtualTimer {
	if v, ok := s.t.waker.(*virtualTimer); ok || cx == nil {
		return v
	}
	v := virtualOf(cx)
	if v == nil {
		return nil
	}
	s.t.waker = v
	if s.rel != relNone {
		s.t.when = v.now() + s.rel
		s.rel = relNone
	}
	return v
}

// Cancel takes the sleep off the reactor's timer queue (or the
// TimerDriver's) at once and drops the waker it holds. Call it when
// abandoning a sleep that has long to go, so its memory is freed now
// rather than at its deadline. Polling it again re-arms it with the same
// deadline.
func (s *SleepFuture) Cancel() {
	if s.r != nil {
		s.r.timers.cancel(&s.t)
	} else if v := s.virtual(nil); v != nil {
		v.cancel(s)
	}
}

// Stop is Cancel reporting, like time.Timer.Stop, whether it took the
// sleep off the queue before it fired: true means its waker will not be
// called; false means it was not armed or has fired already (its waker
// may still be being called by the goroutine in Park).
func (s *SleepFuture) Stop() bool {
	if s.r != nil {
		return s.r.timers.cancel(&s.t)
	}
	if v := s.virtual(nil); v != nil {
		return v.stop(s, s.t.when)
	}
	return false
}

// TimeoutFuture is the future of Timeout.
//
// Cancel safety: as cancel-safe as the future it wraps. Cancelling it
// cancels its timer and the inner future (if that is a
// [future.Canceler]); whatever the inner future loses when cancelled, the
// TimeoutFuture loses, and so does a timeout that fires.
type TimeoutFuture[T any] struct {
	f     future.Future[T]
	sleep SleepFuture
	done  bool
}

// Timeout runs f with a deadline d from now: it completes with Ok(v) if f
// completes first and with Err(ErrTimeout) otherwise. Either way the loser
// is released: the timer is cancelled when f wins, and f is cancelled (if
// it is a future.Canceler) when the deadline wins. f is polled before the clock is
// read, so a future that is ready at once never times out. Under a
// TimerDriver the deadline is d after the first poll, on its clock.
func Timeout[T any](f future.Future[T], d time.Duration) *TimeoutFuture[T] {
	return &TimeoutFuture[T]{f: f, sleep: newSleep(d)}
}

// Poll polls the inner future, then the deadline.
func (t *TimeoutFuture[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	if t.done {
		future.PanicPolledAfterReady(t)
	}
	if v, ok := t.f.Poll(cx).Value(); ok {
		t.done = true
		t.sleep.Cancel()
		return future.Ready(future.Ok(v))
	}
	if t.sleep.Poll(cx).IsReady() {
		t.done = true
		future.Cancel(t.f)
		return future.Ready(future.Err[T](ErrTimeout))
	}
	return future.Pending[future.Result[T]]()
}

// Cancel cancels both the timer and the inner future.
func (t *TimeoutFuture[T]) Cancel() {
	t.sleep.Cancel()
	future.Cancel(t.f)
}

// TryTimeout is Timeout for a fallible future: the result is f's own
// Result, or Err(ErrTimeout), with no nesting. Like Timeout it is a
// Canceler.
func TryTimeout[T any](f future.Future[future.Result[T]], d time.Duration) future.Future[future.Result[T]] {
	return &tryTimeout[T]{inner: Timeout(f, d)}
}

type tryTimeout[T any] struct {
	inner *TimeoutFuture[future.Result[T]]
}

func (t *tryTimeout[T]) Poll(cx *future.Context) future.Poll[future.Result[T]] {
	r, ok := t.inner.Poll(cx).Value()
	if !ok {
		return future.Pending[future.Result[T]]()
	}
	if r.Err != nil {
		return future.Ready(future.Err[T](r.Err))
	}
	return future.Ready(r.Value)
}

func (t *tryTimeout[T]) Cancel() { t.inner.Cancel() }
