package waitq

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spindle-rt/spindle/future"
)

// ErrSemClosed is returned by acquires on a closed Sem. Packages wrap it in
// their own sentinel.
var ErrSemClosed = errors.New("semaphore closed")

// ErrCancelled is returned by PollAcquire after Cancel. Callers turn it
// into a *future.MisuseError panic: a cancelled wait must not be polled.
// It is future.ErrPolledAfterCancel, so that a caller that forwards it
// reports the module's one sentinel for that misuse.
var ErrCancelled = future.ErrPolledAfterCancel

// ErrResetBusy is the one sentinel of channel's and tasksync's Reset on a
// future still in use; both packages export it under that name.
var ErrResetBusy = errors.New("reset before the future finished, or while its guard or permit is held")

// ErrUninitialized is returned by PollAcquire on a Sem that was never
// Init-ed (the zero value of a type that needs a constructor). Callers
// turn it into a *future.MisuseError panic.
var ErrUninitialized = errors.New("used before initialisation: use the New constructor")

// Sem is a fair counting semaphore: acquires of any weight queue in FIFO
// order and released permits go to the oldest waiter first (tokio's
// batch_semaphore). A waiter that needs more permits than are free takes
// what is free and keeps waiting for the rest, so a large acquire is not
// starved by a stream of small ones, and a small acquire that arrives later
// does not overtake it.
//
// The fast paths (acquire with nobody queued, release with nobody queued)
// are one CAS on state; everything that touches the queue holds mu.
type Sem struct {
	// state is avail<<3 | initBit | waitersBit | closedBit.
	// Invariants:
	//  - waitersBit is set iff waiters is non-empty; it changes only with mu held.
	//  - avail > 0 implies waitersBit is clear: a release hands permits to
	//    the head waiter before making them available, so no acquire can
	//    take permits past a queued waiter (FIFO fairness).
	//  - closedBit is set only with mu held, never cleared.
	//  - initBit is set by Init: a zero Sem is detected instead of waiting
	//    forever on its zero permits.
	state   atomic.Uint64
	mu      sync.Mutex
	waiters List[int64] // Val: permits the waiter still needs
}

const (
	closedBit  = 1
	waitersBit = 2
	initBit    = 4
	shift      = 3
	// MaxPermits is the largest number of permits a Sem holds.
	MaxPermits = 1<<60 - 1
)

// Init sets the number of available permits. Call it before any use.
func (s *Sem) Init(permits int64) { s.state.Store(uint64(permits)<<shift | initBit) }

// Initialized reports whether Init was called.
func (s *Sem) Initialized() bool { return s.state.Load()&initBit != 0 }

// Available returns the permits that are free right now.
func (s *Sem) Available() int64 { return int64(s.state.Load() >> shift) }

// Closed reports whether Close was called.
func (s *Sem) Closed() bool { return s.state.Load()&closedBit != 0 }

// Waiters returns how many acquires are queued.
func (s *Sem) Waiters() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiters.Len()
}

// TryAcquire takes n permits if they are free and nobody is queued. It
// returns ErrSemClosed once the semaphore is closed.
func (s *Sem) TryAcquire(n int64) (bool, error) {
	for {
		st := s.state.Load()
		if st&closedBit != 0 {
			return false, ErrSemClosed
		}
		if st&waitersBit != 0 || int64(st>>shift) < n {
			return false, nil
		}
		if s.state.CompareAndSwap(st, st-uint64(n)<<shift) {
			return true, nil
		}
	}
}

// Release returns n permits, waking the waiters they complete. cx is the
// Context of the poll calling Release, or nil outside a poll.
func (s *Sem) Release(cx *future.Context, n int64) {
	for {
		st := s.state.Load()
		if st&waitersBit != 0 {
			break
		}
		if s.state.CompareAndSwap(st, st+uint64(n)<<shift) {
			return
		}
	}
	var wl WakeList
	s.mu.Lock()
	s.releaseLocked(n, &wl)
	s.mu.Unlock()
	wl.WakeAll(cx)
}

// releaseLocked hands n permits to the waiters in order and makes the rest
// available. It may unlock and relock mu to wake a full batch.
func (s *Sem) releaseLocked(n int64, wl *WakeList) {
	for {
		h := s.waiters.Front()
		// A head that needs nothing more (an acquire of 0 permits, or
		// one whose predecessor left) is granted even when n is 0.
		if h == nil || (n == 0 && h.Val > 0) {
			break
		}
		take := min(h.Val, n)
		h.Val -= take
		n -= take
		if h.Val == 0 {
			s.waiters.Remove(h)
			h.State = Granted
			wl.TakeLocked(&s.mu, nil, &h.Waker)
		}
	}
	if s.waiters.Len() > 0 {
		return // n == 0 here: the head waiter absorbs every permit
	}
	for {
		st := s.state.Load()
		nst := (st &^ waitersBit) + uint64(n)<<shift
		if s.state.CompareAndSwap(st, nst) {
			return
		}
	}
}

// Close makes every queued and later acquire fail with ErrSemClosed.
// Permits already granted stay granted; releasing them is allowed.
func (s *Sem) Close() {
	var wl WakeList
	s.mu.Lock()
	for {
		st := s.state.Load()
		if s.state.CompareAndSwap(st, (st|closedBit)&^waitersBit) {
			break
		}
	}
	DrainLocked(&s.mu, &s.waiters, &wl, nil, Idle) // their next poll sees closedBit
	s.mu.Unlock()
	wl.WakeAll(nil)
}

// Acquire is the state of one acquire of n permits from a Sem; futures
// embed it and pass the Sem and the count to each call, since they hold
// both anyway (a guard's lock, a permit's semaphore and count).
//
//	fresh --Poll: permits free--> done
//	fresh --Poll: not enough--> waiting (node queued; cleanup registered
//	        unless adopted)
//	waiting --Release grants--> Poll --> done
//	waiting --Cancel / owner collected--> cancelled (permits given back)
//	any --Close--> Poll returns ErrSemClosed
//	done --Reset--> fresh, keeping the node and the cleanup registration
//
// Where the queue node is depends on the owner. An adopted acquire (its
// owner cancels it whenever it abandons it: Adopt) is its own node: the
// queue points into the future, which is sound because the owner takes it
// off the queue before letting go of it, and a waiting future is then one
// object, as tokio's Acquire holds its Waiter inline. Otherwise the node
// is allocated apart, at the first wait, and does not point back to the
// future, so that an abandoned future can be collected and its cleanup can
// take the node off the queue; the acquire keeps that node in the prev
// link of its own node, which it then never queues. The cleanup is
// registered once per future and never stopped: when it runs after the
// wait finished it finds the node done and does nothing, and the future
// keeps no 16-byte handle to stop it with. A task that locks in a loop
// with one future Reset each round allocates nothing and touches no
// runtime special after its first wait.
type Acquire struct {
	// self is the queue node of an adopted acquire (Val: permits still
	// needed). Its Flags are the acquire's flags below, its Life the
	// embedding future's own state, which waitq does not touch.
	self Node[int64]
}

const (
	acqWaiting    = 1 << iota // this round took the slow path: the node is in use
	acqRegistered             // the cleanup is registered (the node is apart)
	acqAdopted                // the owner cancels: no cleanup, the node is self
)

// Life returns the byte the embedding future keeps its own state in.
func (a *Acquire) Life() uint8 { return a.self.Life }

// SetLife sets the byte Life returns.
func (a *Acquire) SetLife(l uint8) { a.self.Life = l }

// Adopt says that the owner cancels the acquire whenever it abandons it
// (future.Adopter), so its wait registers no cleanup and queues the
// acquire itself. Once a wait registered a cleanup it does nothing.
func (a *Acquire) Adopt() {
	if a.self.Flags&acqRegistered == 0 {
		a.self.Flags |= acqAdopted
	}
}

// node returns the queue node: the acquire itself if adopted, else the
// separate node (nil until the first wait).
func (a *Acquire) node() *Node[int64] {
	if a.self.Flags&acqAdopted != 0 {
		return &a.self
	}
	return a.self.prev
}

// Reset prepares a finished acquire for another round with the same
// semaphore and count. The caller guarantees the previous round completed
// (its future returned Ready): the node is then in no queue and no other
// goroutine touches it.
func (a *Acquire) Reset() {
	if a.self.Flags&acqAdopted != 0 {
		a.self = Node[int64]{Life: a.self.Life, Flags: a.self.Flags}
	} else if nd := a.self.prev; nd != nil {
		*nd = Node[int64]{}
	}
	a.self.Flags &^= acqWaiting
}

// PollAcquire advances a, the acquire of n permits from s embedded in the
// future owner. It returns (true, nil) when the permits are held, (false,
// nil) after registering cx's waker, or (false, ErrSemClosed). owner is the
// object the caller drops when it abandons the acquire: when the garbage
// collector finds it unreachable, the wait is cancelled as by Cancel
// (unless the acquire was adopted).
func PollAcquire[F any](owner *F, a *Acquire, s *Sem, n int64, cx *future.Context) (bool, error) {
	if a.self.Flags&acqWaiting == 0 {
		ok, err := s.TryAcquire(n)
		if ok || err != nil {
			return ok, err
		}
		if !s.Initialized() {
			return false, ErrUninitialized
		}
		if a.self.Flags&acqAdopted == 0 {
			if a.self.prev == nil {
				a.self.prev = &Node[int64]{}
			}
			if a.self.Flags&acqRegistered == 0 {
				runtime.AddCleanup(owner, acqRef.cancel, acqRef{a.self.prev, s, n})
				a.self.Flags |= acqRegistered
			}
		}
		a.self.Flags |= acqWaiting
	}
	nd := a.node()
	s.mu.Lock()
	switch nd.PollLocked(cx) {
	case Granted:
		s.mu.Unlock()
		return true, nil
	case Queued:
		s.mu.Unlock()
		return false, nil
	case Done:
		s.mu.Unlock()
		return false, ErrCancelled
	}
	// Idle: not queued yet, or dequeued by Close.
	for {
		st := s.state.Load()
		if st&closedBit != 0 {
			s.mu.Unlock()
			return false, ErrSemClosed
		}
		avail := int64(st >> shift)
		if avail >= n && st&waitersBit == 0 {
			if s.state.CompareAndSwap(st, st-uint64(n)<<shift) {
				nd.State = Done
				s.mu.Unlock()
				return true, nil
			}
			continue
		}
		// Take what is free (only possible with nobody queued) and queue
		// for the rest.
		take := int64(0)
		if st&waitersBit == 0 {
			take = avail
		}
		if s.state.CompareAndSwap(st, (st-uint64(take)<<shift)|waitersBit) {
			nd.Val = n - take
			s.waiters.PushBack(nd)
			nd.Waker = cx.Waker()
			s.mu.Unlock()
			return false, nil
		}
	}
}

// Cancel abandons the acquire of n permits from s: a queued waiter leaves
// the queue and gives back the permits it was handed so far; permits
// granted but not yet seen by a poll are released. A completed acquire, or
// one whose round never waited, is left alone. It is safe to call more
// than once.
func (a *Acquire) Cancel(s *Sem, n int64) {
	if a.self.Flags&acqWaiting != 0 {
		acqRef{a.node(), s, n}.cancel()
	}
}

// acqRef is what the cleanup of an acquire keeps: its node, semaphore and
// count, not the future.
type acqRef struct {
	node *Node[int64]
	sem  *Sem
	n    int64
}

// cancel is Acquire.Cancel on the node; it is also the cleanup run when
// the owning future is collected.
func (r acqRef) cancel() {
	s, nd := r.sem, r.node
	var wl WakeList
	s.mu.Lock()
	switch nd.State {
	case Queued:
		s.waiters.Remove(nd)
		nd.State = Done
		nd.Waker = nil
		s.releaseLocked(r.n-nd.Val, &wl)
	case Granted:
		nd.State = Done
		s.releaseLocked(r.n, &wl)
	case Idle:
		nd.State = Done
	}
	s.mu.Unlock()
	wl.WakeAll(nil)
}
