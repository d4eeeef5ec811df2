package poll

import (
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// Timers are a binary min-heap of *timer ordered by deadline, under one
// mutex, driven by Reactor.Park: its wait ends at the earliest deadline and
// it wakes every expired timer, earliest first.
//
// Life of a timer (fields guarded by timerHeap.mu):
//
//	idle (idx<0, !fired) ──arm──▶ queued (idx≥0) ──expire──▶ fired (idx<0, fired)
//	        ▲                        │
//	        └────────cancel──────────┘
//
// Cancellation is eager: cancel removes the timer from the heap in
// O(log n) at once, and the heap's array shrinks when it is mostly empty,
// so created-and-cancelled timers leave no memory behind. Go has no
// destructors, so the owner cancels: a Timeout cancels its timer when its
// future wins, a SleepFuture or Ticker has Cancel/Stop. A timer simply
// abandoned (its task aborted) stays queued until its deadline, then fires
// into a waker nobody polls and is freed: abandoned timers cost memory for
// at most their remaining duration.
type timer struct {
	when  int64 // nanotime deadline
	idx   int32 // position in the heap, -1 when not queued
	fired bool
	// waker is called at the deadline. A SleepFuture on the TimerDriver
	// path, whose timer is never queued, keeps its *virtualTimer here.
	waker future.Waker
}

type timerHeap struct {
	mu     sync.Mutex
	h      []*timer
	r      *Reactor
	closed bool
	// sleepUntil is the nanotime at which the goroutine in Park plans to
	// wake, or -1 when none is about to sleep. arm compares a new deadline
	// with it under mu and Unparks the sleeper if the new one is earlier.
	sleepUntil int64
}

// epoch is the zero of nanotime; time.Since reads the monotonic clock, so
// deadlines ignore wall-clock jumps. All reactors share it.
var epoch = time.Now()

func nanotime() int64 { return int64(time.Since(epoch)) }

func epochTime(ns int64) time.Time { return epoch.Add(time.Duration(ns)) }

func (th *timerHeap) init(r *Reactor) {
	th.r = r
	th.sleepUntil = -1
}

// arm queues t (unless it is queued or has fired) and stores w as the
// waker to call at its deadline. It returns false on a closed reactor.
func (th *timerHeap) arm(t *timer, w future.Waker) bool {
	th.mu.Lock()
	if th.closed {
		th.mu.Unlock()
		return false
	}
	t.waker = w
	unpark := false
	if t.idx < 0 && !t.fired {
		th.push(t)
		unpark = t.idx == 0 && t.when < th.sleepUntil
	}
	th.mu.Unlock()
	if unpark {
		th.r.Unpark()
	}
	return true
}

// cancel removes t from the heap and forgets its waker; it may be armed
// again afterwards. It reports whether t was queued: if so its waker will
// not be called; if not, a Park that already expired it may still be
// about to call the waker (a spurious wake, which the contract allows).
func (th *timerHeap) cancel(t *timer) bool {
	th.mu.Lock()
	queued := t.idx >= 0
	if queued {
		th.remove(int(t.idx))
		th.shrink()
	}
	t.waker = nil
	t.fired = false
	th.mu.Unlock()
	return queued
}

// expire pops every timer due at now, in deadline order, appending their
// wakers to wake.
func (th *timerHeap) expire(now int64, wake []future.Waker) []future.Waker {
	th.mu.Lock()
	for len(th.h) > 0 && th.h[0].when <= now {
		t := th.h[0]
		th.remove(0)
		t.fired = true
		if t.waker != nil {
			wake = append(wake, t.waker)
			t.waker = nil
		}
	}
	th.shrink()
	th.mu.Unlock()
	return wake
}

// planSleep records that Park will sleep until `until` at the latest and
// returns the earlier of that and the next deadline; until<0 records that
// Park is awake again.
func (th *timerHeap) planSleep(until int64) int64 {
	th.mu.Lock()
	if until >= 0 && len(th.h) > 0 && th.h[0].when < until {
		until = th.h[0].when
	}
	th.sleepUntil = until
	th.mu.Unlock()
	return until
}

func (th *timerHeap) closeAll(wake []future.Waker) []future.Waker {
	th.mu.Lock()
	th.closed = true
	for _, t := range th.h {
		t.idx = -1
		if t.waker != nil {
			wake = append(wake, t.waker)
			t.waker = nil
		}
	}
	th.h = nil
	th.mu.Unlock()
	return wake
}

// len reports how many timers are queued.
func (th *timerHeap) len() int {
	th.mu.Lock()
	defer th.mu.Unlock()
	return len(th.h)
}

func (th *timerHeap) push(t *timer) {
	t.idx = int32(len(th.h))
	th.h = append(th.h, t)
	th.up(int(t.idx))
}

func (th *timerHeap) remove(i int) {
	h := th.h
	last := len(h) - 1
	t := h[i]
	if i != last {
		h[i] = h[last]
		h[i].idx = int32(i)
	}
	h[last] = nil
	th.h = h[:last]
	if i != last {
		if !th.down(i) {
			th.up(i)
		}
	}
	t.idx = -1
}

// shrink gives back the array once three quarters of it are unused, so a
// burst of timers does not pin its peak memory.
func (th *timerHeap) shrink() {
	if c := cap(th.h); c > 256 && len(th.h) < c/4 {
		th.h = append(make([]*timer, 0, 2*len(th.h)), th.h...)
	}
}

func (th *timerHeap) up(i int) {
	h := th.h
	t := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if h[p].when <= t.when {
			break
		}
		h[i] = h[p]
		h[i].idx = int32(i)
		i = p
	}
	h[i] = t
	t.idx = int32(i)
}

func (th *timerHeap) down(i0 int) bool {
	h := th.h
	n := len(h)
	i := i0
	t := h[i]
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && h[r].when < h[l].when {
			c = r
		}
		if h[c].when >= t.when {
			break
		}
		h[i] = h[c]
		h[i].idx = int32(i)
		i = c
	}
	h[i] = t
	t.idx = int32(i)
	return i > i0
}
