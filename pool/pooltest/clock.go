package pooltest

import (
	"container/heap"
	"sync"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// Clock is the virtual clock of a run, tokio's paused clock: it reads
// Start(), the real time at which the run began, and from then on moves only when Advance is called or,
// unless the run has the ManualClock option, when every task is idle and a
// timer is armed: the loop then jumps to the earliest deadline and wakes
// the timers due. A test of an hour-long timeout thus takes as long as its
// polls.
//
// Timers are keyed by an arbitrary comparable value (a future's pointer):
// Now, ArmTimer and CancelTimer are poll.TimerDriver, which poll's timers
// use when cx.Driver() provides it; the Sched forwards them, so cx.Driver()
// of a task has them. Clock.Sleep is a timer future built on that
// interface alone.
//
// A timer's life: unarmed ──ArmTimer──▶ armed ──deadline reached──▶ fired
// (its waker woken, key forgotten); CancelTimer takes an armed timer back
// to unarmed. ArmTimer on an armed key replaces its deadline and waker.
// All methods may be called from any goroutine.
type Clock struct {
	s      *Sched
	start  time.Time
	mu     sync.Mutex
	now    time.Duration // virtual time elapsed since start
	timers timerHeap
	byKey  map[any]*clockTimer
	seq    uint64
}

// newClock starts at the real time, as tokio's paused clock does, so that
// deadlines computed from time.Now() at the start of a run (poll.SleepUntil
// of time.Now().Add(d)) mean what they say. Durations replay exactly from
// the seed; for instants to replay exactly too, compute deadlines from
// Clock.Now.
func newClock(s *Sched) *Clock {
	return &Clock{s: s, start: time.Now(), byKey: make(map[any]*clockTimer)}
}

// Start returns the instant the clock read when the run began.
func (c *Clock) Start() time.Time { return c.start }

// Now returns the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(c.now)
}

// Elapsed returns how much virtual time has passed since the run began.
func (c *Clock) Elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d is taken as zero) and
// wakes every timer whose deadline is then reached, earliest first.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now += max(d, 0)
	due := c.popDue()
	c.mu.Unlock()
	wakeAll(due)
}

// advanceToNext jumps to the earliest deadline, if any timer is armed, and
// wakes the timers due. It reports whether it did.
func (c *Clock) advanceToNext() bool {
	c.mu.Lock()
	if len(c.timers) == 0 {
		c.mu.Unlock()
		return false
	}
	c.now = max(c.now, c.timers[0].when)
	due := c.popDue()
	c.mu.Unlock()
	wakeAll(due)
	return true
}

// Timers returns how many timers are armed.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// ArmTimer arms the timer named key to wake w once the clock reaches when,
// replacing the deadline and waker of key's armed timer if there is one. A
// deadline already reached wakes w at once.
func (c *Clock) ArmTimer(key any, when time.Time, w future.Waker) {
	at := when.Sub(c.start)
	c.mu.Lock()
	if at <= c.now {
		if t := c.byKey[key]; t != nil {
			heap.Remove(&c.timers, t.idx)
			delete(c.byKey, key)
		}
		c.mu.Unlock()
		w.Wake()
		return
	}
	if t := c.byKey[key]; t != nil {
		t.when, t.waker = at, w
		heap.Fix(&c.timers, t.idx)
	} else {
		c.seq++
		t := &clockTimer{when: at, seq: c.seq, key: key, waker: w}
		c.byKey[key] = t
		heap.Push(&c.timers, t)
	}
	c.mu.Unlock()
}

// CancelTimer disarms the timer named key, if it is armed.
func (c *Clock) CancelTimer(key any) {
	c.mu.Lock()
	if t := c.byKey[key]; t != nil {
		heap.Remove(&c.timers, t.idx)
		delete(c.byKey, key)
	}
	c.mu.Unlock()
}

// popDue removes the timers due at c.now, earliest first. Called with mu.
func (c *Clock) popDue() []future.Waker {
	var due []future.Waker
	for len(c.timers) > 0 && c.timers[0].when <= c.now {
		t := heap.Pop(&c.timers).(*clockTimer)
		delete(c.byKey, t.key)
		due = append(due, t.waker)
	}
	return due
}

func wakeAll(ws []future.Waker) {
	for _, w := range ws {
		w.Wake()
	}
}

type clockTimer struct {
	when  time.Duration
	seq   uint64 // arming order breaks ties, so equal deadlines fire in a fixed order
	key   any
	waker future.Waker
	idx   int
}

// timerHeap is a container/heap of timers by (when, seq).
type timerHeap []*clockTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when != h[j].when {
		return h[i].when < h[j].when
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx = i
	h[j].idx = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*clockTimer)
	t.idx = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.idx = -1
	return t
}

// Now returns the run's virtual time; with ArmTimer and CancelTimer it is
// the timer interface of cx.Driver() inside a task (see Clock).
func (s *Sched) Now() time.Time { return s.clock.Now() }

// ArmTimer is Clock.ArmTimer of the run's clock.
func (s *Sched) ArmTimer(key any, when time.Time, w future.Waker) { s.clock.ArmTimer(key, when, w) }

// CancelTimer is Clock.CancelTimer of the run's clock.
func (s *Sched) CancelTimer(key any) { s.clock.CancelTimer(key) }
