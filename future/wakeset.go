package future

import (
	"slices"
	"sync"
	"sync/atomic"
)

// wakeSet lets a combinator over several children (Join, Race, ...) re-poll
// only the children that were woken since its last poll, as futures-rs's
// FuturesUnordered does: each child is polled with its own waker, which
// pushes the child onto a ready list and wakes the combinator's task. A poll
// of the combinator then costs O(children woken), not O(children), and
// joining n futures costs O(n) polls in all instead of O(n²).
//
// A child's state, kept in its waker's state word:
//
//	idle    --Wake--> queued: pushed on the ready list; if the list was
//	                  empty, the parent (the combinator's task) is woken
//	queued  --Wake--> queued (duplicate wakes merge)
//	queued  --begin takes the list, then child(i)--> idle, and the child is
//	                  polled; a wake during that poll queues it again
//	any     --retire (the child is Ready)--> retired: wakes do nothing
//
// The ready list is a lock-free stack of child indexes linked through the
// wakers (push: CAS on head; begin: Swap head to empty, then reverse), so a
// wake costs two atomic operations and no lock. Only a wake that finds the
// list empty takes the mutex, to read the parent waker: at most once per
// poll of the combinator. So the parent is woken once per batch of child
// wakes, not once per child wake.
//
// The set is open until close; after close, wakes do nothing (rule 3 of the
// contract: a wake after completion does nothing).
//
// Every child starts queued, so that the first poll polls all of them in
// index order. Memory is allocated once, by init at the first poll: one
// 16-byte waker per child (&wakers[i] is child i's Waker: no allocation per
// wake or per poll) and one batch buffer of n indexes, which never grows
// because each child is on the list at most once.
type wakeSet struct {
	// head is the index of the child pushed last, or -1 for an empty list.
	head atomic.Int32

	mu sync.Mutex
	// Guarded by mu.
	parent Waker // waker of the combinator's most recent poll (rule 2)
	closed bool

	// Owned by the goroutine polling the combinator.
	first  bool         // init ran and begin has not: the batch is every child
	batch  []int32      // the batch handed out by the last begin
	wakers []childWaker // allocated once; set and the index bits are read-only
	ccx    Context      // the Context children are polled with
}

// queuedBit marks a child waker's state as queued (or retired); the other
// bits hold the child's index, which never changes.
const queuedBit = 1 << 31

// childWaker is the Waker of one child. It is a LocalWaker so that a wake
// coming from inside another task's poll still reaches the executor as a
// local wake of the parent task.
type childWaker struct {
	set *wakeSet
	// state is the child's index | queuedBit while it is queued or retired.
	// It is only changed by read-modify-write operations (Or, And): the And
	// in child reads the value written by the last wake's Or, so everything
	// a waking goroutine did before Wake, even a wake merged with an earlier
	// one, happens before the child's next poll.
	state atomic.Uint32
	// next links the ready list. Written only by the goroutine that set
	// queuedBit, before its successful CAS on set.head; read by begin after
	// its Swap of head, which observes that CAS (directly or through later
	// pushes): no race.
	next int32
}

// initialized reports whether init ran.
func (s *wakeSet) initialized() bool { return s.wakers != nil }

// init prepares n children, all queued. s must be at its final address: the
// wakers point to it.
func (s *wakeSet) init(n int) {
	s.wakers = make([]childWaker, n)
	s.batch = make([]int32, n)
	for i := range s.wakers {
		w := &s.wakers[i]
		w.set = s
		w.state.Store(uint32(i) | queuedBit)
		s.batch[i] = int32(i)
	}
	s.head.Store(-1)
	s.first = true
}

// begin starts a poll of the combinator with cx: it makes cx's waker the one
// that child wakes wake, and returns the children woken since the previous
// begin, in the order of their wakes. The batch is valid until the next
// begin.
func (s *wakeSet) begin(cx *Context) []int32 {
	// The parent is set before the list is taken: a wake that finds the
	// list empty after the Swap below is ordered after this store and wakes
	// the new waker. A wake that found it empty before the Swap may wake
	// either waker; its child is in this batch, so that wake is at most a
	// spurious one.
	s.mu.Lock()
	s.parent = cx.waker
	s.mu.Unlock()
	s.ccx = *cx // this poll's executor, driver and budget
	if s.first {
		s.first = false
		return s.batch
	}
	b := s.batch[:0]
	for i := s.head.Swap(-1); i >= 0; i = s.wakers[i].next {
		b = append(b, i)
	}
	slices.Reverse(b) // the stack pops newest first; poll in wake order
	s.batch = b
	return b
}

// child makes child i idle, so that a wake from now on queues it again, and
// returns the Context to poll it with, valid until the next call of child.
func (s *wakeSet) child(i int32) *Context {
	w := &s.wakers[i]
	w.state.And(^uint32(queuedBit)) // an RMW, not a Store: see state
	s.ccx.waker = w
	return &s.ccx
}

// retire marks child i finished: its later wakes do nothing, so a child that
// completed cannot wake the task for nothing.
func (s *wakeSet) retire(i int32) { s.wakers[i].state.Or(queuedBit) }

// close makes every later wake a no-op and drops what the set holds, so a
// child waker kept by someone after completion keeps little alive.
func (s *wakeSet) close() {
	s.mu.Lock()
	s.closed = true
	s.parent = nil
	s.mu.Unlock()
	s.batch = nil
	s.ccx = Context{}
}

func (w *childWaker) Wake() { w.wake(nil) }

func (w *childWaker) WakeLocal(ext any) { w.wake(ext) }

func (w *childWaker) wake(ext any) {
	old := w.state.Or(queuedBit)
	if old&queuedBit != 0 {
		return // queued already (the parent will poll this child) or retired
	}
	s := w.set
	idx := int32(old)
	for {
		h := s.head.Load()
		w.next = h
		if s.head.CompareAndSwap(h, idx) {
			if h < 0 {
				s.notify(ext) // the list was empty: the parent must poll
			}
			return
		}
	}
}

// notify wakes the parent waker, locally when the wake comes from inside a
// poll on an executor (ext != nil) and the waker supports it.
func (s *wakeSet) notify(ext any) {
	s.mu.Lock()
	p, closed := s.parent, s.closed
	s.mu.Unlock()
	if closed || p == nil {
		return
	}
	if ext != nil {
		if lw, ok := p.(LocalWaker); ok {
			lw.WakeLocal(ext)
			return
		}
	}
	p.Wake()
}
