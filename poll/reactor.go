package poll

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-rt/spindle/future"
)

// Reactor is spindle's I/O and timer driver: an epoll instance woken by an
// eventfd, a slab of registrations and a timer heap. It implements
// future.Driver, so an executor parks in it when idle (see NewPool) and
// BlockOn runs futures on it with no executor at all.
//
// Park is driven by one goroutine at a time (a second concurrent Park
// panics with a *future.MisuseError). Everything else — registering and
// closing descriptors, arming and cancelling timers, Unpark — is safe from
// any goroutine, including while another one is parked.
//
// Park/Unpark protocol, on the state word (bits parkParked and
// parkUnparkPending):
//
//	idle ──Park(timeout≠0): CAS idle→parked──▶ parked ──epoll_wait returns──▶ idle
//	  │                                          │
//	Unpark: set pending                      Unpark: set pending, write eventfd
//	  ▼                                          ▼
//	pending ──next Park: clear, wait with zero timeout──▶ idle
//
// Unpark writes the eventfd only when it finds parked set and was first
// to set pending, so a busy reactor (or a BlockOn woken from inside its
// own Park) pays one atomic operation per Unpark, not a syscall.
type Reactor struct {
	p      *epoller
	state  atomic.Uint32
	closed atomic.Bool
	parkMu sync.Mutex // held by the goroutine inside Park; Close waits for it

	regs   slab
	timers timerHeap

	// Owned by the goroutine inside Park.
	sysbuf []sysEvent
	evs    []event
	wake   []future.Waker

	closeOnce sync.Once
	closeErr  error
	closedCh  chan struct{} // after Close, Park waits on it (no epoll left)
}

// The bits of Reactor.state (the Park/Unpark protocol above).
const (
	// parkParked: a goroutine is in, or about to enter, a blocking
	// epoll_wait. Set by Park with a CAS from 0, cleared by Park when
	// the wait returns; Unpark writes the eventfd only while it is set.
	parkParked = 1 << 0
	// parkUnparkPending: an Unpark came that no Park has consumed yet.
	// Set by Unpark (only its first setter writes the eventfd); cleared
	// by the next Park, which then waits with a zero timeout.
	parkUnparkPending = 1 << 1
)

// NewReactor makes a reactor. It owns an epoll descriptor and an eventfd
// until Close. On systems without epoll it returns ErrUnsupported.
func NewReactor() (*Reactor, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	r := &Reactor{p: p, sysbuf: make([]sysEvent, 256), closedCh: make(chan struct{}, 1)}
	r.timers.init(r)
	return r, nil
}

// Unpark makes a Park in progress, or the next one, return promptly. Any
// goroutine may call it at any time, also after Close.
func (r *Reactor) Unpark() {
	for {
		s := r.state.Load()
		if s&parkUnparkPending != 0 {
			return
		}
		if r.state.CompareAndSwap(s, s|parkUnparkPending) {
			if s&parkParked != 0 {
				if r.closed.Load() {
					select {
					case r.closedCh <- struct{}{}:
					default:
					}
				} else {
					r.p.wake()
				}
			}
			return
		}
	}
}

// Park waits for I/O readiness, a timer deadline, Unpark, or timeout
// (negative: no limit; zero: only collect what is ready), then wakes every
// task whose event it saw with future.WakeFrom(cx, ...), so an executor can
// run those tasks on the goroutine that parked, with no hop to another
// thread. Expired timers are woken in deadline order.
func (r *Reactor) Park(cx *future.Context, timeout time.Duration) {
	if !r.parkMu.TryLock() {
		if r.closed.Load() {
			r.parkClosed(timeout) // Close holds the lock for a moment
			return
		}
		panic(misuse(r, ErrParkedTwice))
	}
	if r.closed.Load() {
		r.parkMu.Unlock() // Close may be waiting for it
		r.parkClosed(timeout)
		return
	}
	defer r.parkMu.Unlock()
	wake := r.wake[:0]
	now := nanotime()
	wake = r.timers.expire(now, wake)

	// The wait ends at the earliest of the caller's timeout and the next
	// timer. wantSleep tells the timer heap (under its lock, so an armed
	// timer cannot slip between the two) when this Park means to wake, and
	// any goroutine arming an earlier timer then Unparks it.
	until := int64(math.MaxInt64)
	if timeout >= 0 {
		until = now + int64(timeout)
	}
	if len(wake) > 0 {
		until = now // expired timers to run: do not sleep
	}
	until = r.timers.planSleep(until)
	msec := 0
	parked := false
	if until > now && r.state.CompareAndSwap(0, parkParked) {
		parked = true
		msec = waitMillis(until - now)
	} else {
		// Not sleeping: this Park returns promptly, which is all a
		// pending Unpark asked for.
		r.state.CompareAndSwap(parkUnparkPending, 0)
	}
	evs, err := r.p.wait(r.sysbuf, r.evs[:0], msec)
	if parked {
		r.state.Store(0)
	}
	r.timers.planSleep(-1)
	if err != nil {
		// epoll_wait fails only on programming errors (EBADF, EFAULT);
		// do not spin on it.
		time.Sleep(time.Millisecond)
	}
	if len(evs) == len(r.sysbuf) && len(r.sysbuf) < 4096 {
		r.sysbuf = make([]sysEvent, 2*len(r.sysbuf))
	}
	for _, e := range evs {
		if s := r.regs.get(e.token); s != nil {
			wake = s.setReady(e.gen, e.bits, wake)
		}
	}
	r.evs = evs[:0]
	wake = r.timers.expire(nanotime(), wake)
	for i, w := range wake {
		future.WakeFrom(cx, w)
		wake[i] = nil
	}
	r.wake = wake[:0]
}

// waitMillis rounds d up to whole milliseconds, so a timer never fires
// early because epoll_wait's resolution is coarser than its deadline.
func waitMillis(d int64) int {
	if d >= int64(math.MaxInt32)*int64(time.Millisecond) {
		return -1
	}
	return int((d + int64(time.Millisecond) - 1) / int64(time.Millisecond))
}

func (r *Reactor) parkClosed(timeout time.Duration) {
	if timeout == 0 || !r.state.CompareAndSwap(0, parkParked) {
		r.state.CompareAndSwap(parkUnparkPending, 0)
		return
	}
	var t <-chan time.Time
	if timeout > 0 {
		tm := time.NewTimer(timeout)
		defer tm.Stop()
		t = tm.C
	}
	// A token in closedCh may be stale (sent to a Park that had already
	// returned); only the notified bit says an Unpark is for this one.
	for r.state.Load()&parkUnparkPending == 0 {
		select {
		case <-r.closedCh:
			continue
		case <-t:
		}
		break
	}
	r.state.Store(0)
}

// Close releases the epoll descriptor and the eventfd. Futures waiting on
// the reactor are woken: I/O on its descriptors then fails with
// ErrReactorClosed and a timer polled on it panics with a
// *future.MisuseError. Descriptors of listeners and connections stay open
// until their own Close. Close waits for a Park in progress to return and
// is idempotent.
func (r *Reactor) Close() error {
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		r.Unpark()
		r.p.wake()
		r.parkMu.Lock()
		var wake []future.Waker
		r.regs.each(func(s *scheduledIO) {
			s.mu.Lock()
			s.closed = true
			s.ready = 0
			wake = takeWaiters(&s.rd, wake)
			wake = takeWaiters(&s.wr, wake)
			s.mu.Unlock()
		})
		wake = r.timers.closeAll(wake)
		r.closeErr = r.p.close()
		r.parkMu.Unlock()
		for _, w := range wake {
			w.Wake()
		}
	})
	return r.closeErr
}

// Stats is a snapshot of what a reactor holds.
type Stats struct {
	Registrations int // descriptors registered
	Timers        int // timers armed
}

// Stats returns how many descriptors and timers r holds now; tests and
// monitoring use it to see that nothing is leaked.
func (r *Reactor) Stats() Stats {
	r.regs.mu.Lock()
	n := r.regs.live
	r.regs.mu.Unlock()
	return Stats{Registrations: n, Timers: r.timers.len()}
}
